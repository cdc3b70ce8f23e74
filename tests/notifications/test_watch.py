import datetime as dt

import pytest
from django.urls import reverse

from dossiers.services import applications
from notifications.models import Notification, Watch
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def us_app():
    us = OfficeFactory(code="US", name="USPTO")
    return applications.application_upsert(
        office=us, number="US13926335", filing_date=dt.date(2013, 6, 28), published=True
    )


@pytest.mark.parametrize("typed", ["13/926,335", "US 13/926,335", "US13926335", "US201313926335"])
def test_examiner_watches_by_typing_any_spelling_and_sees_the_canonical_number(
    client, examiner, us_app, typed
):
    client.force_login(examiner)
    response = client.post(
        reverse("notifications:watch-list"),
        {"number": typed, "scope": "application", "direction": "all", "delivery": "immediate"},
        follow=True,
    )
    assert response.status_code == 200
    watch = Watch.objects.get(user=examiner)
    assert watch.application == us_app
    page = response.content.decode()
    assert "You are now watching US 13/926,335" in page
    assert "<td><a" in page and ">US 13/926,335</a>" in page


def test_wrong_number_gets_the_parsers_message_and_nothing_is_watched(client, examiner):
    client.force_login(examiner)
    response = client.post(
        reverse("notifications:watch-list"),
        {"number": "2013123456", "scope": "application", "direction": "all", "delivery": "digest"},
    )
    assert response.status_code == 200
    assert "which office is this?" in response.content.decode()
    assert "2013123456" in response.content.decode()  # what they typed is kept
    assert not Watch.objects.exists()


def test_unpublished_application_of_another_office_cannot_be_watched(client, examiner, provider):
    applications.application_upsert(office=provider, number="AU2014000001", published=False)
    client.force_login(examiner)
    response = client.post(
        reverse("notifications:watch-list"),
        {"number": "AU2014000001", "scope": "family", "direction": "all", "delivery": "immediate"},
    )
    assert "No application you can see matches AU 2014000001." in response.content.decode()
    assert not Watch.objects.exists()


def test_examiner_edits_and_removes_a_watch(client, examiner, foreign_app):
    client.force_login(examiner)
    watch = Watch.objects.create(user=examiner, application=foreign_app)
    url = reverse("notifications:watch-edit", args=[watch.pk])
    response = client.post(
        url,
        {
            "scope": "family",
            "categories": ["search_report", "office_action"],
            "direction": "outgoing",
            "delivery": "digest",
        },
        follow=True,
    )
    watch.refresh_from_db()
    assert (watch.scope, watch.direction, watch.delivery) == ("family", "outgoing", "digest")
    assert watch.categories == ["office_action", "search_report"]
    assert "Search report" in response.content.decode()
    response = client.post(reverse("notifications:watch-delete", args=[watch.pk]), follow=True)
    assert "You no longer watch" in response.content.decode()
    assert not Watch.objects.exists()


def test_someone_elses_watch_is_404(client, examiner, foreign_app, office):
    other = UserFactory(office=office, email="other@ca.test")
    watch = Watch.objects.create(user=other, application=foreign_app)
    client.force_login(examiner)
    assert client.get(reverse("notifications:watch-edit", args=[watch.pk])).status_code == 404
    url = reverse("notifications:watch-delete", args=[watch.pk])
    assert client.post(url).status_code == 404
    assert Watch.objects.filter(pk=watch.pk).exists()


def test_watch_buttons_of_the_family_page_watch_a_member_or_the_family(client, examiner, provider):
    first = applications.application_upsert(
        office=provider, number="AU2013000001", filing_date=dt.date(2013, 1, 2), published=True
    )
    client.force_login(examiner)
    url = reverse("notifications:watch-quick")
    response = client.post(url, {"family": first.family_id, "next": "/families/1/?x=1"})
    assert response.status_code == 302 and response["Location"] == "/families/1/?x=1"
    watch = Watch.objects.get(user=examiner)
    assert (watch.application, watch.scope) == (first, "family")
    # An off-site `next` is ignored.
    response = client.post(url, {"application": first.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/watch/"
    watch.refresh_from_db()
    assert watch.scope == "application"
    # A `next` that is no path (a word redirect() would take for a view name) is ignored too.
    for word in ("abc", "x y", "<img src=x>"):
        response = client.post(url, {"application": first.pk, "next": word})
        assert response.status_code == 302 and response["Location"] == "/watch/"


def test_watch_list_has_a_fixed_number_of_queries(
    client, examiner, provider, django_assert_max_num_queries
):
    for i in range(15):
        app = applications.application_upsert(
            office=provider, number=f"AU20130000{i + 10}", published=True
        )
        Watch.objects.create(user=examiner, application=app, categories=["claims"])
    client.force_login(examiner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:watch-list"))
    assert response.content.decode().count('">AU 20130000') == 15


def test_notification_list_pages_from_newest_to_older(client, examiner, foreign_app):
    Notification.objects.bulk_create(
        Notification(user=examiner, kind="document_added", application=foreign_app, text=f"N{i}")
        for i in range(51)  # one more than a page
    )
    client.force_login(examiner)
    url = reverse("notifications:notification-list")
    page = client.get(url).content.decode()
    assert "Page 1 of 2" in page and 'href="?page=2">Older</a>' in page and ">Newer<" not in page
    page = client.get(url, {"page": 2}).content.decode()
    assert "Page 2 of 2" in page and 'href="?page=1">Newer</a>' in page and ">Older<" not in page
