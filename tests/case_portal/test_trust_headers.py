"""Issue 18 items 10-14: caching of dossier data, CSRF never in a URL, /ops/ for non-staff,
key-less API calls throttled per address, proxy header and response headers."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from dossiers.services.applications import application_upsert
from offices.services import api_key_create
from tests.case_portal.test_security import _settings_as_production_loads_them

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(office):
    return application_upsert(
        office=office, number="CA 3,300,001", filing_date=dt.date(2021, 1, 4), published=True
    )


def test_dossier_data_is_never_cached(client, admin_user, office, family):
    client.force_login(admin_user)
    pages = [
        reverse("home"),
        reverse("dossiers:family-detail", args=[family.family_id]),
        reverse("dossiers:search") + "?q=CA+3300001&list=1",
        reverse("stats:statistics"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    _, raw = api_key_create(office=office, name="job", scopes=["access"])
    api = client.get(
        reverse("v1:family", args=[family.family_id]), HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert api.status_code == 200
    assert api["Cache-Control"] == "private, no-store"
    refused = client.get(reverse("v1:family", args=[family.family_id]))
    assert "no-store" in refused["Cache-Control"]


def test_a_failed_report_request_never_puts_the_csrf_token_in_the_url(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("stats:report-request"),
        {"start": "2025-06", "end": "2025-01", "csrfmiddlewaretoken": "secret-token-value"},
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "csrfmiddlewaretoken" not in query
    assert "secret-token-value" not in response["Location"]
    assert query["start"] == ["2025-06"]


def test_a_far_future_statistics_period_is_a_message_not_a_500(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("stats:statistics"), {"start": "9999-12", "end": "9999-12"})
    assert page.status_code == 200
    assert "no later than next year" in page.content.decode()


def test_ops_for_a_signed_in_non_staff_person_is_403_not_a_login_loop(client, examiner):
    client.force_login(examiner)
    response = client.get("/ops/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


def test_calls_without_a_working_key_are_throttled_per_address(client, monkeypatch, office):
    from case_portal.api.throttling import ApiAddressRateThrottle

    rates = {**ApiAddressRateThrottle.THROTTLE_RATES, "api_anon": "5/min"}
    monkeypatch.setattr(ApiAddressRateThrottle, "THROTTLE_RATES", rates)
    url = reverse("v1:me")
    statuses = [
        client.get(url, HTTP_AUTHORIZATION=f"Bearer case_guess{i}").status_code for i in range(5)
    ]
    assert statuses == [401] * 5
    guessed = client.get(url, HTTP_AUTHORIZATION="Bearer case_guess-again")
    assert guessed.status_code == 429
    assert guessed["Content-Type"].startswith("application/json")
    assert "Retry-After" in guessed
    assert client.get(url).status_code == 429  # no key at all: the same address, refused
    # Another address is not held back, and a real key is throttled per key instead.
    assert client.get(url, REMOTE_ADDR="10.9.9.9").status_code == 401
    _, raw = api_key_create(office=office, name="job", scopes=["access"])
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_the_proxy_header_counts_only_behind_a_trusted_proxy():
    assert _settings_as_production_loads_them()["SECURE_PROXY_SSL_HEADER"] is None
    behind = _settings_as_production_loads_them(TRUSTED_PROXY_COUNT="1")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_pages_send_a_permissions_policy_and_no_server_detail(client, examiner):
    client.force_login(examiner)
    for response in (client.get(reverse("home")), client.get(reverse("account_login"))):
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "Server" not in response
