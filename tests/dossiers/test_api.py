import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Application, Citation, Document
from dossiers.services.applications import PriorityIn, application_upsert
from dossiers.services.documents import document_add
from offices.services import api_key_create
from stats.models import Action, UsageEvent
from tests.dossiers.pdf_samples import encrypted_pdf_bytes, pdf_bytes
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def _key(office, *scopes):
    return api_key_create(office=office, name="test", scopes=scopes)[1]


@pytest.fixture
def api(client):
    """client.get/post/delete with a key: api(key).get(url)."""

    class Caller:
        def __init__(self, raw):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}

        def get(self, url, **kw):
            return client.get(url, **self.headers, **kw)

        def post(self, url, data=None, **kw):
            if "format" in kw and kw.pop("format") == "multipart":
                return client.post(url, data, **self.headers, **kw)
            return client.post(
                url, json.dumps(data), content_type="application/json", **self.headers, **kw
            )

        def delete(self, url, **kw):
            return client.delete(url, **self.headers, **kw)

    return Caller


@pytest.fixture
def us(db):
    return OfficeFactory(code="US", name="USPTO")


@pytest.fixture
def ca_app(office):
    return application_upsert(
        office=office,
        number="CA 2,123,456",
        filing_date=dt.date(2013, 10, 11),
        published=True,
        priorities=[PriorityIn("US", "13/926,335", dt.date(2013, 6, 26))],
    )


@pytest.fixture
def ca_doc(ca_app):
    return document_add(
        application=ca_app,
        file=SimpleUploadedFile("isr.pdf", pdf_bytes(pages=2, label="isr"), "application/pdf"),
        category="search_report",
        code="ISR",
        date=dt.date(2014, 2, 3),
    )


@pytest.fixture
def ca_access(office):
    return _key(office, "access")


@pytest.fixture
def ca_provide(office):
    return _key(office, "provide")


@pytest.fixture
def au_access(other_office):
    return _key(other_office, "access")


@pytest.fixture
def au_both(other_office):
    return _key(other_office, "access", "provide")


def _endpoints(doc_id):
    app = "/api/v1/applications/CA/2123456"
    return [
        ("get", "/api/v1/search?number=CA2123456", "access"),
        ("get", "/api/v1/families/1", "access"),
        ("get", app, "access"),
        ("get", f"{app}/documents", "access"),
        ("get", f"{app}/citations", "access"),
        ("get", f"/api/v1/documents/{doc_id}", "access"),
        ("get", f"/api/v1/documents/{doc_id}/content", "access"),
        ("post", "/api/v1/applications", "provide"),
        ("post", "/api/v1/applications/bulk", "provide"),
        ("post", f"{app}/documents", "provide"),
        ("delete", f"/api/v1/documents/{doc_id}", "provide"),
        ("post", f"/api/v1/documents/{doc_id}/citations", "provide"),
    ]


def test_every_endpoint_refuses_calls_without_a_key_with_json(api, ca_doc):
    for method, url, _ in _endpoints(ca_doc.pk):
        response = getattr(api(None), method)(url)
        assert response.status_code == 401, url
        assert response.json()["message"], url


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/families/-1",
        "/api/v1/documents/abc/content",
        "/api/v1/remote-documents/1.5/x/content",
        "/api/v1/no-such-endpoint",
        "/api/v2/me",
    ],
)
def test_an_api_address_no_route_matches_is_a_json_404_not_a_page(api, office, url):
    response = api(_key(office, "access")).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "message": "Not found: no such API address.",
        "detail": "Not found: no such API address.",
        "errors": {},
    }


