import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dossiers.services import packages, worklists
from dossiers.tasks import package_build_task
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_49(world, docs):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01\nCA 3000002;2026-12-01")
    return wl


def test_just_in_time_package_tells_the_clerk_in_the_app_and_by_one_email(
    client,
    week_49,
    world,
    smtp,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(dt.datetime(2026, 11, 17, 6, tzinfo=dt.UTC)):
        [package] = packages.packages_schedule()
        with django_capture_on_commit_callbacks(execute=True):
            package_build_task(package.pk)
    note = Notification.objects.get(user=world["clerk"], kind="package_ready")
    assert "Week 49" in note.text and "2026-12-01" in note.text
    assert smtp.subjects() == ["[CASE] Package ready: Week 49 (examinations of 2026-12-01)"]
    assert smtp.messages[0]["to"] == ["clerk@ca.test"]
    client.force_login(world["clerk"])
    page = client.get(reverse("notifications:notification-list"))
    assert "Week 49" in page.content.decode()
    opened = client.get(reverse("notifications:notification-open", args=[note.pk]))
    assert opened["Location"] == reverse("dossiers:worklist-detail", args=[week_49.pk])


def test_a_package_the_clerk_built_by_hand_is_noted_in_the_app_without_an_email(
    week_49,
    world,
    smtp,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    package = packages.package_request(worklist=week_49, user=world["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        packages.package_build(package_id=package.pk)
    note = Notification.objects.get(user=world["clerk"], kind="package_ready")
    assert note.email == "none"
    assert smtp.messages == []
