"""The operator's Django admin: the ledger is read-only evidence; dossiers are searchable by
any number spelling and acted on through the services."""

import pytest

from case_portal.jobs import BuildJob
from dossiers.models import Package
from dossiers.services.worklists import worklist_create
from stats import models as ledger
from stats.models import Action, StatisticsReport, UsageEvent
from stats.services import usage_record, usage_rollup
from tests.dossiers.factories import ApplicationFactory, DocumentFactory
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(client, db):
    operator = UserFactory(
        office=None, is_operator=True, is_staff=True, is_superuser=True, email="ops@case.test"
    )
    client.force_login(operator)
    return client


def test_usage_events_and_rollups_cannot_be_added_changed_or_deleted(ops, examiner):
    event = usage_record(action=Action.SEARCH, user=examiner, count=3)
    usage_rollup()
    listing = ops.get("/ops/stats/usageevent/")
    assert listing.status_code == 200 and b"Add usage event" not in listing.content
    assert ops.get("/ops/stats/usageevent/add/").status_code == 403
    assert ops.get("/ops/stats/usagemonthly/add/").status_code == 403
    assert ops.get("/ops/stats/usagemonthlyuser/add/").status_code == 403
    page = ops.get(f"/ops/stats/usageevent/{event.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content  # view only
    changed = ops.post(f"/ops/stats/usageevent/{event.pk}/change/", {"count": "99"})
    assert changed.status_code == 403
    assert ops.post(f"/ops/stats/usageevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.count == 3
    assert UsageEvent.objects.filter(action=Action.SEARCH).count() == 1
    assert ops.get("/ops/stats/usagemonthly/").status_code == 200


def test_the_watch_list_is_called_watches(ops):
    index = ops.get("/ops/").content.decode()
    assert "Watches" in index and "Watchs" not in index


def test_applications_are_found_by_any_spelling_of_their_number(ops, office):
    app = ApplicationFactory(office=office, number="CA 3512345")
    ApplicationFactory(office=office, number="CA 3599999")
    for spelling in ("CA 3512345", "ca3512345", "CA 3,512,345"):
        found = ops.get("/ops/dossiers/application/", {"q": spelling}).context["cl"].result_list
        assert [a.pk for a in found] == [app.pk], spelling
    docs = ops.get("/ops/dossiers/document/", {"q": "ca3512345"})
    assert docs.status_code == 200
    assert ops.get("/ops/dossiers/application/add/").status_code == 403


def test_withdrawing_a_document_asks_a_reason_and_goes_through_the_service(ops, office):
    document = DocumentFactory(application=ApplicationFactory(office=office))
    action = {"action": "withdraw", "_selected_action": [str(document.pk)]}
    asked = ops.post("/ops/dossiers/document/", action)
    assert asked.status_code == 200 and b"Withdraw 1 document" in asked.content
    document.refresh_from_db()
    assert document.withdrawn_at is None  # nothing happens before a reason is given
    empty = ops.post("/ops/dossiers/document/", {**action, "reason": "  "})
    assert b"This field is required" in empty.content
    done = ops.post("/ops/dossiers/document/", {**action, "reason": "Wrong application"})
    assert done.status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_at is not None and document.withdrawn_reason == "Wrong application"


def test_a_failed_package_and_a_failed_report_are_queued_again(
    ops, office, admin_user, eager_celery, django_capture_on_commit_callbacks
):
    worklist = worklist_create(user=admin_user, name="Week 12")
    package = Package.objects.create(
        worklist=worklist, office=office, created_by=admin_user, state=BuildJob.State.FAILED
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ops.post(
            "/ops/dossiers/package/",
            {"action": "requeue", "_selected_action": [str(package.pk)]},
        )
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.state == BuildJob.State.QUEUED and len(callbacks) == 1
    report = StatisticsReport.objects.create(
        requested_by=admin_user,
        office=office,
        first_month="2025-01-01",
        last_month="2025-12-01",
        state=BuildJob.State.FAILED,
        error="boom",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ops.post(
            "/ops/stats/statisticsreport/",
            {"action": "requeue", "_selected_action": [str(report.pk)]},
        )
    report.refresh_from_db()
    assert report.state == BuildJob.State.QUEUED and len(callbacks) == 1


def test_every_rollup_table_is_listed_read_only(ops, examiner, other_office):
    for action in (Action.REQUEST_MADE, Action.REQUEST_FULFILLED):
        usage_record(action=action, user=examiner, provider_office=other_office, application_id=5)
    usage_rollup()
    rollups = ["UsageMonthly", "UsageMonthlyOffice", "UsageMonthlyUser", "UsageMonthlyActive"]
    rollups += ["UsageActiveCount", "UsageActiveSpan", "UsageRequestWait"]
    for model in (getattr(ledger, name) for name in rollups):
        url = f"/ops/stats/{model._meta.model_name}/"
        listing = ops.get(url)
        assert listing.status_code == 200, url
        assert str(model._meta.verbose_name_plural) in listing.content.decode().lower()
        row = model.objects.first()
        assert row is not None, url
        assert ops.get(f"{url}add/").status_code == 403, url
        page = ops.get(f"{url}{row.pk}/change/")
        assert page.status_code == 200 and b'name="_save"' not in page.content, url
        assert ops.post(f"{url}{row.pk}/delete/", {"post": "yes"}).status_code == 403, url
        assert model.objects.filter(pk=row.pk).exists()
    wait = ledger.UsageRequestWait.objects.get()
    assert wait.fulfilled == 1 and wait.d0 == 1
