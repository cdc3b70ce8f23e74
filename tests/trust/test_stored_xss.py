"""Stored XSS: hostile text typed into every free-text field comes back as text, never as markup.

Everything is put in through the real forms (and, for bibliographic data, the service behind the
form), then every page that shows it is rendered for the people who see it.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dossiers.models import Application, Document, Worklist
from dossiers.services.applications import application_upsert
from notifications.models import DocumentRequest
from offices.models import ApiKey, Office, User
from tests.dossiers.pdf_samples import pdf_bytes

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
ALL = f"{SCRIPT} {IMG} {JS_URL}"

# Markup the payloads would become if they were not escaped.
MARKUP = [
    re.compile(r"<script>alert\(1\)", re.I),
    re.compile(r"<img[^>]*onerror\s*=", re.I),
    re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I),
]
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
SAFE_FILENAME = re.compile(r'^(attachment|inline); filename="[A-Za-z0-9._-]+\.pdf"$')


def assert_safe(response, url: str, *, shows_payload: bool = True) -> None:
    assert response.status_code == 200, f"{url}: {response.status_code}"
    body = response.content.decode()
    for pattern in MARKUP:
        match = pattern.search(body)
        assert match is None, (
            f"{url} renders hostile markup: …{body[match.start() - 80 : match.end() + 40]}…"
        )
    if shows_payload:
        # It is there, as text: the check above looked at the right page.
        assert ESCAPED_SCRIPT in body or "&lt;img src=x onerror" in body, f"{url} lost the text"


def _login(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


@pytest.fixture
def hostile(db):
    a = Office.objects.create(code="CA", name="Office A")
    b = Office.objects.create(code="AU", name="Office B")
    a_admin = User.objects.create_user(email="admin@ca.test", office=a, role="office_admin")
    b_examiner = User.objects.create_user(
        email="examiner@au.test", office=b, role="examiner", first_name=SCRIPT, last_name=IMG
    )
    operator = User.objects.create_superuser(email="operator@portal.test")
    admin = _login(a_admin)

    # People and keys, through the office admin's forms.
    response = admin.post(
        "/office/users/invite/",
        {"email": "clerk@ca.test", "role": "clerk", "first_name": SCRIPT, "last_name": IMG},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    a_clerk = User.objects.get(email="clerk@ca.test")
    response = admin.post("/office/api-keys/", {"name": ALL[:100], "scopes": ["access"]})
    assert response.status_code == 200 and ApiKey.objects.filter(office=a).exists()

    # Bibliographic data through the service behind the provide form and the API.
    app = application_upsert(
        office=a,
        number="CA 3,000,001",
        filing_date=dt.date(2020, 2, 27),
        title=ALL,
        applicants=[SCRIPT, IMG, JS_URL],
        published=True,
    )
    asked = application_upsert(
        office=a, number="CA 3,000,002", title=SCRIPT, applicants=[IMG], published=True
    )
    clerk = _login(a_clerk)
    # A report with a hostile code and file name, sent as text/html: stored under our own name.
    response = clerk.post(
        f"/provide/applications/{app.pk}/documents/new/",
        {
            "files": SimpleUploadedFile(f"{IMG}.pdf", pdf_bytes(label="hostile"), "text/html"),
            "category": "search_report",
            "code": SCRIPT,
            "date": "2024-01-02",
            "language": "en",
            "direction": "outgoing",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = Document.objects.get(application=app)
    response = clerk.post(
        f"/provide/documents/{doc.pk}/citations/", {"npl_text": ALL, "category": "A"}
    )
    assert response.status_code == 302
    response = clerk.post(
        "/worklists/", {"name": ALL, "text": "CA 3000001;2026-12-01", "date_order": "dmy"}
    )
    assert response.status_code == 302
    worklist = Worklist.objects.get(office=a)

    # B watches the application, asks for the other one's reports; A declines with a reason.
    b = _login(b_examiner)
    b.post("/watch/quick/", {"application": asked.pk})
    response = b.post("/requests/new/", {"application": asked.pk, "message": ALL})
    assert response.status_code == 302
    req = DocumentRequest.objects.get(application=asked)
    response = clerk.post(f"/requests/{req.pk}/", {"state": "declined", "reason": ALL})
    assert response.status_code == 302
    b.get(f"/documents/{doc.pk}/")  # a use, so the statistics and access log have a row
    return {
        "app": app,
        "asked": asked,
        "doc": doc,
        "req": req,
        "worklist": worklist,
        "a_admin": a_admin,
        "a_clerk": a_clerk,
        "b_examiner": b_examiner,
        "operator": operator,
    }


def test_hostile_text_in_every_field_is_shown_escaped_on_every_page(hostile):
    h = hostile
    app, doc, req, wl = h["app"], h["doc"], h["req"], h["worklist"]
    pages = {
        "a_clerk": [
            "/provide/",
            f"/provide/applications/{app.pk}/",
            f"/provide/applications/{app.pk}/edit/",
            f"/provide/documents/{doc.pk}/edit/",
            f"/provide/documents/{doc.pk}/citations/",
            "/worklists/",
            f"/worklists/{wl.pk}/",
            "/requests/?tab=incoming",
            f"/requests/{req.pk}/",
            f"/families/{app.family_id}/",
            f"/documents/{doc.pk}/",
            "/search/?q=CA+3000001%0ACA+3000002",
        ],
        "a_admin": [
            "/office/users/",
            f"/office/users/{h['a_clerk'].pk}/",
            "/office/api-keys/",
            "/statistics/",
            "/statistics/access-log/",
        ],
        "b_examiner": [
            "/",
            f"/families/{app.family_id}/",
            f"/families/{h['asked'].family_id}/",
            f"/documents/{doc.pk}/",
            "/search/?q=CA+3000001%0ACA+3000002",
            "/requests/",
            f"/requests/{req.pk}/",
            f"/requests/new/?application={h['asked'].pk}",
            "/notifications/",
            "/watch/",
        ],
        "operator": [
            f"/families/{app.family_id}/",
            "/ops/offices/user/",
            f"/ops/offices/user/{h['a_clerk'].pk}/change/",
            "/ops/offices/apikey/",
            f"/ops/notifications/documentrequest/{req.pk}/change/",
        ],
    }
    # Pages that need not show any hostile field (numbers, counts, states, e-mail addresses).
    no_payload = {
        "/",
        "/statistics/",
        "/statistics/access-log/",
        "/requests/",
        "/requests/?tab=incoming",
        "/search/?q=CA+3000001%0ACA+3000002",
        "/ops/offices/user/",
    }
    for role, urls in pages.items():
        client = _login(h[role])
        for url in urls:
            assert_safe(client.get(url), url, shows_payload=url not in no_payload)


def test_a_hostile_file_name_and_content_type_are_stored_and_served_safely(hostile):
    doc = hostile["doc"]
    # Stored under our own name; the uploaded name is kept only as (escaped) text.
    assert re.fullmatch(r"documents/CA/[0-9a-f]{32}\.pdf", doc.file.name)
    assert doc.original_name == f"{IMG}.pdf"
    client = _login(hostile["b_examiner"])
    for query in ("", "?inline=1"):
        response = client.get(f"/documents/{doc.pk}/content{query}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert SAFE_FILENAME.match(response["Content-Disposition"]), response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_hostile_non_pdf_upload_is_refused_with_its_name_shown_as_text(hostile):
    clerk = _login(hostile["a_clerk"])
    app = hostile["app"]
    page = clerk.post(
        f"/provide/applications/{app.pk}/documents/new/",
        {
            "files": SimpleUploadedFile(
                f"{IMG}.pdf", f"<html>{SCRIPT}</html>".encode(), "text/html"
            ),
            "category": "office_action",
            "date": "2024-01-03",
            "language": "en",
            "direction": "outgoing",
        },
    )
    assert_safe(page, "upload of a non-PDF", shows_payload=False)
    assert "not a PDF" in page.content.decode()
    assert Document.objects.filter(application=app).count() == 1


def test_api_answers_hostile_text_as_json_only(hostile):
    from offices.services import api_key_create

    _key, raw = api_key_create(office=Office.objects.get(code="AU"), name="k", scopes=["access"])
    client = Client(headers={"authorization": f"Bearer {raw}"})
    app = Application.objects.get(pk=hostile["app"].pk)
    for url in (
        f"/api/v1/applications/CA/{app.key}",
        f"/api/v1/applications/CA/{app.key}/citations",
        f"/api/v1/documents/{hostile['doc'].pk}",
        f"/api/v1/families/{app.family_id}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json", url
        assert response.json()  # parsed as data; the payloads are strings inside it


def test_an_api_upload_with_a_hostile_name_and_type_is_stored_under_a_safe_name(hostile):
    from offices.services import api_key_create

    _key, raw = api_key_create(office=Office.objects.get(code="CA"), name="p", scopes=["provide"])
    client = Client(headers={"authorization": f"Bearer {raw}"})
    app = hostile["app"]
    response = client.post(
        f"/api/v1/applications/CA/{app.key}/documents",
        {
            "file": SimpleUploadedFile(f"{IMG}.pdf", pdf_bytes(label="api hostile"), "text/html"),
            "category": "office_action",
            "date": "2024-02-01",
        },
    )
    assert response.status_code == 201, response.json()
    doc = Document.objects.get(pk=response.json()["id"])
    assert re.fullmatch(r"documents/CA/[0-9a-f]{32}\.pdf", doc.file.name)
    served = _login(hostile["b_examiner"]).get(f"/documents/{doc.pk}/content")
    assert served["Content-Type"] == "application/pdf"
    assert SAFE_FILENAME.match(served["Content-Disposition"]), served["Content-Disposition"]
    page = _login(hostile["a_clerk"]).get(f"/provide/applications/{app.pk}/")
    assert_safe(page, "application page after an API upload")
