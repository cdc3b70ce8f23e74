"""Queued statistics PDFs: requested on the page, built by a Celery task into default storage.

Small reports (one office, at most SYNC_MAX_MONTHS months) are rendered during the request; the
rest go through here because an all-offices or multi-year report has many pages and WeasyPrint
takes long enough to tie up a web worker. The build machine (claim, progress, finish, fail,
re-queue, expire) is case_portal.jobs, shared with packages.
"""

import datetime as dt
import logging
from functools import lru_cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from case_portal import jobs

from . import exports, selectors
from .ledger import Read, models_read, reads_compiled
from .models import StatisticsReport
from .selectors import Period
from .services import portal_tz

logger = logging.getLogger(__name__)

SYNC_MAX_MONTHS = 12
RECENT = 10
JOB = jobs.Kind(
    StatisticsReport,
    "stats.statistics_report_build",
    sweeps="stats.statistics_reports",
    label="statistics reports",
    keep_rows=False,
    failure="The report could not be built: {cls}",
    related=("office",),
)


def expiry_days() -> int:
    return getattr(settings, "STATS_REPORT_EXPIRY_DAYS", 7)


def report_is_large(*, office, period: Period) -> bool:
    return office is None or len(period.months) > SYNC_MAX_MONTHS


def _enqueue(report_id: int) -> None:
    jobs.enqueue_builds(JOB, [report_id])


@transaction.atomic
def report_request(*, user, office, period: Period, metric: str) -> StatisticsReport:
    """Queue a report; asking twice for the same one while it is pending returns the first."""
    asked = {
        "requested_by": user,
        "office": office,
        "first_month": period.first,
        "last_month": period.last,
        "metric": metric,
    }
    pending = StatisticsReport.objects.filter(
        **asked, state__in=(StatisticsReport.State.QUEUED, StatisticsReport.State.BUILDING)
    ).first()
    if pending:
        return pending
    report = StatisticsReport.objects.create(**asked)
    _enqueue(report.pk)
    return report


def report_build(report_id: int) -> StatisticsReport | None:
    """Build a queued report. None when there was nothing to do (built, being built, gone)."""
    return jobs.build_run(JOB, report_id, build=_build)


def _build(report: StatisticsReport, store: jobs.Store) -> StatisticsReport:
    period = Period(report.first_month, report.last_month)
    page = selectors.stats_page_get(office=report.office, period=period, metric=report.metric)
    pdf = exports.pdf_render(page, generated=dt.datetime.now(tz=portal_tz()).date())
    stored = store.save(report.file_name, ContentFile(pdf))
    return jobs.finish(
        StatisticsReport, report.pk, stored, expires_in=dt.timedelta(days=expiry_days())
    )


def _recent(user_id: int, now: dt.datetime):
    return (
        StatisticsReport.objects.filter(requested_by_id=user_id)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("office")[:RECENT]
    )


# Stand-ins for the user and the time while the SQL is written out: no user has this id.
_NOBODY, _NEVER = -1, dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


@lru_cache(maxsize=1)
def _recent_written() -> Read:
    (read,) = reads_compiled([models_read(_recent(_NOBODY, _NEVER), related=("office",))])
    if read.queryset is None and read.params != [_NOBODY, _NEVER]:
        raise ValueError("The recent reports' SQL has other parameters.")
    return read


def reports_recent_read(*, user) -> Read:
    """The user's reports not yet expired, newest first, as a Read: read with the statistics
    page's own reads, in the same round trip. Its SQL is written once (the ORM's compiling
    cost more than the query); each view puts in its user and the time."""
    now = timezone.now()
    written = _recent_written()
    if written.queryset is not None:  # off PostgreSQL: the queryset itself
        return models_read(_recent(user.pk, now), related=("office",))
    return Read(written.convert, sql=written.sql, params=[user.pk, now], prepared=True)


def report_get_for_download(*, user, report_id: int) -> StatisticsReport:
    """A ready report of this user's; another user's, one not ready or gone: the same 404."""
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
