"""Schemathesis against /api/schema/: generated calls with valid keys never get a 5xx, and
every status code and response body matches what the schema documents.

Bounded (max_examples per operation, no shrinking) so the whole run stays well under a minute.
"""

import datetime as dt
import json

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add
from offices.services import api_key_create
from tests.dossiers.pdf_samples import pdf_bytes


def _load_schema():
    # Built in-process (not fetched through the lazy fixture loader, which breaks on pytest 9):
    # the same document /api/schema/ serves.
    from drf_spectacular.generators import SchemaGenerator

    from case_portal.wsgi import application

    loaded = schemathesis.openapi.from_dict(
        json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    )
    loaded.app = application
    return loaded


@pytest.fixture
def wsgi_calls(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis calls as localhost
    # As Django's test client does: the request cycle must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(office, other_office, wsgi_calls):
    app = application_upsert(office=office, number="CA 2,123,456", published=True)
    document_add(
        application=app,
        file=SimpleUploadedFile("r.pdf", pdf_bytes(label="schema")),
        category="search_report",
        date=dt.date(2014, 2, 3),
    )
    return api_key_create(office=office, name="fuzz", scopes=["access", "provide"])[1]


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_call_gets_a_server_error(case, api_key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )


def test_schema_is_openapi_3_and_lists_every_endpoint(client):
    doc = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    assert {
        "/api/v1/search",
        "/api/v1/families/{family_id}",
        "/api/v1/applications",
        "/api/v1/applications/bulk",
        "/api/v1/applications/{office}/{number}",
        "/api/v1/applications/{office}/{number}/documents",
        "/api/v1/applications/{office}/{number}/citations",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/content",
        "/api/v1/documents/{document_id}/citations",
    } <= paths
    assert "ApiKey" in doc["components"]["securitySchemes"]
