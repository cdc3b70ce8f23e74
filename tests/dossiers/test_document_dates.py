"""Dates that cannot be true are refused, by the one rule in services/documents.py, on the
upload form, the correction form and the API alike."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Document
from dossiers.services import documents
from dossiers.services.applications import application_upsert
from offices.services import api_key_create
from tests.dossiers.factories import DocumentFactory
from tests.dossiers.pdf_samples import pdf_bytes
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def app(office):
    return application_upsert(
        office=office, number="CA 2,123,456", filing_date=dt.date(2013, 10, 11), published=True
    )


@pytest.fixture
def clerk_client(client, office):
    client.force_login(UserFactory(office=office, role="clerk", email="clerk@ca.test"))
    return client


def _form(client, app, date, **extra):
    data = {
        "category": "search_report",
        "date": date,
        "language": "en",
        "direction": "outgoing",
        "files": [SimpleUploadedFile("r.pdf", pdf_bytes(label=str(date)), "application/pdf")],
        **extra,
    }
    return client.post(reverse("dossiers:provide-document-upload", args=[app.pk]), data)


def test_upload_form_refuses_a_report_dated_in_the_future_or_before_filing(clerk_client, app):
    page = _form(clerk_client, app, TOMORROW.isoformat()).content.decode()
    assert f"The date {TOMORROW:%Y-%m-%d} is in the future" in page
    page = _form(clerk_client, app, "2012-01-05").content.decode()
    assert "is before CA 2,123,456 was filed (2013-10-11)" in page
    # Ticking "priority document" does not make a search report older than its application.
    page = _form(clerk_client, app, "2012-01-05", before_filing_ok="on").content.decode()
    assert "is before CA 2,123,456 was filed" in page
    assert not Document.objects.exists()


def test_a_priority_document_before_filing_passes_only_when_confirmed(clerk_client, app):
    page = _form(clerk_client, app, "2012-01-05", category="other").content.decode()
    assert "If this is a priority document, confirm its date." in page
    response = _form(clerk_client, app, "2012-01-05", category="other", before_filing_ok="on")
    assert response.status_code == 302
    assert Document.objects.get().date == dt.date(2012, 1, 5)


def test_a_correction_cannot_move_a_date_into_the_future(app):
    doc = DocumentFactory(application=app, category="office_action", date=dt.date(2015, 1, 1))
    with pytest.raises(ValidationError, match="is in the future"):
        documents.document_correct(document=doc, category="office_action", date=TOMORROW)
    doc.refresh_from_db()
    assert doc.date == dt.date(2015, 1, 1)


def test_the_api_refuses_impossible_dates_with_json(client, office, app):
    raw = api_key_create(office=office, name="t", scopes=["provide"])[1]
    url = "/api/v1/applications/CA/2%2C123%2C456/documents"
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("r.pdf", pdf_bytes(label="api")),
            "category": "search_report",
            "date": TOMORROW.isoformat(),
        },
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    # The error is the date's, under its own name: a client shows it next to the right field.
    errors = response.json()["errors"]
    assert list(errors) == ["date"]
    assert "is in the future" in errors["date"][0]
    assert not Document.objects.exists()


@pytest.mark.parametrize("typed", ["2026-02-30", "0000-01-01", "99999-01-01", "yesterday"])
def test_the_api_says_a_date_that_does_not_exist_is_no_date_not_a_wrong_format(
    client, office, app, typed
):
    raw = api_key_create(office=office, name="t", scopes=["provide"])[1]
    response = client.post(
        "/api/v1/applications/CA/2%2C123%2C456/documents",
        {
            "file": SimpleUploadedFile("r.pdf", pdf_bytes(label=typed)),
            "category": "search_report",
            "date": typed,
        },
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "date": ["Not a date; use YYYY-MM-DD (a day that exists)."]
    }
    assert not Document.objects.exists()
