"""Operators make an office a web-service office (command and Django admin) without ever seeing
its credential again, and can test the connection against the real node."""

import pytest
from django.core.management import CommandError, call_command

from offices.service_models import OfficeService
from tests.federation.nodes import TOKEN
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(
        office=None, is_operator=True, is_staff=True, is_superuser=True, email="operator@case.test"
    )


def test_command_sets_a_web_service_office_and_tests_it(office, node, capsys):
    call_command(
        "office_service", "--office", "ca", "--url", node.url + "/", "--token", TOKEN, "--test"
    )
    out = capsys.readouterr().out
    row = OfficeService.objects.get(office=office)
    assert row.is_web_service and row.base_url == node.url and row.token == TOKEN
    assert TOKEN not in out and TOKEN[-4:] in out
    assert "test connection: ok (" in out
    call_command("office_service", "--office", "CA", "--deposit")
    row.refresh_from_db()
    assert not row.is_web_service and row.token == TOKEN  # kept for when it is switched back


def test_command_refuses_bad_input_with_a_clear_message(office):
    with pytest.raises(CommandError, match="Enter a valid URL"):
        call_command("office_service", "--office", "CA", "--url", "not a url", "--token", "t")
    with pytest.raises(CommandError, match="needs its credential"):
        call_command("office_service", "--office", "CA", "--url", "http://127.0.0.1:9/")
    with pytest.raises(CommandError, match="No office"):
        call_command("office_service", "--office", "ZZ", "--url", "http://x.test", "--token", "t")
    assert not OfficeService.objects.filter(mode="web_service").exists()


def test_admin_never_shows_the_credential_and_tests_the_connection(client, operator, office, node):
    client.force_login(operator)
    response = client.post(
        "/ops/offices/officeservice/add/",
        {"office": office.pk, "mode": "web_service", "base_url": node.url, "token": TOKEN},
    )
    assert response.status_code == 302, response.content[:3000]
    row = OfficeService.objects.get(office=office)
    page = client.get(f"/ops/offices/officeservice/{row.pk}/change/").content.decode()
    listing = client.get("/ops/offices/officeservice/").content.decode()
    assert TOKEN not in page and TOKEN not in listing and TOKEN[-4:] in listing
    # Saving the form with the credential left blank keeps the stored one.
    client.post(
        f"/ops/offices/officeservice/{row.pk}/change/",
        {"office": office.pk, "mode": "web_service", "base_url": node.url, "token": ""},
    )
    row.refresh_from_db()
    assert row.token == TOKEN
    response = client.post(
        "/ops/offices/officeservice/",
        {"action": "test_connection", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "CA: ok (" in response.content.decode()
    row.refresh_from_db()
    assert row.check_result.startswith("ok (") and row.checked_at is not None
