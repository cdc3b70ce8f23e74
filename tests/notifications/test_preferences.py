"""Every person chooses once, on their settings page, how notifications reach their mailbox:
each at once or one daily digest. Every kind of notice follows it; a watch may override it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dossiers.services import packages, worklists
from dossiers.tasks import package_build_task
from notifications import services, tasks
from notifications.models import Notification, Preference, Watch
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_settings_page_is_in_the_header_menu_and_saves_the_choice(client, examiner):
    client.force_login(examiner)
    home = client.get("/").content.decode()
    assert f'href="{reverse("notifications:settings")}" data-testid="settings-link"' in home
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "E-mail me my notifications" in page
    assert "An e-mail for each notification, as it happens" in page
    response = client.post(reverse("notifications:settings"), {"delivery": "digest"})
    assert response.status_code == 302
    assert Preference.objects.get(user=examiner).delivery == "digest"
    again = client.get(reverse("notifications:settings"))
    assert "Settings saved: One daily digest e-mail" in again.content.decode()
    assert again.context["form"].initial["delivery"] == "digest"


def test_a_choice_that_is_not_offered_is_refused_and_nothing_changes(client, examiner):
    client.force_login(examiner)
    response = client.post(reverse("notifications:settings"), {"delivery": "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Preference.objects.filter(user=examiner).exists()


def test_every_kind_of_notice_follows_the_persons_digest_choice(examiner, clerk, foreign_app, smtp):
    services.preference_save(user=examiner, delivery="digest")
    services.preference_save(user=clerk, delivery="digest")
    services.watch_save(user=examiner, application=foreign_app)  # follows the settings
    DocumentFactory(application=foreign_app, category="search_report")
    req, _ = services.request_make(user=examiner, application=foreign_app, category="office_action")
    services.request_change(
        user=clerk, request=req, state="acknowledged", expected_date=dt.date(2099, 1, 1)
    )
    kinds = dict(Notification.objects.values_list("kind", "email"))
    assert kinds == {
        "document_added": "digest",  # watch
        "request_received": "digest",  # to the asked office's clerk
        "request_updated": "digest",  # to the requester
    }
    assert smtp.messages == []  # nothing until the digest


def test_a_watch_with_its_own_choice_keeps_it_and_the_settings_page_lists_it(
    client, examiner, foreign_app, smtp, django_capture_on_commit_callbacks
):
    services.preference_save(user=examiner, delivery="digest")
    watch, _ = services.watch_save(user=examiner, application=foreign_app, delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        DocumentFactory(application=foreign_app, category="search_report")
    assert Notification.objects.get(user=examiner).email == "immediate"
    assert len(smtp.to("examiner@ca.test")) == 1
    client.force_login(examiner)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Watches with their own choice" in page and "AU 2013123456" in page
    form = client.get(reverse("notifications:watch-edit", args=[watch.pk])).content.decode()
    assert "As in my notification settings (now: a daily digest)" in form


def test_a_watch_made_from_the_family_page_follows_the_settings(client, examiner, foreign_app):
    client.force_login(examiner)
    client.post(reverse("notifications:watch-quick"), {"application": foreign_app.pk})
    assert Watch.objects.get(user=examiner).delivery == ""
    page = client.get(reverse("notifications:watch-list")).content.decode()
    assert "As in my notification settings (now: each at once)" in page


def test_a_clerk_on_the_digest_gets_package_notices_in_it(world, docs, smtp):
    services.preference_save(user=world["clerk"], delivery="digest")
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01")
    with time_machine.travel(dt.datetime(2026, 11, 17, 6, tzinfo=dt.UTC)):
        [package] = packages.packages_schedule()
        package_build_task(package.pk)
    assert Notification.objects.get(user=world["clerk"], kind="package_ready").email == "digest"


def test_one_digest_a_day_however_often_it_runs_and_the_next_day_the_next(
    examiner, foreign_app, smtp
):
    services.preference_save(user=examiner, delivery="digest")
    services.watch_save(user=examiner, application=foreign_app)
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC)):
        DocumentFactory(application=foreign_app, category="search_report")
    with time_machine.travel(dt.datetime(2026, 12, 4, 11, tzinfo=dt.UTC)):
        tasks.digests_send.delay()
        DocumentFactory(application=foreign_app, category="written_opinion")
        tasks.digests_send.delay()  # the same day again: nothing more, it waits for tomorrow
    assert len(smtp.to("examiner@ca.test")) == 1
    with time_machine.travel(dt.datetime(2026, 12, 5, 11, tzinfo=dt.UTC)):
        tasks.digests_send.delay()
    first, second = smtp.to("examiner@ca.test")
    assert "search report added" in first.get_content()
    assert "written opinion added" in second.get_content()
    assert "written opinion" not in first.get_content()
    assert "/notifications/settings/" in second.get_content()


def test_people_without_settings_get_each_notice_at_once(
    office, foreign_app, smtp, django_capture_on_commit_callbacks
):
    person = UserFactory(office=office, email="new@ca.test")
    services.watch_save(user=person, application=foreign_app)
    with django_capture_on_commit_callbacks(execute=True):
        DocumentFactory(application=foreign_app)
    assert Notification.objects.get(user=person).email == "immediate"
    assert len(smtp.to("new@ca.test")) == 1
