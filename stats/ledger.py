"""Reads of the usage ledger: the monthly rollups only, never the raw events.

usage_record() writes each event's rollup rows in the event's own transaction (settled or not,
see stats/services.py), so a SUM over the rollup rows of a period is exact at any moment. The
queries of one page go through `read_all()` so that they all see the same events.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from time import monotonic

import psycopg
from django.db import connections, router, transaction
from django.db.models import BigIntegerField, Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import dateformat
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from offices.models import Office

from . import models
from .services import portal_tz

MAX_MONTHS = 120


def month_name(month: date) -> str:
    """ "December 2026", "décembre 2026": the month's name in the reader's language."""
    return dateformat.format(month, "F Y")


def month_add(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months in the portal's time zone, `first` to `last` inclusive (first days)."""

    first: date
    last: date

    @classmethod
    def last_months(cls, n: int = 12, *, today: date | None = None) -> "Period":
        if today is None:
            today = datetime.now(tz=portal_tz()).date()
        last = today.replace(day=1)
        return cls(month_add(last, -(n - 1)), last)

    @property
    def months(self) -> list[date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = month_add(month, 1)
        return out

    @property
    def stop_day(self) -> date:
        """First day after the period (exclusive bound)."""
        return month_add(self.last, 1)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=portal_tz())

    @property
    def stop_at(self) -> datetime:
        return datetime.combine(self.stop_day, time.min, tzinfo=portal_tz())

    @property
    def label(self) -> str:
        if self.first == self.last:
            return date_format(self.first, "F Y")  # month names in the reader's language
        return f"{date_format(self.first, 'F Y')} – {date_format(self.last, 'F Y')}"

    @property
    def slug(self) -> str:
        return f"{self.first:%Y-%m}_{self.last:%Y-%m}"


# ---------------------------------------------------------------------------------------------
# Rollup reads


@contextmanager
def snapshot() -> Iterator[None]:
    """Read everything inside one REPEATABLE READ snapshot (PostgreSQL, outermost only)."""
    db = router.db_for_read(models.UsageEvent)  # the replica when one is configured
    connection = connections[db]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=db):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


_FIELDS = {"office": "office_id", "provider": "provider_id", "action": "action", "bulk": "bulk"}


def _where(*, office=None, provider=None, either=None, actions=None, pairs=False) -> Q:
    q = Q()
    if office is not None:
        q &= Q(office_id=office)
    if provider is not None:
        q &= Q(provider_id=provider)
    if either is not None:
        q &= Q(office_id=either) | Q(provider_id=either)
    if actions is not None:
        q &= Q(action__in=list(actions))
    if pairs:  # both offices known: the uses that belong in the office x office matrix
        q &= Q(office_id__gt=0, provider_id__gt=0)
    return q


def _source(by: tuple[str, ...], filters: dict):
    """UsageMonthlyOffice (no providing office: a tenth of the rows) unless the providing
    office is asked for, by name or through a filter."""
    if "provider" in by or any(filters.get(k) is not None for k in ("provider", "either")):
        return models.UsageMonthly.objects.filter(_where(**filters))
    pairs = filters.pop("pairs", False)
    rows = models.UsageMonthlyOffice.objects.filter(_where(**filters))
    return rows.filter(office_id__gt=0, with_provider=True) if pairs else rows


@dataclass
class Read:
    """One query of a page and how its rows become a figure: read_all() sends a page's reads
    together. `queryset` (evaluated by the ORM off PostgreSQL) or plain `sql` and `params`."""

    convert: Callable[[list[tuple]], object]
    queryset: object = None
    sql: str = ""
    params: list = field(default_factory=list)
    # A small lookup whose plan does not depend on its values (by an office, a user, a few
    # months): on PostgreSQL its written-out SQL is a prepared statement, planned once per
    # connection. Not for the rollup sums: a generic plan cannot use the partial index and
    # read them 2-4 times slower.
    prepared: bool = False


def read_all(*reads: Read) -> list:
    """The reads' figures, in order, all from one snapshot of the ledger (read_rows)."""
    return reads_convert(reads, read_rows(*reads))


def reads_convert(reads, rows: list) -> list:
    """Each read's figure from its rows as read_rows gave them."""
    return [read.convert(found) for read, found in zip(reads, rows, strict=True)]


