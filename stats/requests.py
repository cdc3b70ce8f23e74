"""Who asked whom for documents, and how it went: read from the usage ledger.

The requests issue records each step of a document request as a usage event (stats never
imports notifications): REQUEST_MADE with office = the asking office and provider_office = the
office asked, and REQUEST_FULFILLED / REQUEST_DECLINED / REQUEST_EXPIRED with the same pair.
Counts come from the rollups (usage_sums); the time to fulfil pairs each fulfilment with the
latest REQUEST_MADE of the same pair and application before it (an office has at most one
active request per application, so that is the request that was fulfilled).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from statistics import median

from django.db.models import OuterRef, Q, Subquery

from offices.models import Office

from .ledger import Period, usage_sums
from .models import Action, UsageEvent

REQUEST_ACTIONS = {
    Action.REQUEST_MADE: "asked",
    Action.REQUEST_FULFILLED: "fulfilled",
    Action.REQUEST_DECLINED: "declined",
    Action.REQUEST_EXPIRED: "expired",
}
REQUEST_COLUMNS = [
    ("asked", "Asked"),
    ("fulfilled", "Fulfilled"),
    ("declined", "Declined"),
    ("expired", "Expired"),
    ("median_days", "Median days to fulfil"),
]


@dataclass
class RequestPair:
    asking: Office
    providing: Office
    asked: int = 0
    fulfilled: int = 0
    declined: int = 0
    expired: int = 0
    waits: list[timedelta] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return _median_days(self.waits)

    def values(self) -> list:
        return [getattr(self, key) for key, _ in REQUEST_COLUMNS]


def _median_days(waits: list[timedelta]) -> float | None:
    if not waits:
        return None
    return round(median(w.total_seconds() for w in waits) / 86400, 1)


@dataclass
class RequestMatrix:
    pairs: list[RequestPair]

    def totals(self) -> list:
        out = [sum(getattr(p, key) for p in self.pairs) for key, _ in REQUEST_COLUMNS[:-1]]
        return [*out, _median_days([w for p in self.pairs for w in p.waits])]


def request_waits(period: Period, *, office: Office | None) -> dict[tuple[int, int], list]:
    """Time from asking to fulfilment of the requests fulfilled in the period, per pair."""
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
    fulfilled = UsageEvent.objects.filter(
        action=Action.REQUEST_FULFILLED,
        occurred_at__gte=period.start_at,
        occurred_at__lt=period.stop_at,
        office_id__isnull=False,
        provider_office_id__isnull=False,
    )
    if office is not None:
        fulfilled = fulfilled.filter(Q(office_id=office.pk) | Q(provider_office_id=office.pk))
    rows = (
        fulfilled.annotate(asked_at=Subquery(asked_at))
        .values_list("office_id", "provider_office_id", "occurred_at", "asked_at")
        .order_by()
    )
    out: dict[tuple[int, int], list] = {}
    for a, p, done, asked in rows:
        if asked is not None:
            out.setdefault((a, p), []).append(done - asked)
    return out


def request_matrix_get(period: Period, *, office: Office | None) -> RequestMatrix:
    """Asking office x office asked: one line per pair with any request figure in the period.

    An office admin sees only the pairs its office is part of.
    """
    sums = usage_sums(
        period,
        by=("office", "provider", "action"),
        either=office.pk if office else None,
        actions=list(REQUEST_ACTIONS),
        pairs=True,
    )
    waits = request_waits(period, office=office)
    offices = {o.pk: o for o in Office.objects.all()}
    pairs: dict[tuple[int, int], RequestPair] = {}
    for (a, p, action), n in sums.items():
        if a in offices and p in offices and n:
            pair = pairs.setdefault((a, p), RequestPair(offices[a], offices[p]))
            setattr(pair, REQUEST_ACTIONS[action], getattr(pair, REQUEST_ACTIONS[action]) + n)
    for key, found in waits.items():
        if key in pairs:
            pairs[key].waits = found
    ordered = sorted(pairs.values(), key=lambda pr: (-pr.asked, pr.asking.code, pr.providing.code))
    return RequestMatrix(pairs=ordered)