def test_a_server_fault_under_the_api_is_json_and_a_page_elsewhere(rf):
    from case_portal.views import error_500

    response = error_500(rf.post("/api/v1/applications/bulk"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "not completed" in json.loads(response.content)["message"]
    assert error_500(rf.get("/search/"))["Content-Type"].startswith("text/html")


def test_every_endpoint_needs_the_right_scope(api, office, ca_doc):
    keys = {"access": _key(office, "access"), "provide": _key(office, "provide")}
    for method, url, scope in _endpoints(ca_doc.pk):
        wrong = keys["provide" if scope == "access" else "access"]
        response = getattr(api(wrong), method)(url)
        assert response.status_code == 403, url
        assert f"'{scope}' scope" in response.json()["message"], url
    assert Document.objects.live().count() == 1


def test_another_offices_provide_key_gets_404_on_our_data(api, au_both, ca_doc):
    app = "/api/v1/applications/CA/2123456"
    upload = {
        "file": SimpleUploadedFile("x.pdf", pdf_bytes(label="au")),
        "category": "other",
        "date": "2015-01-01",
    }
    assert api(au_both).post(f"{app}/documents", upload, format="multipart").status_code == 404
    assert api(au_both).delete(f"/api/v1/documents/{ca_doc.pk}").status_code == 404
    cite = {"cited_number": "US 8,131,731", "category": "X"}
    assert api(au_both).post(f"/api/v1/documents/{ca_doc.pk}/citations", cite).status_code == 404
    response = api(au_both).post("/api/v1/applications", {"office": "CA", "number": "2123456"})
    assert response.status_code == 400 and "office" in response.json()["errors"]
    assert Document.objects.live().count() == 1 and not Citation.objects.exists()


def test_unpublished_application_of_another_office_is_404_like_a_missing_one(
    api, au_access, office
):
    application_upsert(office=office, number="CA 2,999,999", published=False)
    secret = api(au_access).get("/api/v1/applications/CA/2999999")
    missing = api(au_access).get("/api/v1/applications/CA/2888888")
    assert secret.status_code == missing.status_code == 404
    assert api(au_access).get("/api/v1/search?number=CA2999999").status_code == 404


@pytest.mark.parametrize("spelling", ["CA 2,123,456", "CA2123456", "CA-2123456", "ca 2 123 456"])
def test_search_understands_any_spelling(api, au_access, ca_app, spelling):
    response = api(au_access).get(f"/api/v1/search?number={quote(spelling)}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["understood"]["key"] == "CA2123456"
    assert body["understood"]["display"] == "CA 2,123,456"
    assert body["applications"][0]["family"] == ca_app.family_id


def test_search_by_priority_number_finds_the_claiming_application(api, au_access, ca_app):
    body = api(au_access).get(f"/api/v1/search?number={quote('US 13/926,335')}").json()
    assert [a["key"] for a in body["applications"]] == ["CA2123456"]


def test_search_errors_explain_themselves(api, au_access, ca_app):
    invalid = api(au_access).get("/api/v1/search?number=hello")
    assert invalid.status_code == 400 and invalid.json()["errors"]["number"]
    none = api(au_access).get("/api/v1/search?number=CA2000001")
    assert none.status_code == 404 and "CA 2,000,001" in none.json()["message"]
    empty = api(au_access).get("/api/v1/search")
    assert empty.status_code == 400


def test_family_lists_members_with_their_documents(api, au_access, ca_doc, us):
    application_upsert(office=us, number="13/926,335", published=True)
    body = api(au_access).get(f"/api/v1/families/{ca_doc.application.family_id}").json()
    members = {m["key"]: m for m in body["members"]}
    assert set(members) == {"CA2123456", "US13926335"}
    ca = members["CA2123456"]
    assert ca["office"] == "CA" and ca["priorities"][0]["display"] == "US 13/926,335"
    doc = ca["documents"][0]
    assert (doc["id"], doc["category"], doc["code"], doc["pages"]) == (
        ca_doc.pk,
        "search_report",
        "ISR",
        2,
    )
    assert doc["size"] == ca_doc.size and doc["date"] == "2014-02-03"


@pytest.mark.parametrize("spelling", ["13/926,335", "US13926335", "US 13926335"])
def test_application_by_number_in_any_spelling_url_encoded(api, au_access, us, spelling):
    application_upsert(office=us, number="13/926,335", published=True)
    response = api(au_access).get(f"/api/v1/applications/US/{quote(spelling, safe='')}")
    assert response.status_code == 200
    assert response.json()["display"] == "US 13/926,335"
    docs = api(au_access).get(f"/api/v1/applications/US/{quote(spelling, safe='')}/documents")
    assert docs.status_code == 200 and docs.json()["results"] == []


def test_document_content_is_the_pdf_and_counted(api, au_access, ca_doc):
    response = api(au_access).get(
        f"/api/v1/documents/{ca_doc.pk}/content", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = UsageEvent.objects.get(action=Action.DOCUMENT_DOWNLOAD)
    assert event.via_api and event.document_id == ca_doc.pk and event.office.code == "AU"


def test_post_application_creates_then_updates_idempotently(api, ca_provide, office):
    payload = {
        "office": "CA",
        "number": "2,123,456",
        "filing_date": "2013-10-11",
        "title": "Widget",
        "applicants": ["Acme Inc."],
        "priorities": [{"office": "US", "number": "61/711,111", "date": "2012-10-09"}],
        "publications": [{"number": "CA 2123456 A1", "date": "2014-04-17"}],
        "pct": "PCT/US2013/064552",
    }
    first = api(ca_provide).post("/api/v1/applications", payload)
    assert first.status_code == 201, first.json()
    assert first.json()["key"] == "CA2123456" and first.json()["display"] == "CA 2,123,456"
    again = api(ca_provide).post(
        "/api/v1/applications", {**payload, "number": "CA 2123456", "title": "Better widget"}
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    app = Application.objects.get()
    assert app.title == "Better widget" and app.published
    assert app.pct_display == "PCT/US2013/064552"


def test_post_application_reports_field_errors(api, ca_provide):
    response = api(ca_provide).post(
        "/api/v1/applications",
        {"number": "2123456", "filing_date": "11/10/2013", "applicants": "Acme", "status": "x"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"filing_date", "applicants", "status"}
    bad_number = api(ca_provide).post("/api/v1/applications", {"number": "US 13/926,335"})
    assert "not one of CA" in bad_number.json()["errors"]["number"][0]
    assert not Application.objects.exists()


def test_a_value_of_the_wrong_type_is_named_in_plain_words_not_in_pythons(api, ca_provide):
    sent = {
        "office": ["CA"],
        "number": "2123456",
        "filing_date": ["2014-01-02"],
        "title": 5,
        "priorities": [
            {"office": ["US"], "number": "61/711,111"},
            {"office": "US", "number": "61/711,112", "date": "2012-13-09"},
            {"office": "US", "number": "61/711,113", "date": 20121009},
        ],
    }
    response = api(ca_provide).post("/api/v1/applications", sent)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "office": ['office must be text, e.g. "CA", not a list.'],
        "filing_date": ['A date must be text in YYYY-MM-DD, e.g. "2014-01-02", not a list.'],
        "title": ["Must be text, not a number."],
        "priorities": [
            'Item 1: office must be text, e.g. "US", not a list.',
            "Item 2: ‘2012-13-09’ is not a date; use YYYY-MM-DD.",
            'Item 3: a date must be text in YYYY-MM-DD, e.g. "2014-01-02", not a number.',
        ],
    }
    other = api(ca_provide).post("/api/v1/applications", {"office": " us ", "number": "2123456"})
    assert other.json()["errors"] == {"office": ["This key provides for CA only, not US."]}
    assert not Application.objects.exists()


def test_an_examination_date_before_the_filing_date_is_refused_on_its_field(api, ca_provide):
    early = {"number": "2123456", "filing_date": "2013-10-11", "examination_date": "2013-10-01"}
    said = {
        "examination_date": [
            "The examination date 2013-10-01 is before the filing date (2013-10-11)."
        ]
    }
    response = api(ca_provide).post("/api/v1/applications", early)
    assert response.status_code == 400 and response.json()["errors"] == said
    items = [early, {**early, "number": "2123457", "examination_date": "2013-10-11"}]
    bulk = api(ca_provide).post("/api/v1/applications/bulk", {"applications": items})
    assert [r["status"] for r in bulk.json()["results"]] == ["error", "created"]
    assert bulk.json()["results"][0]["errors"] == said
    assert list(Application.objects.values_list("key", flat=True)) == ["CA2123457"]


def test_bulk_commits_each_item_on_its_own(api, ca_provide):
    items = [
        {"number": "2123456", "title": "One"},
        {"number": "nonsense"},
        {"number": "CA 2,123,457"},
        {"number": "2123456", "title": "One again"},
    ]
    response = api(ca_provide).post("/api/v1/applications/bulk", {"applications": items})
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == {"total": 4, "created": 2, "updated": 1, "error": 1}
    assert [r["status"] for r in body["results"]] == ["created", "error", "created", "updated"]
    assert body["results"][1]["errors"]["number"]
    assert Application.objects.count() == 2


def test_bulk_over_the_limit_is_refused_whole(api, ca_provide):
    items = [{"number": str(2000000 + i)} for i in range(1001)]
    response = api(ca_provide).post("/api/v1/applications/bulk", {"applications": items})
    assert response.status_code == 400 and "1000" in response.json()["message"]
    assert not Application.objects.exists()


def test_several_files_in_one_api_upload_are_refused_as_json_and_none_is_kept(
    api, ca_provide, ca_app
):
    response = api(ca_provide).post(
        "/api/v1/applications/CA/2%2C123%2C456/documents",
        {
            "file": [
                SimpleUploadedFile("isr.pdf", pdf_bytes(label="isr")),
                SimpleUploadedFile("wo.pdf", pdf_bytes(label="wo")),
            ],
            "category": "search_report",
            "date": "2014-02-03",
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["One file per upload: 2 files were sent as `file`; send each in its own call."]
    }
    assert not Document.objects.exists()


def test_upload_through_the_api_validates_like_the_form(api, ca_provide, au_access, ca_app):
    url = "/api/v1/applications/CA/2%2C123%2C456/documents"
    ok = api(ca_provide).post(
        url,
        {
            "file": SimpleUploadedFile("wo.pdf", pdf_bytes(pages=4, label="wo")),
            "category": "written_opinion",
            "date": "2014-02-03",
            "language": "fr",
        },
        format="multipart",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["pages"] == 4 and ok.json()["language"] == "fr"
    locked = api(ca_provide).post(
        url,
        {
            "file": SimpleUploadedFile("l.pdf", encrypted_pdf_bytes()),
            "category": "other",
            "date": "2014-02-03",
        },
        format="multipart",
    )
    assert locked.status_code == 400 and "encrypted" in locked.json()["errors"]["file"][0]
    dup = api(ca_provide).post(
        url,
        {
            "file": SimpleUploadedFile("again.pdf", pdf_bytes(pages=4, label="wo")),
            "category": "other",
            "date": "2014-02-03",
        },
        format="multipart",
    )
    assert dup.status_code == 400 and "already uploaded" in dup.json()["message"]
    assert Document.objects.count() == 1
    assert UsageEvent.objects.filter(action=Action.UPLOAD, via_api=True).count() == 1


def test_delete_withdraws_and_others_stop_seeing_it(api, ca_provide, au_access, ca_doc):
    assert api(au_access).get(f"/api/v1/documents/{ca_doc.pk}").status_code == 200
    response = api(ca_provide).delete(f"/api/v1/documents/{ca_doc.pk}?reason=Superseded")
    assert response.status_code == 204
    ca_doc.refresh_from_db()
    assert ca_doc.withdrawn_reason == "Superseded"
    assert api(au_access).get(f"/api/v1/documents/{ca_doc.pk}").status_code == 404
    assert api(au_access).get(f"/api/v1/documents/{ca_doc.pk}/content").status_code == 404
    assert api(ca_provide).delete(f"/api/v1/documents/{ca_doc.pk}").status_code == 204


def test_delete_without_a_reason_is_refused_as_json_like_the_page_and_withdraws_nothing(
    api, ca_provide, au_access, ca_doc
):
    url = f"/api/v1/documents/{ca_doc.pk}"
    for response in (
        api(ca_provide).delete(url),
        api(ca_provide).delete(f"{url}?reason=%20%20"),
        api(ca_provide).delete(url, data="{}", content_type="application/json"),
    ):
        assert response.status_code == 400
        assert response.json()["errors"] == {"reason": ["Say why the document is withdrawn."]}
    typed = api(ca_provide).delete(url, data='{"reason": 5}', content_type="application/json")
    assert typed.status_code == 400 and typed.json()["errors"] == {
        "reason": ["Give the reason as text."]
    }
    ca_doc.refresh_from_db()
    assert ca_doc.withdrawn_at is None
    assert api(au_access).get(url).status_code == 200


def test_delete_with_an_over_long_reason_is_refused_like_the_page_not_cut(
    api, ca_provide, au_access, ca_doc
):
    url = f"/api/v1/documents/{ca_doc.pk}"
    response = api(ca_provide).delete(
        url, data=json.dumps({"reason": "x" * 301}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reason": ["Ensure this value has at most 300 characters (it has 301)."]
    }
    ca_doc.refresh_from_db()
    assert ca_doc.withdrawn_at is None
    assert api(au_access).get(url).status_code == 200


def test_delete_takes_its_reason_from_a_json_body_too(api, ca_provide, ca_doc):
    body = '{"reason": "Replaced by the corrected report"}'
    response = api(ca_provide).delete(
        f"/api/v1/documents/{ca_doc.pk}", data=body, content_type="application/json"
    )
    assert response.status_code == 204
    ca_doc.refresh_from_db()
    assert ca_doc.withdrawn_reason == "Replaced by the corrected report"


def test_delete_with_a_nul_in_its_reason_is_refused_as_json_and_withdraws_nothing(
    api, ca_provide, au_access, ca_doc
):
    response = api(ca_provide).delete(f"/api/v1/documents/{ca_doc.pk}?reason=Super%00seded")
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Null characters are not allowed."]}
    ca_doc.refresh_from_db()
    assert ca_doc.withdrawn_at is None
    assert api(au_access).get(f"/api/v1/documents/{ca_doc.pk}").status_code == 200


def test_citations_round_trip(api, ca_provide, au_access, ca_doc):
    url = f"/api/v1/documents/{ca_doc.pk}/citations"
    added = api(ca_provide).post(url, {"cited_number": "EP-A-0 843 156", "category": "X,Y"})
    assert added.status_code == 201, added.json()
    bad = api(ca_provide).post(url, {"category": "X"})
    assert bad.status_code == 400 and "either" in bad.json()["message"]
    body = api(au_access).get("/api/v1/applications/CA/CA2123456/citations").json()
    assert body["count"] == 1
    assert body["results"][0]["cited_display"].startswith("EP 0843156")


def test_every_call_is_counted_as_api_usage(api, au_access, ca_app):
    api(au_access).get("/api/v1/applications/CA/2123456")
    api(au_access).get("/api/v1/search?number=CA2123456")
    api(au_access).get("/api/v1/applications/CA/2999999")  # a miss is a call too
    events = UsageEvent.objects.filter(office__code="AU").order_by("pk")
    assert [e.action for e in events] == [Action.API_CALL, Action.SEARCH, Action.API_CALL]
    assert all(e.via_api and e.user_id is None for e in events)


def test_calls_are_throttled_per_key(api, au_access, other_office, ca_app, monkeypatch):
    from case_portal.api.throttling import ApiKeyRateThrottle

    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    responses = [api(au_access).get("/api/v1/applications/CA/2123456") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    # The refusal is the API's usual JSON error and says when to come back.
    refused = responses[-1]
    assert int(refused["Retry-After"]) > 0
    body = refused.json()
    assert body["message"].startswith("Request was throttled.") and body["errors"] == {}
    assert body["detail"] == body["message"]
    assert (
        api(_key(other_office, "access")).get("/api/v1/search?number=CA2123456").status_code == 200
    )
