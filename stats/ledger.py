"""Reads of the usage ledger: monthly rollups plus the not-yet-rolled tail, one snapshot.

Every figure is `rollup rows in the period + tail events in the period`, where the tail is the
events still named in UsagePending (see stats/services.py). Both parts are read inside
`snapshot()` so a rollup committing between two queries cannot count an event twice or not at all.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connections, router, transaction
from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from offices.models import Office

from .models import Action, UsageEvent, UsageMonthly, UsageMonthlyUser, UsagePending
from .services import NOT_ACTIVITY, portal_tz

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
# Rollup + tail


# Within one snapshot the lowest pending id cannot change: look it up once, not per query.
_lowest_pending: ContextVar[dict | None] = ContextVar("stats_lowest_pending", default=None)


@contextmanager
def snapshot() -> Iterator[None]:
    """Read everything inside one REPEATABLE READ snapshot (PostgreSQL, outermost only)."""
    db = router.db_for_read(UsageEvent)  # the replica when one is configured
    connection = connections[db]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=db):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        token = _lowest_pending.set({})
        try:
            yield
        finally:
            _lowest_pending.reset(token)


# logical name -> (UsageMonthly field, UsageEvent field)
_FIELDS = {
    "office": ("office_id", "office_id"),
    "provider": ("provider_id", "provider_office_id"),
    "action": ("action", "action"),
    "bulk": ("bulk", "bulk"),
}


def _where(src: int, *, office=None, provider=None, either=None, actions=None, pairs=False) -> Q:
    """One filter, spelled for the rollup (src 0) or the raw tail (src 1)."""
    office_f, provider_f = _FIELDS["office"][src], _FIELDS["provider"][src]
    q = Q()
    if office is not None:
        q &= Q(**{office_f: office})
    if provider is not None:
        q &= Q(**{provider_f: provider})
    if either is not None:
        q &= Q(**{office_f: either}) | Q(**{provider_f: either})
    if actions is not None:
        q &= Q(action__in=list(actions))
    if pairs:  # both offices known: the uses that belong in the office x office matrix
        q &= Q(**{f"{office_f}__gt": 0}) if src == 0 else Q(**{f"{office_f}__isnull": False})
        q &= Q(**{f"{provider_f}__gt": 0}) if src == 0 else Q(**{f"{provider_f}__isnull": False})
    return q


def _tail_events(period: Period):
    """Events named in UsagePending, within the period.

    The tail is the newest events by id (even when backdated with `when=`), so the lowest pending
    id, given as a literal, lets PostgreSQL walk the primary key from there instead of scanning
    the period's events on the occurred_at index and semi-joining them.
    """
    memo = _lowest_pending.get()
    if memo is not None and "id" in memo:
        lowest = memo["id"]
    else:
        lowest = UsagePending.objects.order_by("event_id").values_list("event_id", flat=True)
        lowest = lowest.first()
        if memo is not None:
            memo["id"] = lowest
    if lowest is None:
        return UsageEvent.objects.none()
    return UsageEvent.objects.filter(
        pk__gte=lowest,
        pk__in=UsagePending.objects.values("event_id"),
        occurred_at__gte=period.start_at,
        occurred_at__lt=period.stop_at,
    ).order_by()


def _as_month(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def usage_sums(
    period: Period,
    *,
    by: tuple[str, ...],
    monthly: bool = False,
    measure: str = "total",
    **filters,
) -> dict[tuple, int]:
    """Sum of UsageEvent.count (measure "total") or number of events (measure "events")
    grouped by `by` (+ month first when `monthly`), rollup + tail."""
    tz = portal_tz()
    rolled = UsageMonthly.objects.filter(
        _where(0, **filters), month__gte=period.first, month__lte=period.last
    )
    tail = _tail_events(period).filter(_where(1, **filters))
    names0 = [_FIELDS[name][0] for name in by]
    names1 = [_FIELDS[name][1] for name in by]
    if monthly:
        tail = tail.annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        names0, names1 = ["month", *names0], ["month", *names1]
    rolled_n = Sum("events" if measure == "events" else "total")
    tail_n = Count("id") if measure == "events" else Sum("count")
    out: dict[tuple, int] = defaultdict(int)
    for qs, names, total in ((rolled, names0, rolled_n), (tail, names1, tail_n)):
        for row in qs.values(*names).annotate(n=total).order_by():
            key = []
            for name in names:
                value = row[name]
                if name == "month":
                    value = _as_month(value)
                elif value is None and name in ("office_id", "provider_office_id"):
                    value = 0
                key.append(value)
            out[tuple(key)] += row["n"]
    return dict(out)


# Kinds of active users: (key, label, actions or None for "any use of the portal").
ACTIVE_KINDS = [
    ("active_users", gettext_lazy("Active users"), None),
    ("active_login", gettext_lazy("Active users who logged in"), (Action.LOGIN,)),
    ("active_search", gettext_lazy("Active users who searched"), (Action.SEARCH,)),
    (
        "active_retrieve",
        gettext_lazy("Active users who retrieved documents"),
        (Action.FAMILY_VIEW, Action.DOCUMENT_VIEW, Action.DOCUMENT_DOWNLOAD),
    ),
]


def active_users(
    period: Period, *, office: Office | None, monthly: bool, by_office: bool = False
) -> dict[tuple, tuple[int, ...]]:
    """Distinct people who used the portal, per month (or over the period), rollup + tail:
    key -> one figure per ACTIVE_KINDS (any use, logged in, searched, retrieved).

    One COUNT(DISTINCT) per kind over `rollup rows UNION ALL tail rows`, so a person seen in
    both is counted once.
    """
    month = Cast(TruncMonth("occurred_at", tzinfo=portal_tz()), DateField())
    rolled = UsageMonthlyUser.objects.filter(month__gte=period.first, month__lte=period.last)
    tail = _tail_events(period).filter(user_id__isnull=False).exclude(action__in=NOT_ACTIVITY)
    if office is not None:
        rolled = rolled.filter(office_id=office.pk)
        tail = tail.filter(office_id=office.pk)
    picked_cols = {"m": F("month"), "o": F("office_id"), "u": F("user_id"), "a": F("action")}
    rolled = rolled.annotate(**picked_cols).values("m", "o", "u", "a")
    tail = tail.annotate(
        m=month, o=Coalesce("office_id", Value(0)), u=F("user_id"), a=F("action")
    ).values("m", "o", "u", "a")
    keys = [k for k, wanted in (("m", monthly), ("o", by_office)) if wanted]
    sql, params = rolled.order_by().union(tail.order_by(), all=True).query.sql_with_params()
    counts, count_params = [], []
    for _key, _label, actions in ACTIVE_KINDS:
        if actions is None:
            counts.append("COUNT(DISTINCT u)")
        else:
            marks = ", ".join(["%s"] * len(actions))
            counts.append(f"COUNT(DISTINCT CASE WHEN a IN ({marks}) THEN u END)")
            count_params += [str(a) for a in actions]
    picked = "".join(f"{k}, " for k in keys)
    group = f" GROUP BY {', '.join(keys)}" if keys else ""
    statement = f"SELECT {picked}{', '.join(counts)} FROM ({sql}) AS x{group}"  # noqa: S608
    with connections[router.db_for_read(UsageEvent)].cursor() as cursor:
        cursor.execute(statement, [*count_params, *params])
        rows = cursor.fetchall()
    width = len(ACTIVE_KINDS)
    return {
        tuple(_as_month(v) if isinstance(v, datetime) else v for v in row[:-width]): tuple(
            row[-width:]
        )
        for row in rows
        if row[-width]
    }
