"""The API's answers to hostile protocol input: bad page numbers, formats it does not speak,
methods an address lacks, bodies that are not UTF-8 JSON, and its schema and docs pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add
from offices.services import api_key_create
from tests.dossiers.pdf_samples import pdf_bytes

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/applications/CA/2123456/documents"


def _auth(office, *scopes):
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_key_create(office=office, name='t', scopes=scopes)[1]}"
    }


@pytest.fixture
def ca_doc(office):
    app = application_upsert(
        office=office, number="CA 2,123,456", filing_date=dt.date(2013, 10, 11), published=True
    )
    return document_add(
        application=app,
        file=SimpleUploadedFile("sr.pdf", pdf_bytes(), content_type="application/pdf"),
        category="search_report",
        date=dt.date(2014, 1, 1),
        uploaded_by=None,
    )


def _error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "000", "1.5", "1e3"])
def test_a_page_that_is_no_page_number_is_a_400_naming_it(client, office, ca_doc, page):
    body = _error(client.get(f"{DOCUMENTS}?page={page}", **_auth(office, "access")), 400)
    assert f"not '{page[:40]}'" in body["errors"]["page"][0]


def test_a_page_past_the_last_is_a_404_naming_the_last(client, office, ca_doc):
    body = _error(client.get(f"{DOCUMENTS}?page=3", **_auth(office, "access")), 404)
    assert body["message"] == "There is no page 3; the last page is 1."
    assert client.get(f"{DOCUMENTS}?page=last", **_auth(office, "access")).status_code == 200
    huge = "9" * 5000  # past Python's own limit for int()
    body = _error(client.get(f"{DOCUMENTS}?page={huge}", **_auth(office, "access")), 404)
    assert body["message"] == f"There is no page {huge[:40]}; the last page is 1."


def test_a_format_the_api_does_not_speak_is_a_406_not_a_404(client, office, ca_doc):
    body = _error(client.get(f"{DOCUMENTS}?format=xml", **_auth(office, "access")), 406)
    assert "format 'xml'" in body["message"]
    assert client.get(f"{DOCUMENTS}?format=json", **_auth(office, "access")).status_code == 200


@pytest.mark.parametrize("method", ["patch", "put", "delete", "post"])
def test_a_method_the_address_lacks_is_a_405_whatever_the_keys_scope(
    client, office, ca_doc, method
):
    response = getattr(client, method)(
        f"/api/v1/families/{ca_doc.application.family_id}", **_auth(office, "access")
    )
    assert "Method" in _error(response, 405)["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"number": "caf\xe9"}', "not UTF-8 text (byte 0xe9 at position 15)"),
        (b'{"number": 1' + b"0" * 5000 + b"}", "more than 4,300 digits"),
        (b'\xef\xbb\xbf{"number": "1"}', "byte order mark"),
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/applications", "/api/v1/applications/bulk"])
def test_a_body_that_is_not_utf8_json_is_told_so_in_plain_words(client, office, url, body, words):
    response = client.post(url, body, content_type="application/json", **_auth(office, "provide"))
    message = _error(response, 400)["message"]
    assert words in message
    assert "sys." not in message and "utf-8-sig" not in message


@pytest.mark.parametrize("url", ["/api/docs/", "/api/schema/"])
def test_the_schema_and_docs_pages_answer_errors_in_json(client, url):
    assert _error(client.options(url), 405)["message"] == 'Method "OPTIONS" not allowed.'
    assert _error(client.post(url), 405)["message"] == 'Method "POST" not allowed.'
    assert client.get(url).status_code == 200
