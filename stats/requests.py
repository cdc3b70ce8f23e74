"""Who asked whom for documents, and how it went: read from the usage ledger.

The requests issue records each step of a document request as a usage event (stats never
imports notifications): REQUEST_MADE with office = the asking office and provider_office = the
office asked, and REQUEST_FULFILLED / REQUEST_DECLINED / REQUEST_EXPIRED with the same pair.
Counts come from the rollups (usage_sums); the time to fulfil from UsageRequestWait, a
histogram of whole days that usage_rollup() folds (services.request_waits_count), plus the
tail's fulfilments, so the median is exact to the day without reading the raw events.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy

from offices.models import Office

from .ledger import Period, _tail_events, usage_sums
from .models import Action, UsageRequestWait
from .services import request_waits_count

REQUEST_ACTIONS = {
    Action.REQUEST_MADE: "asked",
    Action.REQUEST_FULFILLED: "fulfilled",
    Action.REQUEST_DECLINED: "declined",
    Action.REQUEST_EXPIRED: "expired",
}
REQUEST_COLUMNS = [
    ("asked", gettext_lazy("Asked")),
    ("fulfilled", gettext_lazy("Fulfilled")),
    ("declined", gettext_lazy("Declined")),
    ("expired", gettext_lazy("Expired")),
    ("median_days", gettext_lazy("Median days to fulfil")),
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
    (asking, asked) -> Counter(days -> fulfilments). Rollup + tail, like every other figure."""
    rolled = UsageRequestWait.objects.filter(month__gte=period.first, month__lte=period.last)
    tail = _tail_events(period)
    if office is not None:
        rolled = rolled.filter(Q(office_id=office.pk) | Q(provider_id=office.pk))
        tail = tail.filter(Q(office_id=office.pk) | Q(provider_office_id=office.pk))
    out: dict[tuple[int, int], Counter] = {}
    for a, p, days, n in rolled.values_list("office_id", "provider_id", "days", "n"):
        out.setdefault((a, p), Counter())[days] += n
    for (_month, a, p, days), n in request_waits_count(tail).items():
        out.setdefault((a, p), Counter())[days] += n
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
