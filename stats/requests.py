"""Who asked whom for documents, and how it went: read from the usage ledger.

The requests issue records each step of a document request as a usage event (stats never
imports notifications): REQUEST_MADE with office = the asking office and provider_office = the
office asked, and REQUEST_FULFILLED / REQUEST_DECLINED / REQUEST_EXPIRED with the same pair.
Counts come from the rollups (usage_sums); the time to fulfil from UsageRequestWait, a
histogram of whole days that usage_record() keeps for each fulfilment; the medians are worked
out in the database from it, exact to the day, without reading the raw events.
"""

from dataclasses import dataclass

from django.db import connections, router
from django.utils.translation import gettext_lazy

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
    median_days: float | None = None  # of the fulfilments in the period

    def values(self) -> list:
        return [getattr(self, key) for key, _ in REQUEST_COLUMNS]


@dataclass
class RequestMatrix:
    pairs: list[RequestPair]
    median_days: float | None = None  # over every pair shown

    def totals(self) -> list:
        out = [sum(getattr(p, key) for p in self.pairs) for key, _ in REQUEST_COLUMNS[:-1]]
        return [*out, self.median_days]


ALL_PAIRS = (-1, -1)
# The median of each pair's histogram of whole days, and of all pairs together (ALL_PAIRS):
# the element at 0-based index k is the smallest `days` whose running total exceeds k, for
# k = (total - 1) // 2 and total // 2 (written 2 * running > total - 1 and 2 * running > total).
_MEDIANS = """
WITH h AS (
  SELECT office_id AS a, provider_id AS p, days, sum(n) AS n FROM {table}
  WHERE month >= %s AND month <= %s {mine} GROUP BY office_id, provider_id, days
), pooled AS (
  SELECT a, p, days, n FROM h
  UNION ALL SELECT -1, -1, days, sum(n) FROM h GROUP BY days
), running AS (
  SELECT a, p, days, sum(n) OVER (PARTITION BY a, p ORDER BY days) AS upto,
         sum(n) OVER (PARTITION BY a, p) AS total
  FROM pooled
)
SELECT a, p, min(days) FILTER (WHERE 2 * upto > total - 1),
       min(days) FILTER (WHERE 2 * upto > total)
FROM running GROUP BY a, p
"""


def request_medians(period: Period, *, office: Office | None) -> dict[tuple[int, int], float]:
    """Median whole days from asking to fulfilment of the requests fulfilled in the period:
    (asking, asked) -> days, and ALL_PAIRS -> over all of them. Worked out in the database
    from UsageRequestWait's histogram (one row per pair, month and number of days)."""
    table = UsageRequestWait._meta.db_table
    params: list = [period.first, period.last]
    mine = ""
    if office is not None:
        mine, params = "AND (office_id = %s OR provider_id = %s)", [*params, office.pk, office.pk]
    db = router.db_for_read(UsageRequestWait)
    with connections[db].cursor() as cursor:
        cursor.execute(_MEDIANS.format(table=table, mine=mine), params)
        return {(a, p): round((lo + hi) / 2, 1) for a, p, lo, hi in cursor.fetchall()}


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
    return request_matrix_build(
        request_sums(period, office=office),
        request_medians(period, office=office),
        {o.pk: o for o in Office.objects.all()},
    )
