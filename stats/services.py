"""usage_record() is the one way any part of the portal counts a use; usage_rollup() folds them.

How the figures stay live, exact and fast
-----------------------------------------
* usage_record() inserts the UsageEvent and, in the same transaction, a UsagePending row
  naming it. Nothing else is touched on the hot path: no shared counter row is updated, so a
  busy office's requests never queue behind one another's row lock (an "upsert a daily counter
  on write" design would hold that lock until the caller's transaction commits, which for an
  upload that streams a file is a long time).
* usage_rollup() runs every minute (Celery beat, stats/tasks.py). In one transaction it claims
  the pending rows that are committed now (one UPDATE), adds their events into UsageMonthly
  and UsageMonthlyUser with INSERT ... SELECT ... ON CONFLICT DO UPDATE, and deletes the
  claimed rows. Periods on the pages are whole months, so a month is the rollup's grain.
  Claiming by row rather than by "id above a watermark" matters: ids come from a sequence and
  are not committed in order, so a watermark could skip a slow transaction's event for ever.
* Readers (stats/selectors.py) add the rollups and the tail (events still named in
  UsagePending) under one snapshot, so an event is seen exactly once, whether it has been
  folded or not, and an action done a second ago is counted. If beat stops the tail just grows:
  slower, never wrong.
"""

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth

from offices.models import Office

from .models import (
    Action,
    UsageEvent,
    UsageMonthly,
    UsageMonthlyUser,
    UsagePending,
    UsageRequestWait,
)

# Receiving an e-mail is not using the portal: it does not make a person "active".
NOT_ACTIVITY = (Action.NOTIFICATION_SENT,)


def portal_tz() -> ZoneInfo:
    """Months of the statistics are those of the portal's configured time zone."""
    return ZoneInfo(settings.TIME_ZONE)


@transaction.atomic
def usage_record(
    *,
    action: str,
    user=None,
    office: Office | None = None,
    provider_office: Office | None = None,
    application_id: int | None = None,
    document_id: int | None = None,
    count: int = 1,
    bulk: bool = False,
    via_api: bool = False,
    when: datetime | None = None,
) -> UsageEvent:
    if action not in Action.values:
        raise ValueError(f"Unknown usage action {action!r}")
    person = user if getattr(user, "pk", None) else None  # API clients are not people
    if office is None and user is not None:
        office = getattr(user, "office", None)
    event = UsageEvent(
        action=action,
        user=person,
        office=office,
        provider_office=provider_office,
        application_id=application_id,
        document_id=document_id,
        count=count,
        bulk=bulk,
        via_api=via_api,
    )
    if when is not None:
        event.occurred_at = when
    event.save()
    UsagePending.objects.create(event=event)
    return event


