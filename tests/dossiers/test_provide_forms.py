import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import numbers
from dossiers.api.serializers import CitationInSerializer
from dossiers.forms import ApplicationForm, CitationForm, PatentNumberField, ProvideListForm
from dossiers.models import Application, Citation, Document
from dossiers.services.applications import application_in_parse, application_upsert
from dossiers.services.documents import document_withdraw
from dossiers.signals import document_withdrawn
from notifications.forms import RequestByNumberForm, WatchAddForm
from stats.models import Action, UsageEvent
from tests.dossiers.pdf_samples import (
    encrypted_pdf_bytes,
    pdf_bytes,
    truncated_pdf_bytes,
)
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(office):
    return UserFactory(office=office, role="clerk", email="clerk@ca.test")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def app(office):
    return application_upsert(
        office=office, number="CA 2,123,456", filing_date=dt.date(2013, 10, 11), published=True
    )


def _upload(client, app, *files, **meta):
    data = {
        "category": "search_report",
        "code": "ISR",
        "date": "2014-02-03",
        "language": "en",
        "direction": "outgoing",
        **meta,
        "files": list(files),
    }
    return client.post(reverse("dossiers:provide-document-upload", args=[app.pk]), data)


def _pdf(name="report.pdf", content=None, label="one"):
    return SimpleUploadedFile(name, content or pdf_bytes(label=label), "application/pdf")


def test_upload_entry_is_in_the_navigation_for_clerks_only(clerk_client, client, examiner):
    page = clerk_client.get(reverse("dossiers:upload-home"))
    assert page.status_code == 200
    assert {"label": "Upload", "url": "/provide/", "active": True} in page.context["nav_items"]
    client.force_login(examiner)
    assert client.get(reverse("dossiers:upload-home")).status_code == 404


def test_new_application_is_shown_as_understood_before_it_is_saved(clerk_client, office):
    url = reverse("dossiers:provide-application-create")
    form = {
        "number": "2123456",
        "filing_date": "2013-10-11",
        "title": "Widget",
        "applicants": "Acme Inc.\nBeta Ltd.",
        "status": "examination_commenced",
        "published": "on",
        "priorities": "US 61/711,111 2012-10-09",
        "publications": "",
        "pct": "PCT/US13/64552",
    }
    page = clerk_client.post(url, form)
    assert page.status_code == 200
    assert not Application.objects.exists()
    body = page.content.decode()
    assert "CA 2,123,456" in body and "US 61/711,111" in body and "PCT/US2013/064552" in body
    page = clerk_client.post(url, {**form, "confirm": page.context["fingerprint"]})
    app = Application.objects.get()
    assert page.status_code == 302 and page["Location"].endswith(f"/provide/applications/{app.pk}/")
    assert app.key == "CA2123456" and app.applicants == ["Acme Inc.", "Beta Ltd."]
    assert app.status == "examination_commenced" and app.pct_key == "WO2013US064552"
    assert list(app.priority_claims.values_list("key", flat=True)) == ["US61711111"]


def test_changed_number_after_preview_is_not_saved_unconfirmed(clerk_client):
    url = reverse("dossiers:provide-application-create")
    first = clerk_client.post(url, {"number": "2123456", "status": "filed"})
    page = clerk_client.post(
        url, {"number": "2123457", "status": "filed", "confirm": first.context["fingerprint"]}
    )
    assert page.status_code == 200 and not Application.objects.exists()
    assert "CA 2,123,457" in page.content.decode()


