"""usage_record() is the one way any part of the portal counts a use; it keeps the rollups too.

How the figures stay live, exact and fast
-----------------------------------------
* usage_record() inserts the UsageEvent and its share of every rollup the pages read in one
  statement (PostgreSQL; atomic on its own): a row of UsageMonthly (office pair, action, month),
  of UsageMonthlyOffice (the same without the providing office), of UsageMonthlyUser (the
  person's month and action), the person's UsageMonthlyActive rows (ON CONFLICT DO NOTHING:
  distinct people per month, with +1 on UsageActiveCount and the month's bit on UsageActiveSpan
  when new) and, for a fulfilment, a UsageRequestWait row (a 1 in the bucket of days taken).
  Rollup rows are written "unsettled" and append-only, so a busy office's requests do not queue
  behind one another's row lock (an upload holds its transaction open while the file streams);
  the one shared counter, UsageActiveCount, is touched only by a person's first use of a kind
  in a month. The month is the portal time zone's
  month of the event, fixed at write time, so month edges are exact.
* usage_rollup() (Celery beat, every minute) merges the unsettled rows into one settled row
  per key: one DELETE ... RETURNING feeding an INSERT ... ON CONFLICT DO UPDATE per table, so
  a row is moved exactly once even when runs overlap. Readers always SUM, so a figure is the
  same before and after a merge; if beat stops, pages read a few more rows, never wrong ones.
* usage_rollup_rebuild() (`manage.py usage_rollup_rebuild`, migration 0011) recomputes every
  rollup from the raw events with set-based INSERT ... SELECT ... GROUP BY, one month per
  transaction: after a bulk load, a repair, or a change of TIME_ZONE (months are those of the
  time zone at write time).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction

from case_portal.compiled import prepared_cursor
from offices.models import Office

from .models import (
    WAIT_BUCKETS,
    WAIT_COLUMNS,
    Action,
    ActiveKind,
    UsageActiveCount,
    UsageActiveSpan,
    UsageEvent,
    UsageMonthly,
    UsageMonthlyActive,
    UsageMonthlyOffice,
    UsageMonthlyUser,
    UsageRequestWait,
    wait_bucket,
)

# Receiving an e-mail is not using the portal: it does not make a person "active".
NOT_ACTIVITY = (Action.NOTIFICATION_SENT,)
# Which kind of active user an action makes a person (besides ActiveKind.ANY for every use).
ACTIVE_KIND_OF = {
    Action.LOGIN: ActiveKind.LOGIN,
    Action.SEARCH: ActiveKind.SEARCH,
    Action.FAMILY_VIEW: ActiveKind.RETRIEVE,
    Action.DOCUMENT_VIEW: ActiveKind.RETRIEVE,
    Action.DOCUMENT_DOWNLOAD: ActiveKind.RETRIEVE,
}


def portal_tz() -> ZoneInfo:
    """Months of the statistics are those of the portal's configured time zone."""
    return ZoneInfo(settings.TIME_ZONE)


def month_of(moment: datetime) -> date:
    return moment.astimezone(portal_tz()).date().replace(day=1)


# Off while a HEAD request is answered (stats/middleware.py): a link checker, a mail scanner or
# a preview asking whether a document is there has not read it.
_counting: ContextVar[bool] = ContextVar("usage_counting", default=True)


@contextmanager
def uncounted() -> Iterator[None]:
    """Nothing done inside is counted as a use."""
    token = _counting.set(False)
    try:
        yield
    finally:
        _counting.reset(token)


def usage_record(
    *,
    action: str,
    user=None,
    office: Office | None = None,
    when: datetime | None = None,
    **fields,
) -> UsageEvent | None:
    """Record one use: `action` by `user` (their office unless `office` is given), now or at
    `when`. `fields` are UsageEvent's other columns: provider_office, application_id,
    document_id, count (1), bulk and via_api (False); any other name is a TypeError. Nothing is
    recorded (None) inside uncounted()."""
    if not _counting.get():
        return None
    event = _usage_event(action=action, user=user, office=office, when=when, **fields)
    rows, active = _rollup_rows(event)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            event.save()
            _rows_insert(rows, active=active)
        return event
    # One statement: atomic on its own, so no BEGIN / COMMIT round trips in autocommit (and
    # part of the caller's transaction inside one).
    event.pk = _rows_insert(rows, active=active, event=event)
    event._state.adding, event._state.db = False, connection.alias
    return event


