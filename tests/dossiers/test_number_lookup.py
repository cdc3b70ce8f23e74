"""One way from a typed number to an application: every page and endpoint that takes a number
must land on the same application, so a second copy of the lookup cannot drift unnoticed."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse

from dossiers.models import Worklist
from dossiers.services.applications import PriorityIn, application_upsert
from notifications.models import Watch
from offices.services import api_key_create
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

SPELLINGS = ["CA 3,000,001", "CA3000001", "ca 3000001", "3,000,001", "3000001"]


@pytest.fixture
def ca():
    office = OfficeFactory(code="CA", name="CIPO", provides=True)
    target = application_upsert(
        office=office, number="CA 3,000,001", filing_date=dt.date(2020, 1, 2), published=True
    )
    # Claims the target as priority: the same key leads here too, but it is not "3,000,001".
    decoy = application_upsert(
        office=office,
        number="CA 3,000,002",
        filing_date=dt.date(2020, 6, 1),
        priorities=[PriorityIn("CA", "CA 3,000,001", dt.date(2020, 1, 2))],
        published=True,
    )
    clerk = UserFactory(office=office, role="clerk", email="clerk@ca.test")
    key = api_key_create(office=office, name="lookup", scopes=["access"])[1]
    return {"office": office, "target": target, "decoy": decoy, "clerk": clerk, "key": key}


def _via_search_page(client, ca, typed):
    response = client.get(reverse("dossiers:search"), {"q": typed, "list": "1"})
    (line,) = response.context["lines"]
    return line.matches[0]


def _via_api_search(client, ca, typed):
    response = client.get(
        "/api/v1/search", {"number": typed}, HTTP_AUTHORIZATION=f"Bearer {ca['key']}"
    )
    assert response.status_code == 200, response.content
    return ca["office"].applications.get(pk=response.json()["applications"][0]["id"])


def _via_api_application(client, ca, typed):
    response = client.get(
        f"/api/v1/applications/CA/{quote(typed, safe='')}",
        HTTP_AUTHORIZATION=f"Bearer {ca['key']}",
    )
    assert response.status_code == 200, response.content
    return ca["office"].applications.get(pk=response.json()["id"])


def _via_watch_form(client, ca, typed):
    client.post(
        reverse("notifications:watch-list"),
        {"number": typed, "scope": "application", "direction": "all", "delivery": "immediate"},
    )
    return Watch.objects.get(user=ca["clerk"]).application


def _via_worklist_line(client, ca, typed):
    client.post(
        reverse("dossiers:worklist-list"),
        {"name": "Week 1", "text": f"{typed};2026-12-01", "date_order": "dmy"},
    )
    (entry,) = Worklist.objects.get(name="Week 1").entries.all()
    return entry.application


def _via_provide_search(client, ca, typed):
    response = client.get(reverse("dossiers:upload-home"), {"q": typed})
    listed = list(response.context["applications"])
    assert response.context["note"] == ""
    assert ca["target"] in listed
    return ca["target"]


ROUTES = [
    _via_search_page,
    _via_api_search,
    _via_api_application,
    _via_watch_form,
    _via_worklist_line,
    _via_provide_search,
]


@pytest.mark.parametrize("typed", SPELLINGS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.__name__.removeprefix("_via_"))
def test_every_spelling_reaches_the_same_application_everywhere(client, ca, route, typed):
    client.force_login(ca["clerk"])
    assert route(client, ca, typed) == ca["target"]


def test_a_number_that_is_not_one_gets_the_same_message_from_search_watch_and_api(client, ca):
    client.force_login(ca["clerk"])
    typed = "CA 99"
    search = client.get(reverse("dossiers:search"), {"q": typed}).context["lines"][0].error
    watch = (
        client.post(
            reverse("notifications:watch-list"),
            {"number": typed, "scope": "application", "direction": "all", "delivery": "immediate"},
        )
        .context["form"]
        .errors["number"][0]
    )
    api = client.get(
        "/api/v1/search", {"number": typed}, HTTP_AUTHORIZATION=f"Bearer {ca['key']}"
    ).json()
    assert search
    assert search == watch
    assert search in str(api)


def test_provider_scope_is_the_querysets(ca):
    """The provider guards and the API's write scope ask the same queryset method."""
    from dossiers.models import Application, Document

    other = UserFactory(office=OfficeFactory(code="AU", provides=True), role="clerk")
    assert set(Application.objects.provided_by(ca["clerk"])) == {ca["target"], ca["decoy"]}
    assert not Application.objects.provided_by(other).exists()
    ca["office"].provides = False
    ca["office"].save()
    ca["clerk"].refresh_from_db()
    assert not Application.objects.provided_by(ca["clerk"]).exists()
    assert not Document.objects.provided_by(ca["clerk"]).exists()
