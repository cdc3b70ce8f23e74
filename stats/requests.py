"""Who asked whom for documents, and how it went: read from the usage ledger.

The requests issue records each step of a document request as a usage event (stats never
imports notifications): REQUEST_MADE with office = the asking office and provider_office = the
office asked, and REQUEST_FULFILLED / REQUEST_DECLINED / REQUEST_EXPIRED with the same pair.
Counts come from the rollups (usage_sums); the time to fulfil from UsageRequestWait, a
histogram of whole days that usage_record() keeps for each fulfilment (one row per pair and
month, a column per bucket: models.WAIT_BUCKETS); the medians are worked out from the period's
sums per pair, exact to the day up to EXACT_WAIT_DAYS, without reading the raw events.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from offices.models import Office

from .ledger import Period, Read, read_all, usage_sums_read
from .models import WAIT_BUCKETS, WAIT_COLUMNS, Action, UsageRequestWait

# Each counted step of a request: its column of the matrix, the column's heading and the action
# it counts. One row a step, so a column and the events it counts cannot drift apart.
_COUNTED_STEPS = [
    ("asked", gettext_lazy("Asked"), Action.REQUEST_MADE),
    ("fulfilled", gettext_lazy("Fulfilled"), Action.REQUEST_FULFILLED),
    ("declined", gettext_lazy("Declined"), Action.REQUEST_DECLINED),
    ("expired", gettext_lazy("Expired"), Action.REQUEST_EXPIRED),
]
REQUEST_ACTIONS = {action: key for key, _, action in _COUNTED_STEPS}
REQUEST_COLUMNS = [
    *[(key, label) for key, label, _ in _COUNTED_STEPS],
    ("median_days", gettext_lazy("Median days to fulfil")),
]


@dataclass(frozen=True)
class WaitRange:
    """A median that falls in a wide bucket of the histogram (past EXACT_WAIT_DAYS): shown as the
    range of whole days it lies in, "61–90" or "366+", never as a made-up exact figure."""

    low: int
    high: int | None

    def __str__(self) -> str:
        return f"{self.low}–{self.high}" if self.high is not None else f"{self.low}+"


@dataclass
class RequestPair:
    asking: Office
    providing: Office
    asked: int = 0
    fulfilled: int = 0
    declined: int = 0
    expired: int = 0
    median_days: float | WaitRange | None = None  # of the fulfilments in the period

    def values(self) -> list:
        return [getattr(self, key) for key, _ in REQUEST_COLUMNS]


@dataclass
class RequestMatrix:
    pairs: list[RequestPair]
    median_days: float | WaitRange | None = None  # over every pair shown

    def totals(self) -> list:
        out = [sum(getattr(p, key) for p in self.pairs) for key in REQUEST_ACTIONS.values()]
        return [*out, self.median_days]


ALL_PAIRS = (-1, -1)


def wait_median(counts: list[int]) -> float | WaitRange | None:
    """Median whole days of a histogram over WAIT_BUCKETS: the mean of the elements at 0-based
    ranks (n - 1) // 2 and n // 2, exact while both are within EXACT_WAIT_DAYS."""
    total = sum(counts)
    if not total:
        return None
    ranks, found, running = [(total - 1) // 2, total // 2], [], 0
    for index, n in enumerate(counts):
        running += n
        while ranks and running > ranks[0]:
            ranks.pop(0)
            found.append(index)
    (lo_low, lo_high), (hi_low, hi_high) = WAIT_BUCKETS[found[0]], WAIT_BUCKETS[found[1]]
    if lo_low == lo_high and hi_low == hi_high:
        return round((lo_low + hi_low) / 2, 1)
    return WaitRange(lo_low, hi_high)


# Each pair's histogram summed over the period's months: a few rows per pair (one a month).
_WAIT_SUMS = (
    "SELECT office_id, provider_id, "  # noqa: S608 - our own table and column names
    + ", ".join(f"sum({column})" for column in WAIT_COLUMNS)
    + f" FROM {UsageRequestWait._meta.db_table} WHERE month >= %s AND month <= %s {{mine}} "
    "GROUP BY office_id, provider_id"
)


def request_medians_read(period: Period, *, office: Office | None) -> Read:
    """Median whole days from asking to fulfilment of the requests fulfilled in the period:
    (asking, asked) -> days, and ALL_PAIRS -> over all of them. One query summing each pair's
    UsageRequestWait rows (one per month, a column per bucket) over the period."""
    params: list = [period.first, period.last]
    mine = ""
    if office is not None:
        mine, params = "AND (office_id = %s OR provider_id = %s)", [*params, office.pk, office.pk]
    return Read(_medians, sql=_WAIT_SUMS.format(mine=mine), params=params, prepared=True)


def _medians(rows) -> dict[tuple[int, int], object]:
    pooled = [0] * len(WAIT_COLUMNS)
    out = {}
    for a, p, *counts in rows:
        out[(a, p)] = wait_median(counts)
        pooled = [x + y for x, y in zip(pooled, counts, strict=True)]
    if any(pooled):
        out[ALL_PAIRS] = wait_median(pooled)
    return out


def request_sums_read(period: Period, *, office: Office | None, actions=()) -> Read:
    """(asking, asked, action) -> events, for the request actions and any further `actions`
    (the page reads the matrix's document uses in the same query)."""
    return usage_sums_read(
        period,
        by=("office", "provider", "action"),
        either=office.pk if office else None,
        actions=[*REQUEST_ACTIONS, *actions],
        pairs=True,
    )


def request_matrix_build(
    sums: dict[tuple, int], medians: dict[tuple[int, int], float], offices: dict[int, Office]
) -> RequestMatrix:
    """Asking office x office asked: one line per pair with any request figure in the period."""
    pairs: dict[tuple[int, int], RequestPair] = {}
    for (a, p, action), n in sums.items():
        key = REQUEST_ACTIONS.get(action)
        if key and a in offices and p in offices and n:
            pair = pairs.setdefault((a, p), RequestPair(offices[a], offices[p]))
            setattr(pair, key, getattr(pair, key) + n)
    for key, pair in pairs.items():
        pair.median_days = medians.get(key)
    ordered = sorted(pairs.values(), key=lambda pr: (-pr.asked, pr.asking.code, pr.providing.code))
    return RequestMatrix(pairs=ordered, median_days=medians.get(ALL_PAIRS))


def request_matrix_get(period: Period, *, office: Office | None) -> RequestMatrix:
    """The requests matrix on its own; an office admin sees only the pairs its office is in."""
    sums, medians = read_all(
        request_sums_read(period, office=office), request_medians_read(period, office=office)
    )
    return request_matrix_build(sums, medians, {o.pk: o for o in Office.objects.all()})
