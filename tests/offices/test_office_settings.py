"""The office admin sets how worklist dates are read and the lead time of just-in-time packages
on the office's own settings page (not only in /ops/)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dossiers.services import worklists
from offices.models import Office, User
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/office/settings/"


def test_the_page_is_under_office_admin_and_shows_the_offices_current_settings(admin_client):
    assert reverse("offices:office-settings") == URL
    page = admin_client.get(URL).content.decode()
    assert "Office admin — settings of CA" in page
    assert 'href="/office/settings/" aria-current="page"' in page  # the tab
    assert 'value="ask" checked' in page.replace("\n", " ") or 'value="ask"' in page
    assert 'name="package_lead_days" value="14"' in page


def test_admin_saves_the_date_order_and_lead_time_and_the_worklist_follows(admin_client, world):
    response = admin_client.post(URL, {"worklist_date_order": "dmy", "package_lead_days": "21"})
    assert response.status_code == 302 and response["Location"] == URL
    office = Office.objects.get(code="CA")
    assert (office.worklist_date_order, office.package_lead_days) == ("dmy", 21)
    assert "Office settings saved." in admin_client.get(URL).content.decode()

    # A clerk's "03/04/2027" is now 3 April, without being asked; the lead time is the new one.
    clerk = User.objects.select_related("office").get(pk=world["clerk"].pk)
    wl = worklists.worklist_create(user=clerk, name="April")
    result = worklists.worklist_lines_add(worklist=wl, text="CA 3000001 03/04/2027")
    assert not result.rejected
    assert wl.entries.get().examination_date == dt.date(2027, 4, 3)
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)):
        admin_client.force_login(world["clerk"])
        page = admin_client.get(reverse("dossiers:worklist-detail", args=[wl.pk])).content.decode()
    assert "21 days before each examination date" in page
    assert "Package on 2027-03-13, 21 days before examination." in page


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"worklist_date_order": "dmy", "package_lead_days": "0"}, "package_lead_days", "1"),
        ({"worklist_date_order": "dmy", "package_lead_days": "120"}, "package_lead_days", "90"),
        (
            {"worklist_date_order": "dmy", "package_lead_days": "two weeks"},
            "package_lead_days",
            "Give a whole number of days, e.g. 14.",
        ),
        ({"worklist_date_order": "dmy", "package_lead_days": ""}, "package_lead_days", "14"),
        ({"worklist_date_order": "ymd?", "package_lead_days": "14"}, "worklist_date_order", ""),
    ],
)
def test_bad_settings_are_explained_on_their_field_and_nothing_is_saved(
    admin_client, posted, field, message
):
    response = admin_client.post(URL, posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    office = Office.objects.get(code="CA")
    assert (office.worklist_date_order, office.package_lead_days) == ("ask", 14)
    # What was typed stays in the box.
    if posted["package_lead_days"]:
        assert f'value="{posted["package_lead_days"]}"' in response.content.decode()


def test_only_the_offices_own_admin_changes_its_settings(client, office, other_office):
    other_admin = UserFactory(office=other_office, role="office_admin", email="admin@au.test")
    client.force_login(other_admin)
    client.post(URL, {"worklist_date_order": "mdy", "package_lead_days": "7"})
    assert Office.objects.get(code="AU").package_lead_days == 7
    assert Office.objects.get(code="CA").package_lead_days == 14  # CA untouched
    for role in ("clerk", "examiner"):
        client.force_login(UserFactory(office=office, role=role))
        assert client.get(URL).status_code == 404
        assert (
            client.post(URL, {"worklist_date_order": "mdy", "package_lead_days": "7"}).status_code
            == 404
        )
    assert Office.objects.get(code="CA").worklist_date_order == "ask"


def test_an_accessing_only_office_has_the_settings_page_too(client):
    office = OfficeFactory(code="NZ", provides=False)
    client.force_login(UserFactory(office=office, role="office_admin"))
    page = client.get(URL).content.decode()
    assert "Office settings" in page and "Request contacts" not in page
