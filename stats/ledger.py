"""Reads of the usage ledger: the monthly rollups only, never the raw events.

usage_record() writes each event's rollup rows in the event's own transaction (settled or not,
see stats/services.py), so a SUM over the rollup rows of a period is exact at any moment. The
queries of one page run inside `snapshot()` so that they all see the same events.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connections, router, transaction
from django.db.models import Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from offices.models import Office

from . import models
from .services import portal_tz

MAX_MONTHS = 120


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


def usage_sums(
    period: Period,
    *,
    by: tuple[str, ...],
    monthly: bool = False,
    measure: str = "total",
    **filters,
) -> dict[tuple, int]:
    """Sum of UsageEvent.count (measure "total"), number of events ("events") or both as a
    pair ("both"), grouped by `by` (+ month first when `monthly`): one rollup query."""
    names = [_FIELDS[name] for name in by]
    if monthly:
        names = ["month", *names]
    rows = _source(by, dict(filters)).filter(month__gte=period.first, month__lte=period.last)
    if names:
        rows = rows.values_list(*names).annotate(Sum("total"), Sum("events")).order_by()
    else:
        found = rows.aggregate(t=Sum("total"), e=Sum("events"))
        rows = [(found["t"], found["e"])] if found["t"] is not None else []
    width = len(names)
    pick = {"total": lambda r: r[width], "events": lambda r: r[width + 1]}.get(
        measure, lambda r: (r[width], r[width + 1])
    )
    return {tuple(row[:width]): pick(row) for row in rows}


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


def active_users(
    period: Period, *, office: Office | None, monthly: bool, by_office: bool = False
) -> dict[tuple, tuple[int, ...]]:
    """Distinct people who used the portal, per month (or over the period): key -> one figure
    per ACTIVE_KINDS (any use, logged in, searched, retrieved). Key is (month,), (office id,)
    or () as asked.

    A month's figure is a UsageActiveCount row. Over a period a person active in several
    months counts once: COUNT(DISTINCT) over UsageMonthlyActive, one row per person, month and
    kind (for all offices the ALL_OFFICES rows, where a person who moved counts once).
    """
    if monthly:
        rows = models.UsageActiveCount.objects.filter(
            month__gte=period.first, month__lte=period.last
        )
        keys = ["month"]
    else:
        rows = models.UsageMonthlyActive.objects.filter(
            month__gte=period.first, month__lte=period.last
        )
        keys = []
    if by_office:
        rows = rows.filter(office_id__gte=0)
        keys.append("office_id")
    else:
        rows = rows.filter(office_id=office.pk if office else models.UsageActiveCount.ALL_OFFICES)
    if monthly:
        found = rows.values_list(*keys, "kind", "n")
    else:
        found = _distinct_people(rows, keys)
    out: dict[tuple, list[int]] = {}
    for *key, kind, figure in found:
        out.setdefault(tuple(key), [0] * len(ACTIVE_KINDS))[_KIND_INDEX[kind]] += figure
    return {key: tuple(figures) for key, figures in out.items() if figures[0]}


def _distinct_people(rows, keys: list[str]) -> list[tuple]:
    """(*keys, kind, people) for the rows: SELECT count(*) FROM (SELECT DISTINCT ...), which
    PostgreSQL hashes, where COUNT(DISTINCT) would sort each group."""
    inner = rows.values(*keys, "kind", "user_id").distinct().order_by()
    sql, params = inner.query.sql_with_params()
    cols = ", ".join(f"x.{connections[rows.db].ops.quote_name(c)}" for c in [*keys, "kind"])
    statement = f"SELECT {cols}, count(*) FROM ({sql}) x GROUP BY {cols}"  # noqa: S608
    with connections[rows.db].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()
