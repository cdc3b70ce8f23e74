"""Queued PDF reports: requested on the page, built by a Celery task into default storage.

Small reports (one office, at most SYNC_MAX_MONTHS months) are rendered during the request; the
rest go through here because an all-offices or multi-year report has many pages and WeasyPrint
takes long enough to tie up a web worker. The pattern is dossiers.services.packages's: a conditional
UPDATE claims the row so a twice-delivered message builds once, a broker error at enqueue
leaves the row queued, and reports_requeue() (beat) sends again what was lost.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from case_portal.celery import enqueue_on_commit, requeue_stuck

from . import reports, selectors
from .models import StatisticsReport
from .selectors import Period
from .services import portal_tz

logger = logging.getLogger(__name__)

SYNC_MAX_MONTHS = 12
STALE_AFTER = dt.timedelta(minutes=30)
QUEUED_GRACE = dt.timedelta(minutes=5)
RECENT = 10


def expiry_days() -> int:
    return getattr(settings, "STATS_REPORT_EXPIRY_DAYS", 7)


def report_is_large(*, office, period: Period) -> bool:
    return office is None or len(period.months) > SYNC_MAX_MONTHS


def _enqueue(report_id: int) -> None:
    from .tasks import statistics_report_build_task  # tasks import this module

    enqueue_on_commit(statistics_report_build_task, [report_id], swept_by="reports_requeue")


@transaction.atomic
def report_request(*, user, office, period: Period, metric: str) -> StatisticsReport:
    """Queue a report; asking twice for the same one while it is pending returns the first."""
    pending = StatisticsReport.objects.filter(
        requested_by=user,
        office=office,
        first_month=period.first,
        last_month=period.last,
        metric=metric,
        state__in=(StatisticsReport.State.QUEUED, StatisticsReport.State.BUILDING),
    ).first()
    if pending:
        return pending
    report = StatisticsReport.objects.create(
        requested_by=user,
        office=office,
        first_month=period.first,
        last_month=period.last,
        metric=metric,
    )
    _enqueue(report.pk)
    return report


def _claim(report_id: int) -> bool:
    now = timezone.now()
    return bool(
        StatisticsReport.objects.filter(pk=report_id)
        .filter(
            Q(state=StatisticsReport.State.QUEUED)
            | Q(state=StatisticsReport.State.BUILDING, started_at__lt=now - STALE_AFTER)
        )
        .update(state=StatisticsReport.State.BUILDING, started_at=now, error="")
    )


def report_build(*, report_id: int) -> StatisticsReport | None:
    """Build a queued report. None when there was nothing to do (built, being built, gone)."""
    if not _claim(report_id):
        return None
    report = StatisticsReport.objects.select_related("office").get(pk=report_id)
    stored = ""
    try:
        period = Period(report.first_month, report.last_month)
        page = selectors.stats_page_get(office=report.office, period=period, metric=report.metric)
        pdf = reports.pdf_render(page, generated=dt.datetime.now(tz=portal_tz()).date())
        stored = default_storage.save(
            f"stats/reports/{report.pk}/{report.file_name}", ContentFile(pdf)
        )
        return _finish(report.pk, stored)
    except Exception as exc:
        logger.exception("Statistics report %s failed", report_id)
        if stored:
            default_storage.delete(stored)
        StatisticsReport.objects.filter(pk=report_id, state=StatisticsReport.State.BUILDING).update(
            state=StatisticsReport.State.FAILED,
            error=f"The report could not be built: {exc.__class__.__name__}"[:500],
            finished_at=timezone.now(),
        )
        return StatisticsReport.objects.get(pk=report_id)


@transaction.atomic
def _finish(report_id: int, stored: str) -> StatisticsReport:
    locked = StatisticsReport.objects.select_for_update().get(pk=report_id)
    if locked.state != StatisticsReport.State.BUILDING:
        transaction.on_commit(lambda: default_storage.delete(stored))
        return locked
    now = timezone.now()
    locked.file.name = stored
    locked.state = StatisticsReport.State.READY
    locked.finished_at = now
    locked.expires_at = now + dt.timedelta(days=expiry_days())
    locked.save()
    return locked


def reports_requeue(*, now: dt.datetime | None = None) -> int:
    """Send again reports still queued after QUEUED_GRACE (their message may never have reached
    the broker) and builds gone stale; the claim makes a duplicate message harmless."""
    from .tasks import statistics_report_build_task

    now = now or timezone.now()
    return requeue_stuck(
        StatisticsReport.objects.all(),
        statistics_report_build_task,
        queued_before=now - QUEUED_GRACE,
        building_before=now - STALE_AFTER,
    )


def reports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete files of reports past their expiry date, and the rows with them."""
    now = now or timezone.now()
    expired = list(StatisticsReport.objects.filter(expires_at__lt=now))
    for report in expired:
        if report.file.name:
            default_storage.delete(report.file.name)
        report.delete()
    return len(expired)


def reports_recent(*, user) -> list[StatisticsReport]:
    return list(
        StatisticsReport.objects.filter(requested_by=user)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .select_related("office")[:RECENT]
    )


def report_get_for_download(*, user, report_id: int) -> StatisticsReport:
    """A ready report of this user's; another user's, one not ready or gone: the same 404."""
    from django.http import Http404

    report = (
        StatisticsReport.objects.filter(
            pk=report_id, requested_by=user, state=StatisticsReport.State.READY
        )
        .filter(expires_at__gt=timezone.now())
        .select_related("office")
        .first()
    )
    if report is None or not report.file.name:
        raise Http404("No such report.")
    return report
