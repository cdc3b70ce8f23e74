"""The statistics page's figures (charts and tables) written once per set of rollup rows.

Drawing the charts and writing a few hundred table cells cost more than reading the rollups,
and the rows only change when a use is counted. Every view still reads the rollups (one round
trip, stats_page_reads: live and exact); the HTML is then looked up by those very rows, with
the office, period, figure of the matrix, language and time zone, and written only when one of
them differs. A key is the content itself, not a version number, so nothing has to be
invalidated: a use counted a moment ago changes the rows and so the key, a merge by beat
leaves the sums (and the key) as they were, and an office admin's key names its office, so
two offices with the same figures never share a page. Kept per process (no network, nothing
to go stale across processes), the latest FIGURES_KEPT.
"""

import threading
from collections import OrderedDict

from django.conf import settings
from django.db import connections, router
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from . import exports, selectors
from .ledger import Period, Read, read_rows, reads_convert
from .models import UsageEvent
from .requests import REQUEST_COLUMNS
from .selectors import StatsPage

FIGURES_KEPT = 32


class _Kept:
    """The latest `size` figures, least recently used out first; shared by a process's threads."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_kept = _Kept(FIGURES_KEPT)


def page_query(office, period: Period, metric: str, **extra) -> str:
    """The query string of the page (and its exports) for an office, period and metric."""
    params = {
        "office": office.code if office else "all",
        "start": f"{period.first:%Y-%m}",
        "end": f"{period.last:%Y-%m}",
        "metric": metric,
        **extra,
    }
    return urlencode(params)


def forget() -> None:
    """Drop every kept page (tests)."""
    _kept.clear()


def _key(office, period: Period, metric: str, rows: list) -> tuple | None:
    """The rows as they were read, and everything else the HTML depends on; None when a row
    holds something that cannot be a key (nothing is kept then). Off PostgreSQL (the embedded
    demo) the offices come back as model instances, equal by id alone: nothing is kept."""
    if connections[router.db_for_read(UsageEvent)].vendor != "postgresql":
        return None
    key = (
        office.pk if office else None,
        period,
        metric,
        get_language(),
        settings.TIME_ZONE,
        tuple(tuple(found) for found in rows),
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


def page_figures_get(
    *, office, period: Period, metric: str, also: tuple[Read, ...] = ()
) -> tuple[StatsPage, SafeString, list]:
    """The statistics page's figures for `office` (None: all), `period` and `metric`, from the
    rollups as they are now, and their charts and tables: stats/_figures.html rendered from
    them, or the same HTML kept from a view that read the same rows. The reads `also` are read
    with them, in the same round trip, and their figures returned (never part of the key)."""
    reads = selectors.stats_page_reads(office=office, period=period)
    rows = read_rows(*reads, *also)
    rows, extra = rows[: len(reads)], rows[len(reads) :]
    extra = reads_convert(also, extra)
    key = _key(office, period, metric, rows)
    kept = _kept.get(key) if key is not None else None
    if kept is not None:
        return *kept, extra
    page = selectors.stats_page_build(
        reads_convert(reads, rows), office=office, period=period, metric=metric
    )
    html = render_to_string("stats/_figures.html", figures_context(page))
    if key is not None:
        _kept.put(key, (page, html))
    return page, html, extra


def figures_context(page: StatsPage) -> dict:
    other_metric = "downloads" if page.metric == "views" else "views"
    return {
        "page": page,
        "charts": exports.charts_for(page),
        "query": page_query(page.office, page.period, page.metric),
        "metric_query": page_query(page.office, page.period, other_metric),
        "metric_label": selectors.MATRIX_METRICS[page.metric][0],
        "other_metric_label": selectors.MATRIX_METRICS[other_metric][0],
        "matrix_rows": page.matrix.rows(),
        "request_columns": REQUEST_COLUMNS,
        "by_office_columns": selectors.BY_OFFICE_COLUMNS,
    }
