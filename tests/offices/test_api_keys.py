import pytest
from django.core.management import call_command
from django.urls import reverse

from offices.models import ApiKey
from offices.services import api_key_create

pytestmark = pytest.mark.django_db


def test_new_key_is_shown_once_and_stored_only_as_a_hash(admin_client, office):
    page = admin_client.post(
        reverse("offices:api-key-list"), {"name": "docketing", "scopes": ["access", "provide"]}
    )
    raw = page.context["new_key"]
    assert raw.encode() in page.content
    assert page["Cache-Control"] == "no-store"
    key = ApiKey.objects.get(office=office)
    assert key.key_hash != raw and raw not in key.key_hash
    assert raw.encode() not in admin_client.get(reverse("offices:api-key-list")).content


def test_bearer_key_authenticates_and_revoked_key_stops_working(admin_client, client, office):
    key, raw = api_key_create(office=office, name="x", scopes=["access"])
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json() == {"office": "CA", "office_name": office.name, "scopes": ["access"]}
    admin_client.post(reverse("offices:api-key-revoke", args=[key.pk]))
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer", "Basic abc"])
def test_api_refuses_missing_or_bad_keys_with_json(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_admin_cannot_revoke_another_offices_key(admin_client, other_office):
    key, _ = api_key_create(office=other_office, name="theirs", scopes=["access"])
    assert admin_client.post(reverse("offices:api-key-revoke", args=[key.pk])).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_key_without_a_scope_is_refused(admin_client):
    page = admin_client.post(reverse("offices:api-key-list"), {"name": "x"})
    assert b"Choose at least one scope" in page.content
    assert not ApiKey.objects.exists()


def test_command_prints_the_key_alone_on_its_last_line(office, capsys, client):
    call_command("api_key_create", "--office", "ca", "--scopes", "access,provide")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("case_") and " " not in raw
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["scopes"] == [
        "access",
        "provide",
    ]