# psycopg prepares a statement after this many runs unless told to at once (prepare=True).
_PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def read_rows(*reads: Read) -> list:
    """The reads' rows, in order, all from one snapshot of the ledger. On PostgreSQL in one
    round trip (psycopg pipeline mode), the REPEATABLE READ transaction's BEGIN and COMMIT
    included: a page's dozen small queries would otherwise wait on the database a dozen
    times. Inside a caller's transaction they read in that transaction."""
    connection = connections[router.db_for_read(models.UsageEvent)]
    if connection.vendor != "postgresql":
        with snapshot():
            return [_read_one(connection, read) for read in reads]
    statements = [
        read.queryset.query.sql_with_params()
        if read.queryset is not None
        else (read.sql, read.params)
        for read in reads
    ]
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparing off for the connection (poolers); its own cursors bind on the
        # client and never prepare, so this only lets the reads below that ask for it.
        raw.prepare_threshold = _PREPARE_ONLY_WHEN_ASKED
    began = monotonic()
    own = not connection.in_atomic_block  # Django's autocommit: no transaction open
    with connection.wrap_database_errors:
        try:
            with raw.pipeline():
                if own:
                    raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursors = []
                for read, (sql, params) in zip(reads, statements, strict=True):
                    if read.prepared and read.queryset is None:
                        cursor = psycopg.Cursor(raw)  # values bound by the server
                        cursor.execute(sql, params, prepare=True)
                    else:
                        cursor = raw.cursor()
                        cursor.execute(sql, params)
                    cursors.append(cursor)
                if own:
                    raw.execute("COMMIT")
        except Exception:
            if own:
                raw.execute("ROLLBACK")
            raise
        rows = [cursor.fetchall() for cursor in cursors]
    if connection.queries_logged:  # what Django's own cursor would log (debug, query tests)
        took = f"{(monotonic() - began) / len(cursors):.3f}"
        writer = psycopg.ClientCursor(raw)
        for sql, params in statements:
            connection.queries_log.append({"sql": writer.mogrify(sql, params), "time": took})
        writer.close()
    for cursor in cursors:
        cursor.close()
    return rows


def reads_compiled(reads: list[Read]) -> list[Read]:
    """The reads with their SQL written out once (PostgreSQL): a page that keeps its reads
    (stats/selectors.py) then no longer pays the ORM's compiling on every view. Off
    PostgreSQL the querysets are kept (read_rows evaluates a fresh copy each time)."""
    if connections[router.db_for_read(models.UsageEvent)].vendor != "postgresql":
        return reads
    out = []
    for read in reads:
        if read.queryset is not None:
            sql, params = read.queryset.query.sql_with_params()
            read = Read(read.convert, sql=sql, params=list(params), prepared=read.prepared)
        out.append(read)
    return out


def _read_one(connection, read: Read):
    if read.queryset is not None:
        return list(read.queryset.all())  # a fresh copy: a kept queryset caches its rows
    with connection.cursor() as cursor:
        cursor.execute(read.sql, read.params)
        return cursor.fetchall()


def models_read(queryset, *, related: tuple[str, ...] = ()) -> Read:
    """A queryset of model instances as a Read (its rows made into instances again); the
    foreign keys in `related` must be the queryset's select_related ones, in its order (their
    columns follow the model's)."""
    model = queryset.model
    names = [field.attname for field in model._meta.concrete_fields]
    joined = []
    for name in related:
        other = model._meta.get_field(name).related_model
        joined.append((name, other, [field.attname for field in other._meta.concrete_fields]))
    db = queryset.db

    def instances(rows):
        if rows and not isinstance(rows[0], tuple):
            return rows  # the ORM's own instances (off PostgreSQL)
        out = []
        for row in rows:
            item = model.from_db(db, names, row[: len(names)])
            at = len(names)
            for name, other, columns in joined:
                values = row[at : at + len(columns)]
                at += len(columns)
                setattr(item, name, other.from_db(db, columns, values) if values[0] else None)
            out.append(item)
        return out

    return Read(instances, queryset, prepared=True)