@pytest.mark.parametrize(
    ("number", "message"),
    [("US 13/926,335", "is a US number, not one of CA"), ("hello", "")],
)
def test_wrong_number_gets_a_message_on_the_form(clerk_client, number, message):
    page = clerk_client.post(
        reverse("dossiers:provide-application-create"), {"number": number, "status": "filed"}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["number"]
    assert message in page.context["form"].errors["number"][0]
    assert not Application.objects.exists()


def test_an_examination_date_before_the_filing_date_is_refused_on_its_field(clerk_client):
    url = reverse("dossiers:provide-application-create")
    form = {"number": "2123456", "status": "filed", "filing_date": "2013-10-11"}
    page = clerk_client.post(url, {**form, "examination_date": "2013-10-10"})
    assert page.status_code == 200
    assert page.context["form"].errors["examination_date"] == [
        "The examination date 2013-10-10 is before the filing date (2013-10-11)."
    ]
    assert not Application.objects.exists()
    # The filing day itself is a possible examination date (the worklist's rule).
    same_day = clerk_client.post(url, {**form, "examination_date": "2013-10-11"})
    assert not same_day.context["form"].errors


def test_every_number_box_takes_the_number_parsers_length(office, monkeypatch):
    boxes = [
        ApplicationForm.base_fields["number"],
        ApplicationForm.base_fields["pct"],
        CitationForm.base_fields["cited_number"],
        ProvideListForm.base_fields["q"],
        WatchAddForm.base_fields["number"],
        RequestByNumberForm.base_fields["number"],
    ]
    assert all(isinstance(box, PatentNumberField) for box in boxes)
    assert {box.max_length for box in boxes} == {numbers.MAX_LENGTH}
    assert CitationInSerializer().fields["cited_number"].max_length == numbers.MAX_LENGTH
    # Claims keep their own limit: not a number.
    assert not isinstance(CitationForm.base_fields["claims"], PatentNumberField)
    # The one parser of machine input reads the limit where the number parser keeps it.
    monkeypatch.setattr(numbers, "MAX_LENGTH", 12)
    for field, item in [
        ("number", {"number": "CA 2,123,456 "}),
        ("pct", {"number": "2123456", "pct": "PCT/US13/64552"}),
    ]:
        with pytest.raises(ValidationError) as caught:
            application_in_parse(item, office=office)
        assert caught.value.message_dict == {field: ["At most 12 characters."]}


def test_bad_priority_line_names_the_line(clerk_client):
    page = clerk_client.post(
        reverse("dossiers:provide-application-create"),
        {"number": "2123456", "status": "filed", "priorities": "US 61/711,111 2012-13-45"},
    )
    assert "Line 1" in page.context["form"].errors["priorities"][0]


def test_several_pdfs_upload_at_once_with_pages_read_from_the_file(clerk_client, app):
    page = _upload(
        clerk_client,
        app,
        _pdf("a.pdf", pdf_bytes(pages=3, label="a")),
        _pdf("b.pdf", pdf_bytes(pages=1, label="b")),
    )
    assert page.status_code == 302
    docs = {d.original_name: d for d in Document.objects.all()}
    assert docs["a.pdf"].pages == 3 and docs["b.pdf"].pages == 1
    assert docs["a.pdf"].code == "ISR" and docs["a.pdf"].category == "search_report"
    assert UsageEvent.objects.filter(action=Action.UPLOAD).count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"Just some text renamed to .pdf\n" * 10, "not a PDF"),
        ("cut.pdf", truncated_pdf_bytes(), "damaged or truncated"),
        ("locked.pdf", encrypted_pdf_bytes(), "encrypted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_file_is_refused_with_a_clear_message(clerk_client, app, name, content, message):
    page = _upload(clerk_client, app, SimpleUploadedFile(name, content, "application/pdf"))
    assert page.status_code == 200
    failed = dict(page.context["failed"])
    assert message in " ".join(failed[name])
    assert message in page.content.decode()
    assert not Document.objects.exists()


def test_oversize_file_is_refused(clerk_client, app, settings):
    settings.UPLOAD_MAX_BYTES = 300
    page = _upload(clerk_client, app, _pdf("big.pdf", pdf_bytes(pages=5)))
    assert "larger than" in " ".join(dict(page.context["failed"])["big.pdf"])
    assert not Document.objects.exists()


def test_same_file_twice_is_told_not_duplicated(clerk_client, app):
    content = pdf_bytes(label="same")
    assert _upload(clerk_client, app, _pdf("first.pdf", content)).status_code == 302
    page = _upload(clerk_client, app, _pdf("again.pdf", content))
    assert "already uploaded" in " ".join(dict(page.context["failed"])["again.pdf"])
    assert Document.objects.count() == 1


def test_one_bad_file_does_not_stop_the_good_ones(clerk_client, app):
    page = _upload(
        clerk_client,
        app,
        _pdf("good.pdf", label="good"),
        SimpleUploadedFile("bad.pdf", b"nope", "application/pdf"),
    )
    assert page.status_code == 200
    assert [d.original_name for d in page.context["added"]] == ["good.pdf"]
    assert list(Document.objects.values_list("original_name", flat=True)) == ["good.pdf"]


def test_missing_metadata_keeps_the_form_and_saves_nothing(clerk_client, app):
    page = _upload(clerk_client, app, _pdf(), date="", language="english")
    assert set(page.context["form"].errors) == {"date", "language"}
    assert not Document.objects.exists()


def test_other_offices_clerk_gets_404_everywhere(client, app, other_office):
    client.force_login(UserFactory(office=other_office, role="clerk"))
    doc_app_urls = [
        reverse("dossiers:provide-application", args=[app.pk]),
        reverse("dossiers:provide-application-edit", args=[app.pk]),
        reverse("dossiers:provide-document-upload", args=[app.pk]),
    ]
    for url in doc_app_urls:
        assert client.get(url).status_code == 404
    assert _upload(client, app, _pdf()).status_code == 404
    assert not Document.objects.exists()


def test_clerk_of_an_office_that_does_not_provide_gets_404(client, office, app):
    office.provides = False
    office.save()
    clerk = UserFactory(office=office, role="clerk")
    client.force_login(clerk)
    assert client.get(reverse("dossiers:upload-home")).status_code == 404
    assert client.get(reverse("dossiers:provide-application", args=[app.pk])).status_code == 404


def test_withdrawn_document_disappears_for_others_but_its_history_stays(
    clerk_client, app, other_office
):
    _upload(clerk_client, app, _pdf())
    doc = Document.objects.get()
    other = UserFactory(office=other_office, role="examiner")
    assert Document.objects.visible_to(other).filter(pk=doc.pk).exists()
    heard = []
    document_withdrawn.connect(
        lambda **kw: heard.append(kw["reason"]), weak=False, dispatch_uid="t"
    )
    try:
        page = clerk_client.post(
            reverse("dossiers:provide-document-withdraw", args=[doc.pk]),
            {"reason": "Wrong application"},
        )
    finally:
        document_withdrawn.disconnect(dispatch_uid="t")
    assert page.status_code == 302 and heard == ["Wrong application"]
    doc.refresh_from_db()
    assert doc.withdrawn_at is not None and doc.withdrawn_reason == "Wrong application"
    assert not Document.objects.visible_to(other).filter(pk=doc.pk).exists()
    detail = clerk_client.get(reverse("dossiers:provide-application", args=[app.pk]))
    assert "Withdrawn" in detail.content.decode() and "Wrong application" in detail.content.decode()


def test_withdraw_needs_a_reason(clerk_client, app):
    _upload(clerk_client, app, _pdf())
    doc = Document.objects.get()
    page = clerk_client.post(reverse("dossiers:provide-document-withdraw", args=[doc.pk]), {})
    assert page.status_code == 400
    # The service's words, as the API says them, not Django's generic "This field is required."
    assert page.context["withdraw_form"].errors["reason"] == ["Say why the document is withdrawn."]
    doc.refresh_from_db()
    assert doc.withdrawn_at is None
    # The page shown again still offers the document's details as they are, not empty fields.
    details = page.context["form"]
    assert details["category"].value() == doc.category
    assert details["date"].value() == doc.date


def test_an_over_long_withdrawal_reason_is_refused_not_cut(clerk_client, app):
    _upload(clerk_client, app, _pdf())
    doc = Document.objects.get()
    limit = Document._meta.get_field("withdrawn_reason").max_length
    said = "Ensure this value has at most 300 characters (it has 301)."
    with pytest.raises(ValidationError) as caught:
        document_withdraw(document=doc, reason="x" * (limit + 1))
    assert caught.value.message_dict == {"reason": [said]}
    page = clerk_client.post(
        reverse("dossiers:provide-document-withdraw", args=[doc.pk]), {"reason": "x" * 301}
    )
    assert page.status_code == 400 and page.context["withdraw_form"].errors["reason"] == [said]
    doc.refresh_from_db()
    assert doc.withdrawn_at is None
    document_withdraw(document=doc, reason=" " + "y" * limit + "\n")
    doc.refresh_from_db()
    assert doc.withdrawn_reason == "y" * limit  # kept whole


def test_document_details_can_be_corrected(clerk_client, app):
    _upload(clerk_client, app, _pdf())
    doc = Document.objects.get()
    page = clerk_client.post(
        reverse("dossiers:provide-document-edit", args=[doc.pk]),
        {
            "category": "written_opinion",
            "code": "WO-ISA",
            "date": "2014-03-01",
            "language": "FR",
            "direction": "outgoing",
        },
    )
    assert page.status_code == 302
    doc.refresh_from_db()
    assert (doc.category, doc.code, doc.date, doc.language) == (
        "written_opinion",
        "WO-ISA",
        dt.date(2014, 3, 1),
        "fr",
    )


def test_citations_are_entered_with_numbers_normalised(clerk_client, app):
    _upload(clerk_client, app, _pdf())
    doc = Document.objects.get()
    url = reverse("dossiers:provide-document-citations", args=[doc.pk])
    assert (
        clerk_client.post(
            url, {"cited_number": "US 8131731 B2", "category": "x y", "claims": "1-5"}
        ).status_code
        == 302
    )
    assert (
        clerk_client.post(url, {"npl_text": "Smith, Widgets, 2001", "category": "A"}).status_code
        == 302
    )
    page = clerk_client.post(url, {"cited_number": "12", "npl_text": "both", "category": "X"})
    assert "either" in page.content.decode()
    page = clerk_client.post(url, {"cited_number": "US 8131731", "category": "Q"})
    assert page.context["form"].errors["category"]
    cited = list(Citation.objects.values_list("cited_key", "cited_display", "category"))
    assert cited == [("US8131731", "US 8,131,731 B2", "X,Y"), ("", "", "A")]
    assert "US 8,131,731 B2" in clerk_client.get(url).content.decode()