def _usage_event(*, action, user=None, office=None, when=None, **fields) -> UsageEvent:
    if action not in Action.values:
        raise ValueError(f"Unknown usage action {action!r}")
    person = user if getattr(user, "pk", None) else None  # API clients are not people
    if office is None and user is not None:
        office = getattr(user, "office", None)
    event = UsageEvent(action=action, user=person, office=office, **fields)
    if when is not None:
        event.occurred_at = when
    return event


# Rollup columns that add up (or take the latest) when several events share a row's key.
_SUMMED = {"total", "events"}
_LATEST = {"last_at"}


def usage_record_many(uses: list[dict]) -> list[UsageEvent]:
    """usage_record(**use) for each of `uses` (a package's hundreds of downloads): on PostgreSQL
    the events in one INSERT and their rollup rows added up per key in one statement per month,
    the same figures as one call each (readers sum the rows). Fulfilments, which look up when
    their request was asked, go one by one."""
    if not _counting.get():
        return []
    if connection.vendor != "postgresql" or any(
        use["action"] == Action.REQUEST_FULFILLED for use in uses
    ):
        return [usage_record(**use) for use in uses]
    events = [_usage_event(**use) for use in uses]
    rows_by_month: dict[date, dict[tuple, tuple[type[models.Model], dict]]] = {}
    active_by_month: dict[date, set[tuple]] = {}
    for event in events:
        rows, active = _rollup_rows(event)
        month = rows[0][1]["month"]
        summed = rows_by_month.setdefault(month, {})
        for model, values in rows:
            key = (model, *((k, v) for k, v in values.items() if k not in _SUMMED | _LATEST))
            if key not in summed:
                summed[key] = (model, dict(values))
                continue
            row = summed[key][1]
            for name in _SUMMED & values.keys():
                row[name] += values[name]
            for name in _LATEST & values.keys():
                row[name] = max(row[name], values[name])
        if active:
            active_by_month.setdefault(month, set()).update(active)
    with transaction.atomic():
        UsageEvent.objects.bulk_create(events)
        for month, summed in rows_by_month.items():
            active = sorted(active_by_month.get(month, ()), key=str)
            _rows_insert(list(summed.values()), active=active or None)
    return events