def usage_sums_read(
    period: Period,
    *,
    by: tuple[str, ...],
    monthly: bool = False,
    measure: str = "total",
    **filters,
) -> Read:
    """Sum of UsageEvent.count (measure "total"), number of events ("events") or both as a
    pair ("both"), grouped by `by` (+ month first when `monthly`): one rollup query."""
    names = [_FIELDS[name] for name in by]
    if monthly:
        names = ["month", *names]
    rows = _source(by, dict(filters)).filter(month__gte=period.first, month__lte=period.last)
    # As bigint: a SUM of bigints is a numeric, read as a Decimal each (a third of the fetch).
    rows = (
        rows.values_list(*names)
        .annotate(
            total_sum=Cast(Sum("total"), BigIntegerField()),
            events_sum=Cast(Sum("events"), BigIntegerField()),
        )
        .order_by()
    )
    width = len(names)
    pick = {"total": lambda r: int(r[width]), "events": lambda r: int(r[width + 1])}.get(
        measure, lambda r: (int(r[width]), int(r[width + 1]))
    )
    return Read(lambda found: {tuple(row[:width]): pick(row) for row in found}, rows)


def usage_sums(period: Period, *, by: tuple[str, ...], **options) -> dict[tuple, int]:
    """usage_sums_read, read on its own."""
    return read_all(usage_sums_read(period, by=by, **options))[0]


# Kinds of active users: (key, label, kind) in the order of the figures active_users() gives.
ACTIVE_KINDS = [
    ("active_users", gettext_lazy("Active users"), models.ActiveKind.ANY),
    ("active_login", gettext_lazy("Active users who logged in"), models.ActiveKind.LOGIN),
    ("active_search", gettext_lazy("Active users who searched"), models.ActiveKind.SEARCH),
    (
        "active_retrieve",
        gettext_lazy("Active users who retrieved documents"),
        models.ActiveKind.RETRIEVE,
    ),
]
_KIND_INDEX = {kind: i for i, (_key, _label, kind) in enumerate(ACTIVE_KINDS)}


def active_users_read(
    period: Period,
    *,
    office: Office | None,
    monthly: bool,
    by_office: bool = False,
    kinds: list[str] | None = None,
) -> Read:
    """Distinct people who used the portal, per month (or over the period): key -> one figure
    per ACTIVE_KINDS (any use, logged in, searched, retrieved; 0 for a kind not in `kinds`).
    Key is (month,), (office id,) or () as asked.

    A month's figure is a UsageActiveCount row. Over a period a person active in several
    months counts once: the UsageActiveSpan rows (one per person and kind, their active months
    as bits) whose bits meet the period's (for all offices the ALL_OFFICES rows, where a person
    who moved counts once).
    """
    if monthly:
        rows = models.UsageActiveCount.objects.filter(
            month__gte=period.first, month__lte=period.last
        )
    else:
        rows = _in_period(models.UsageActiveSpan.objects.all(), period)
    keys = ["month"] if monthly else []
    if by_office:
        rows = rows.filter(office_id__gte=0)
        keys.append("office_id")
    else:
        rows = rows.filter(office_id=office.pk if office else models.UsageActiveCount.ALL_OFFICES)
    if kinds is not None:
        rows = rows.filter(kind__in=[str(kind) for kind in kinds])
    if monthly:
        found = rows.values_list(*keys, "kind", "n")
    else:
        found = rows.values_list(*keys, "kind").annotate(Count("user_id", distinct=True))
    return Read(_by_kind, found.order_by(), prepared=True)


def _by_kind(found) -> dict[tuple, tuple[int, ...]]:
    out: dict[tuple, list[int]] = {}
    for *key, kind, figure in found:
        out.setdefault(tuple(key), [0] * len(ACTIVE_KINDS))[_KIND_INDEX[kind]] += figure
    return {key: tuple(figures) for key, figures in out.items() if figures[0]}


def active_users(period: Period, **options) -> dict[tuple, tuple[int, ...]]:
    """active_users_read, read on its own."""
    return read_all(active_users_read(period, **options))[0]


def _in_period(rows, period: Period):
    """UsageActiveSpan rows with a bit in the period (per era, months & mask > 0; bits stop
    at 59, so the AND of positive integers is never negative)."""
    masks: dict[int, int] = {}
    for month in period.months:
        era, bit = models.UsageActiveSpan.bit_of(month)
        masks[era] = masks.get(era, 0) | bit
    hit = Case(
        *(When(era=era, then=F("months").bitand(mask)) for era, mask in masks.items()),
        default=Value(0),
        output_field=BigIntegerField(),
    )
    return rows.filter(era__in=list(masks)).alias(hit=hit).filter(hit__gt=0)
