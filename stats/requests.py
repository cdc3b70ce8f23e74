"""Who asked whom for documents, and how it went: read from the usage ledger.

The requests issue records each step of a document request as a usage event (stats never
imports notifications): REQUEST_MADE with office = the asking office and provider_office = the
office asked, and REQUEST_FULFILLED / REQUEST_DECLINED / REQUEST_EXPIRED with the same pair.
Counts come from the rollups (usage_sums); the time to fulfil from UsageRequestWait, a
histogram of whole days that usage_record() keeps for each fulfilment, so the median is exact
to the day without reading the raw events.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from offices.models import Office

from .ledger import Period, usage_sums
from .models import Action, UsageRequestWait

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
    waits: Counter = field(default_factory=Counter)  # whole days -> fulfilments

    @property
    def median_days(self) -> float | None:
        return _median_days(self.waits)

    def values(self) -> list:
        return [getattr(self, key) for key, _ in REQUEST_COLUMNS]


def _median_days(waits: Counter) -> float | None:
    """Median of a days histogram (the mean of the two middle ones for an even count)."""
    total = sum(waits.values())
    if not total:
        return None
    middle, seen, found = ((total - 1) // 2, total // 2), 0, []
    for days in sorted(waits):
        lo, seen = seen, seen + waits[days]
        found += [days for m in middle if lo <= m < seen]
    return round(sum(found) / 2, 1)


@dataclass
class RequestMatrix:
    pairs: list[RequestPair]

    def totals(self) -> list:
        out = [sum(getattr(p, key) for p in self.pairs) for key, _ in REQUEST_COLUMNS[:-1]]
        return [*out, _median_days(sum((p.waits for p in self.pairs), Counter()))]


def request_waits(period: Period, *, office: Office | None) -> dict[tuple[int, int], Counter]:
    """Whole days from asking to fulfilment of the requests fulfilled in the period, per pair:
    (asking, asked) -> Counter(days -> fulfilments)."""
    rows = UsageRequestWait.objects.filter(month__gte=period.first, month__lte=period.last)
    if office is not None:
        rows = rows.filter(Q(office_id=office.pk) | Q(provider_id=office.pk))
    out: dict[tuple[int, int], Counter] = {}
    for a, p, days, n in rows.values_list("office_id", "provider_id", "days", "n"):
        out.setdefault((a, p), Counter())[days] += n
    return out


def request_sums(period: Period, *, office: Office | None, actions=()) -> dict[tuple, int]:
    """(asking, asked, action) -> events, for the request actions and any further `actions`
    (the page reads the matrix's document uses in the same query)."""
    return usage_sums(
        period,
        by=("office", "provider", "action"),
        either=office.pk if office else None,
        actions=[*REQUEST_ACTIONS, *actions],
        pairs=True,
    )


def request_matrix_build(
    sums: dict[tuple, int], waits: dict[tuple[int, int], Counter], offices: dict[int, Office]
) -> RequestMatrix:
    """Asking office x office asked: one line per pair with any request figure in the period."""
    pairs: dict[tuple[int, int], RequestPair] = {}
    for (a, p, action), n in sums.items():
        key = REQUEST_ACTIONS.get(action)
        if key and a in offices and p in offices and n:
            pair = pairs.setdefault((a, p), RequestPair(offices[a], offices[p]))
            setattr(pair, key, getattr(pair, key) + n)
    for key, found in waits.items():
        if key in pairs:
            pairs[key].waits = found
    ordered = sorted(pairs.values(), key=lambda pr: (-pr.asked, pr.asking.code, pr.providing.code))
    return RequestMatrix(pairs=ordered)


def request_matrix_get(period: Period, *, office: Office | None) -> RequestMatrix:
    """The requests matrix on its own; an office admin sees only the pairs its office is in."""
    return request_matrix_build(
        request_sums(period, office=office),
        request_waits(period, office=office),
        {o.pk: o for o in Office.objects.all()},
    )