def _asked_at(event: UsageEvent) -> datetime | None:
    """When the request a fulfilment answers was asked: the latest REQUEST_MADE of the same
    pair and application before it (an office has at most one active request per
    application). One probe of the stats_usage_request_made index."""
    return (
        UsageEvent.objects.filter(
            action=Action.REQUEST_MADE,
            office_id=event.office_id,
            provider_office_id=event.provider_office_id,
            application_id=event.application_id,
            occurred_at__lte=event.occurred_at,
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )


def _active_rows(event: UsageEvent, month: date, office_id: int) -> list[tuple]:
    kinds = [ActiveKind.ANY]
    if event.action in ACTIVE_KIND_OF:
        kinds.append(ACTIVE_KIND_OF[event.action])
    return [
        (month, scope, str(kind), event.user_id)
        for scope in (office_id, UsageActiveCount.ALL_OFFICES)
        for kind in kinds
    ]


_ACTIVE_INSERT = (
    "INSERT INTO stats_usagemonthlyactive (month, office_id, kind, user_id) VALUES {marks} "
    "ON CONFLICT DO NOTHING RETURNING month, office_id, kind, user_id"
)
# {source}: the new UsageMonthlyActive rows, as (month, office_id, kind, 1) ...
_COUNT_UPSERT = (
    "INSERT INTO stats_usageactivecount (month, office_id, kind, n) {source} "
    "ON CONFLICT (office_id, month, kind) DO UPDATE SET n = stats_usageactivecount.n + excluded.n"
)
# ... and as (office_id, kind, user_id, era, bit) for the person's UsageActiveSpan.
_SPAN_UPSERT = (
    "INSERT INTO stats_usageactivespan (office_id, kind, user_id, era, months) {source} "
    "ON CONFLICT (office_id, kind, era, user_id) "
    "DO UPDATE SET months = stats_usageactivespan.months | excluded.months"
)


def _active_ctes(rows: list[tuple]) -> tuple[list[str], list]:
    """(CTEs, parameters): the person's UsageMonthlyActive rows for this month (their office and
    all offices) and, for each that is new, +1 on UsageActiveCount and the month's bit on
    UsageActiveSpan, so only a person's first use of a kind in a month touches those rows."""
    era, bit = UsageActiveSpan.bit_of(rows[0][0])
    marks = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    ctes = [
        f"new_active AS ({_ACTIVE_INSERT.format(marks=marks)})",
        "counted AS ("  # noqa: S608 - our own table names
        # Summed: several people's first uses (usage_record_many) touch one counter once.
        + _COUNT_UPSERT.format(
            source="SELECT month, office_id, kind, count(*) FROM new_active "
            "GROUP BY month, office_id, kind"
        )
        + ")",
        "spanned AS ("  # noqa: S608 - our own table names
        + _SPAN_UPSERT.format(source="SELECT office_id, kind, user_id, %s, %s FROM new_active")
        + ")",
    ]
    return ctes, [*(value for row in rows for value in row), era, bit]


def _active_add(rows: list[tuple]) -> None:
    """_active_ctes as separate statements, for SQLite (no data-modifying CTE there)."""
    era, bit = UsageActiveSpan.bit_of(rows[0][0])
    with connection.cursor() as cursor:
        marks = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        cursor.execute(_ACTIVE_INSERT.format(marks=marks), [value for row in rows for value in row])
        new = cursor.fetchall()
        if new:
            values = "VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(new))
            cursor.execute(
                _COUNT_UPSERT.format(source=values),
                [value for month, office, kind, _user in new for value in (month, office, kind, 1)],
            )
            values = "VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(new))
            cursor.execute(
                _SPAN_UPSERT.format(source=values),
                [v for _m, office, kind, user in new for v in (office, kind, user, era, bit)],
            )


def _rollup_rows(event: UsageEvent) -> tuple[list[tuple[type[models.Model], dict]], list | None]:
    """The event's unsettled rollup rows, and the person's activity marks (or None)."""
    month = month_of(event.occurred_at)
    office_id = event.office_id or 0
    rows: list[tuple[type[models.Model], dict]] = [
        (
            UsageMonthly,
            {
                "month": month,
                "office_id": office_id,
                "provider_id": event.provider_office_id or 0,
                "action": event.action,
                "bulk": event.bulk,
                "total": event.count,
                "events": 1,
                "settled": False,
            },
        ),
        (
            UsageMonthlyOffice,
            {
                "month": month,
                "office_id": office_id,
                "action": event.action,
                "bulk": event.bulk,
                "with_provider": event.provider_office_id is not None,
                "total": event.count,
                "events": 1,
                "settled": False,
            },
        ),
    ]
    active = event.user_id and event.action not in NOT_ACTIVITY
    if active:
        rows.append(
            (
                UsageMonthlyUser,
                {
                    "month": month,
                    "office_id": office_id,
                    "user_id": event.user_id,
                    "action": event.action,
                    "total": event.count,
                    "events": 1,
                    "last_at": event.occurred_at,
                    "settled": False,
                },
            )
        )
    if (
        event.action == Action.REQUEST_FULFILLED
        and event.office_id
        and event.provider_office_id
        and event.application_id is not None
    ):
        asked = _asked_at(event)
        if asked is not None:  # a fulfilment older than the ledger's asking event: left out
            bucket = wait_bucket((event.occurred_at - asked).days)
            rows.append(
                (
                    UsageRequestWait,
                    {
                        "month": month,
                        "office_id": event.office_id,
                        "provider_id": event.provider_office_id,
                        **{column: int(i == bucket) for i, column in enumerate(WAIT_COLUMNS)},
                        "settled": False,
                    },
                )
            )
    return rows, _active_rows(event, month, office_id) if active else None


def _rollups_add(event: UsageEvent) -> None:
    """The event's unsettled rollup rows, for an event already saved (SQLite rebuild)."""
    rows, active = _rollup_rows(event)
    _rows_insert(rows, active=active)


def _event_values(event: UsageEvent) -> dict:
    return {
        field.column: field.get_db_prep_save(getattr(event, field.attname), connection)
        for field in UsageEvent._meta.concrete_fields
        if not field.primary_key
    }


def _rows_insert(
    rows: list[tuple[type[models.Model], dict]], *, active=None, event: UsageEvent | None = None
) -> int | None:
    """Insert one row into each of several tables, the person's activity marks and, given
    `event`, the event itself (returns its id). On PostgreSQL in one statement (data-modifying
    CTEs): every counted page view pays for this."""
    if connection.vendor != "postgresql":
        for model, values in rows:
            model.objects.create(**values)
        if active:
            _active_add(active)
        return None
    ctes, params = [], []
    final = "SELECT NULL"
    if event is not None:
        values = _event_values(event)
        columns, marks = ", ".join(values), ", ".join(["%s"] * len(values))
        table = connection.ops.quote_name(UsageEvent._meta.db_table)  # as the ORM writes it
        ctes.append(f"ev AS (INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id)")  # noqa: S608
        params += list(values.values())
        final = "SELECT id FROM ev"
    for i, (model, values) in enumerate(rows):
        columns = ", ".join(model._meta.get_field(name).column for name in values)
        marks = ", ".join(["%s"] * len(values))
        table = model._meta.db_table  # names from our own models, values as parameters
        ctes.append(f"r{i} AS (INSERT INTO {table} ({columns}) VALUES ({marks}))")  # noqa: S608
        params += list(values.values())
    if active:
        active_ctes, active_params = _active_ctes(active)
        ctes += active_ctes
        params += active_params
    if not connection.in_atomic_block:
        # A statement of its own (every counted page view): its commit does not wait for the
        # disk flush (1-2 ms, most of a search's own time). A database crash can lose the last
        # fraction of a second of events, never corrupt them; inside a caller's transaction the
        # caller's commit decides, so this is never set there. See docs/architecture.md.
        ctes.append("sc AS (SELECT set_config('synchronous_commit', 'off', true))")
        final += " FROM sc" if event is None else ", sc"
    # Prepared (planned once per connection): every counted page view sends the same few
    # statements, and planning this one took as long as running it.
    with prepared_cursor(connection) as cursor:
        cursor.execute("WITH " + ", ".join(ctes) + " " + final, params)
        return cursor.fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Merging unsettled rows, and rebuilding from the raw events

# table model -> (key columns, {value column: how two values combine})
_MERGED = [
    (
        UsageMonthly,
        ("month", "office_id", "provider_id", "action", "bulk"),
        {"total": "sum", "events": "sum"},
    ),
    (
        UsageMonthlyUser,
        ("month", "office_id", "user_id", "action"),
        {"total": "sum", "events": "sum", "last_at": "max"},
    ),
    (
        UsageMonthlyOffice,
        ("month", "office_id", "action", "bulk", "with_provider"),
        {"total": "sum", "events": "sum"},
    ),
    (
        UsageRequestWait,
        ("month", "office_id", "provider_id"),
        {column: "sum" for column in WAIT_COLUMNS},
    ),
]


def _merge_sql(model, keys, values) -> tuple[str, str]:
    """(SELECT list of the merged values, SET list of the upsert), for this database."""
    table = model._meta.db_table
    picked = ", ".join(f"{how}({col})" for col, how in values.items())
    greatest = "greatest" if connection.vendor == "postgresql" else "max"  # SQLite: scalar max
    combine = {"sum": "{t}.{c} + excluded.{c}", "max": greatest + "({t}.{c}, excluded.{c})"}
    sets = ", ".join(
        f"{col} = " + combine[how].format(t=table, c=col) for col, how in values.items()
    )
    return picked, sets


def _merge(model, keys, values) -> None:
    table = model._meta.db_table
    key_list, value_list = ", ".join(keys), ", ".join(values)
    picked, sets = _merge_sql(model, keys, values)
    upsert = f"ON CONFLICT ({key_list}) WHERE settled DO UPDATE SET {sets}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows deleted are exactly the rows added: one statement, one snapshot, so an
            # unsettled row committed meanwhile is left for the next run, never lost.
            cursor.execute(
                f"WITH moved AS (DELETE FROM {table} WHERE NOT settled "  # noqa: S608
                f"RETURNING {key_list}, {value_list}) "
                f"INSERT INTO {table} ({key_list}, {value_list}, settled) "
                f"SELECT {key_list}, {picked}, true FROM moved GROUP BY {key_list} {upsert}"
            )
            return
        # SQLite (the embedded demo) has one writer at a time: ids up to the highest seen are
        # all committed, so "fold up to top, delete up to top" cannot lose a row.
        cursor.execute(f"SELECT max(id) FROM {table} WHERE NOT settled")  # noqa: S608
        (top,) = cursor.fetchone()
        if top is None:
            return
        cursor.execute(
            f"INSERT INTO {table} ({key_list}, {value_list}, settled) "  # noqa: S608
            f"SELECT {key_list}, {picked}, 1 FROM {table} WHERE NOT settled AND id <= %s "
            f"GROUP BY {key_list} {upsert}",
            [top],
        )
        cursor.execute(f"DELETE FROM {table} WHERE NOT settled AND id <= %s", [top])  # noqa: S608


@transaction.atomic
def usage_rollup() -> int:
    """Merge the unsettled rollup rows into settled ones; returns how many rows were merged.

    Only the number of rows read changes: every figure is a SUM, before and after."""
    unsettled = UsageMonthly.objects.filter(settled=False).count()
    for model, keys, values in _MERGED:
        _merge(model, keys, values)
    return unsettled


# Each statement rebuilds one month (%(month)s, events from %(start)s to %(stop)s) of a table.
_REBUILD = [
    """INSERT INTO stats_usagemonthly
         (month, office_id, provider_id, action, bulk, total, events, settled)
       SELECT %(month)s, coalesce(office_id, 0), coalesce(provider_office_id, 0), action, bulk,
              sum(count), count(*), true
       FROM stats_usageevent WHERE occurred_at >= %(start)s AND occurred_at < %(stop)s
       GROUP BY 2, 3, 4, 5""",
    """INSERT INTO stats_usagemonthlyoffice
         (month, office_id, action, bulk, with_provider, total, events, settled)
       SELECT month, office_id, action, bulk, provider_id > 0, sum(total), sum(events), true
       FROM stats_usagemonthly WHERE month = %(month)s GROUP BY 1, 2, 3, 4, 5""",
    """INSERT INTO stats_usagemonthlyuser
         (month, office_id, user_id, action, total, events, last_at, settled)
       SELECT %(month)s, coalesce(office_id, 0), user_id, action, sum(count), count(*),
              max(occurred_at), true
       FROM stats_usageevent
       WHERE occurred_at >= %(start)s AND occurred_at < %(stop)s
         AND user_id IS NOT NULL AND action <> ALL(%(not_activity)s)
       GROUP BY 2, 3, 4""",
    # Distinct people come from the (much smaller) per-person rows just built.
    """INSERT INTO stats_usagemonthlyactive (month, office_id, kind, user_id)
       SELECT DISTINCT month, office_id, %(any)s, user_id FROM stats_usagemonthlyuser
       WHERE month = %(month)s
       UNION
       SELECT DISTINCT u.month, u.office_id, k.kind, u.user_id
       FROM stats_usagemonthlyuser u
       JOIN unnest(%(kind_actions)s::text[], %(kinds)s::text[]) AS k(action, kind)
         ON k.action = u.action
       WHERE u.month = %(month)s""",
    """INSERT INTO stats_usagemonthlyactive (month, office_id, kind, user_id)
       SELECT DISTINCT month, %(all_offices)s, kind, user_id FROM stats_usagemonthlyactive
       WHERE month = %(month)s""",
    """INSERT INTO stats_usageactivecount (month, office_id, kind, n)
       SELECT month, office_id, kind, count(*) FROM stats_usagemonthlyactive
       WHERE month = %(month)s GROUP BY 1, 2, 3""",
    # The month's bit, cleared before this month's rows were deleted, set again from them.
    _SPAN_UPSERT.format(
        source="SELECT office_id, kind, user_id, %(era)s, %(bit)s::bigint "
        "FROM stats_usagemonthlyactive WHERE month = %(month)s"
    ),
    # Each fulfilment against the latest asking before it: one index probe each
    # (stats_usage_request_made), the same rule as services._asked_at; {buckets} counts the
    # waits of each WAIT_BUCKETS bucket.
    """INSERT INTO stats_usagerequestwait (month, office_id, provider_id, {columns}, settled)
       SELECT %(month)s, f.office_id, f.provider_office_id, {buckets}, true
       FROM stats_usageevent f
       CROSS JOIN LATERAL (
         SELECT extract(day FROM f.occurred_at - a.occurred_at)::int AS days
         FROM stats_usageevent a
         WHERE a.action = %(made)s AND a.office_id = f.office_id
           AND a.provider_office_id = f.provider_office_id
           AND a.application_id = f.application_id AND a.occurred_at <= f.occurred_at
         ORDER BY a.occurred_at DESC LIMIT 1
       ) w
       WHERE f.occurred_at >= %(start)s AND f.occurred_at < %(stop)s
         AND f.action = %(fulfilled)s AND f.office_id IS NOT NULL
         AND f.provider_office_id IS NOT NULL
       GROUP BY 2, 3""".format(  # noqa: S608 - our own column names and integers
        columns=", ".join(WAIT_COLUMNS),
        buckets=", ".join(
            f"count(*) FILTER (WHERE w.days >= {low}"
            + (f" AND w.days <= {high})" if high is not None else ")")
            for low, high in WAIT_BUCKETS
        ),
    ),
]
_ROLLUP_TABLES = [
    UsageMonthly,
    UsageMonthlyOffice,
    UsageMonthlyUser,
    UsageMonthlyActive,
    UsageActiveCount,
    UsageRequestWait,
]


def _months_to_rebuild() -> list[date]:
    """Every month with an event or a rollup row, first to last."""
    found = []
    span = UsageEvent.objects.aggregate(
        first=models.Min("occurred_at"), last=models.Max("occurred_at")
    )
    found += [month_of(moment) for moment in span.values() if moment is not None]
    for model in _ROLLUP_TABLES:
        span = model.objects.aggregate(first=models.Min("month"), last=models.Max("month"))
        found += [month for month in span.values() if month is not None]
    if not found:
        return []
    months, month = [], min(found)
    while month <= max(found):
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def usage_rollup_rebuild() -> None:
    """Recompute every rollup from the raw events, set-based (after a bulk load, a repair or
    a change of TIME_ZONE), one month per transaction: about a minute for 10 M events on a
    small machine, and no transaction longer than one month's share. While a month is rebuilt
    new events wait (SHARE lock on the ledger, a second or two) and pages read that month's
    new rows once it commits; other months keep their figures meanwhile."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for model in [*_ROLLUP_TABLES, UsageActiveSpan]:
                model.objects.all().delete()
            for event in UsageEvent.objects.order_by("pk").iterator():
                _rollups_add(event)
            usage_rollup()
        return
    params = {
        "tz": settings.TIME_ZONE,
        "not_activity": [str(a) for a in NOT_ACTIVITY],
        "any": str(ActiveKind.ANY),
        "all_offices": UsageActiveCount.ALL_OFFICES,
        "kind_actions": [str(a) for a in ACTIVE_KIND_OF],
        "kinds": [str(k) for k in ACTIVE_KIND_OF.values()],
        "made": str(Action.REQUEST_MADE),
        "fulfilled": str(Action.REQUEST_FULFILLED),
    }
    tz = portal_tz()
    for month in _months_to_rebuild():
        start = datetime(month.year, month.month, 1, tzinfo=tz)
        stop = datetime.combine((month + timedelta(days=32)).replace(day=1), time.min, tzinfo=tz)
        with transaction.atomic(), connection.cursor() as cursor:
            # Writers wait until the month commits: every event is then either in the rebuilt
            # rows or recorded afterwards with its own unsettled rows, never both or neither.
            cursor.execute(f"LOCK TABLE {UsageEvent._meta.db_table} IN SHARE MODE")
            era, bit = UsageActiveSpan.bit_of(month)
            cursor.execute(
                "UPDATE stats_usageactivespan SET months = months & ~%s::bigint "
                "WHERE era = %s AND months & %s::bigint <> 0",
                [bit, era, bit],
            )
            for model in _ROLLUP_TABLES:
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE month = %s", [month])  # noqa: S608
            for statement in _REBUILD:
                cursor.execute(
                    statement,
                    {
                        **params,
                        "month": month,
                        "start": start,
                        "stop": stop,
                        "era": era,
                        "bit": bit,
                    },
                )