def _insert_select(table: str, columns: dict[str, str], queryset, on_conflict: str) -> None:
    """INSERT INTO table (columns) SELECT <the queryset's columns by alias> ... ON CONFLICT.

    The aggregation is written with the ORM so that TruncMonth converts to the portal's time zone
    the same way on PostgreSQL and on the demo's SQLite; only the upsert wrapper is SQL.
    """
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    picked = ", ".join(f"sub.{qn(alias)}" for alias in columns.values())
    # "WHERE true" keeps SQLite's parser from reading ON CONFLICT as a join constraint.
    # Only identifiers we control and the ORM's own SQL are interpolated; values stay params.
    head = f"INSERT INTO {qn(table)} ({cols}) SELECT {picked} FROM ({sql}) sub"  # noqa: S608
    statement = f"{head} WHERE true {on_conflict}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def request_waits_count(events) -> Counter:
    """(month, asking office, office asked, whole days) -> fulfilments, for the
    REQUEST_FULFILLED events among `events`.

    Each fulfilment is paired with the latest REQUEST_MADE of the same pair and application
    before it: an office has at most one active request per application, so that is the
    request fulfilled. A fulfilment without its asking event (older than the ledger) is left out.
    """
    asked_at = (
        UsageEvent.objects.filter(
            action=Action.REQUEST_MADE,
            office_id=OuterRef("office_id"),
            provider_office_id=OuterRef("provider_office_id"),
            application_id=OuterRef("application_id"),
            occurred_at__lte=OuterRef("occurred_at"),
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    rows = (
        events.filter(
            action=Action.REQUEST_FULFILLED,
            office_id__isnull=False,
            provider_office_id__isnull=False,
        )
        .annotate(asked_at=Subquery(asked_at))
        .values_list("office_id", "provider_office_id", "occurred_at", "asked_at")
        .order_by()
    )
    tz = portal_tz()
    out: Counter = Counter()
    for office_id, provider_id, done, asked in rows.iterator(chunk_size=5000):
        if asked is not None:
            month = done.astimezone(tz).date().replace(day=1)
            out[(month, office_id, provider_id, (done - asked).days)] += 1
    return out


def _fold_waits(events) -> None:
    waits = request_waits_count(events)
    if not waits:
        return
    table = UsageRequestWait._meta.db_table
    statement = (
        f"INSERT INTO {table} (month, office_id, provider_id, days, n) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT (month, office_id, provider_id, days) "
        f"DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, [(*key, n) for key, n in waits.items()])


def _fold(events) -> None:
    """Add the given events into the monthly rollups."""
    month = Cast(TruncMonth("occurred_at", tzinfo=portal_tz()), DateField())
    sums = (
        events.annotate(
            month=month,
            office_ref=Coalesce("office_id", Value(0)),
            provider_ref=Coalesce("provider_office_id", Value(0)),
        )
        .values("month", "office_ref", "provider_ref", "action", "bulk")
        .annotate(total=Sum("count"), events=Count("id"))
        .order_by()
    )
    table = UsageMonthly._meta.db_table
    _insert_select(
        table,
        {
            "month": "month",
            "office_id": "office_ref",
            "provider_id": "provider_ref",
            "action": "action",
            "bulk": "bulk",
            "total": "total",
            "events": "events",
        },
        sums,
        f"ON CONFLICT (month, office_id, provider_id, action, bulk) DO UPDATE SET "
        f"total = {table}.total + excluded.total, events = {table}.events + excluded.events",
    )
    people = (
        events.filter(user_id__isnull=False)
        .exclude(action__in=NOT_ACTIVITY)
        .annotate(month=month, office_ref=Coalesce("office_id", Value(0)))
        .values("month", "office_ref", "user_id", "action")
        .distinct()
        .order_by()
    )
    _insert_select(
        UsageMonthlyUser._meta.db_table,
        {"month": "month", "office_id": "office_ref", "user_id": "user_id", "action": "action"},
        people,
        "ON CONFLICT (month, office_id, user_id, action) DO NOTHING",
    )
    _fold_waits(events)


@transaction.atomic
def usage_rollup() -> int:
    """Fold every committed pending event into the rollups; returns how many were folded.

    Safe to run concurrently: a second run's claiming UPDATE waits on the first's row locks and
    then finds those rows deleted, so no event is folded twice.
    """
    claimed = UsagePending.objects.filter(claimed=False).update(claimed=True)
    if claimed:
        mine = UsagePending.objects.filter(claimed=True)
        _fold(UsageEvent.objects.filter(pk__in=mine.values("event_id")))
        mine.delete()
    return claimed


@transaction.atomic
def usage_rollup_rebuild() -> None:
    """Recompute the rollups from the raw events (after a bulk load or a repair)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # New events must wait: one committed between the fold and the delete below
            # would otherwise lose its pending row without having been folded.
            cursor.execute(f"LOCK TABLE {UsagePending._meta.db_table} IN EXCLUSIVE MODE")
            cursor.execute(
                f"TRUNCATE {UsageMonthly._meta.db_table}, {UsageMonthlyUser._meta.db_table}, "
                f"{UsageRequestWait._meta.db_table}"
            )
    else:
        UsageMonthly.objects.all().delete()
        UsageMonthlyUser.objects.all().delete()
        UsageRequestWait.objects.all().delete()
    UsagePending.objects.all().delete()
    _fold(UsageEvent.objects.all())
