"""Reads for the statistics pages, built on the ledger reads of stats/ledger.py."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from offices.models import Office, User

from .labels import ACTIVITY, columns
from .ledger import (  # noqa: F401  (Period, month_add, ... are used through this module too)
    ACTIVE_KINDS,
    MAX_MONTHS,
    Period,
    Read,
    active_users,
    active_users_read,
    models_read,
    month_add,
    read_all,
    reads_compiled,
    snapshot,
    usage_sums,
    usage_sums_read,
)
from .models import Action, ActiveKind, UsageEvent
from .requests import request_matrix_build, request_medians_read, request_sums_read
from .services import portal_tz

# ---------------------------------------------------------------------------------------------
# Who may see what


def stats_office_choices(*, user) -> list[Office]:
    if user.is_operator:
        return list(Office.objects.all())
    if user.is_office_admin:
        return [user.office]
    return []


def stats_office_get_for_user(*, user, code: str | None) -> Office | None:
    """The office whose statistics `user` asked for; None means every office (operators only).

    Examiners and clerks, another office asked for by an office admin, and an unknown code all
    get the same 404.
    """
    code = (code or "").strip().upper()
    if user.is_operator:
        if code in ("", "ALL"):
            return None
        # Only letters reach the database: a NUL from a crafted address cannot be compared
        # there (a 500); like any unknown code it is the 404 below.
        office = Office.objects.filter(code=code).first() if code.isalpha() else None
    elif user.is_office_admin:
        office = user.office if code in ("", user.office.code) else None
    else:
        office = None
    if office is None:
        raise Http404("No statistics for you here.")
    return office


# ---------------------------------------------------------------------------------------------
# The statistics page

# Each step of a document request as a monthly figure (requests_<step>).
_REQUEST_STEPS = [
    ("made", gettext_lazy("Document requests asked")),
    ("received", gettext_lazy("Document requests received")),
    ("answered", gettext_lazy("Document requests answered")),
    ("fulfilled", gettext_lazy("Document requests fulfilled")),
    ("declined", gettext_lazy("Document requests declined")),
    ("expired", gettext_lazy("Document requests expired")),
]

METRICS = [
    *columns(
        "accounts",
        "accounts_new",
        "examiners",
        "clerks",
        "admins",
        named={
            "accounts": gettext_lazy("Accounts (end of month)"),
            "accounts_new": gettext_lazy("New accounts"),
            "examiners": gettext_lazy("Examiners"),
            "clerks": gettext_lazy("Clerks"),
            "admins": gettext_lazy("Office admins"),
        },
    ),
    *[(key, label) for key, label, _ in ACTIVE_KINDS],
    *columns(
        *ACTIVITY,
        "package_downloads",
        "packages_built",
        "uploads",
        named={
            "searches": gettext_lazy("Searches (submissions)"),
            "downloads": gettext_lazy("Downloads (single)"),
            "package_downloads": gettext_lazy("Downloads (in packages)"),
        },
    ),
    *[(f"requests_{step}", label) for step, label in _REQUEST_STEPS],
    ("notifications", gettext_lazy("Notifications sent")),
    ("api_calls", gettext_lazy("API calls")),
]
# Figures that are a state at the end of a month rather than a sum over it.
STATE_METRICS = {"accounts", "examiners", "clerks", "admins"}
# Distinct people: the period's figure counts each person once, not the sum of the months.
DISTINCT_METRICS = {key for key, _, _ in ACTIVE_KINDS}
TREND_MONTHS = 24
# The figure an action's uses add to; uses in a package (bulk) have their own map.
_BY_ACTION = {
    Action.LOGIN: "logins",
    Action.SEARCH: "numbers_searched",
    Action.FAMILY_VIEW: "family_views",
    Action.DOCUMENT_VIEW: "document_views",
    Action.DOCUMENT_DOWNLOAD: "downloads",
    Action.PACKAGE_BUILT: "packages_built",
    Action.UPLOAD: "uploads",
    Action.REQUEST_MADE: "requests_made",
    Action.NOTIFICATION_SENT: "notifications",
    Action.API_CALL: "api_calls",
}
_BY_BULK_ACTION = {Action.DOCUMENT_DOWNLOAD: "package_downloads", Action.UPLOAD: "uploads"}
# Request answers are the providing office's: counted by provider_office.
_PROVIDED = {
    Action.REQUEST_MADE: ("requests_received",),
    Action.REQUEST_FULFILLED: ("requests_fulfilled", "requests_answered"),
    Action.REQUEST_DECLINED: ("requests_declined", "requests_answered"),
    Action.REQUEST_EXPIRED: ("requests_expired",),
}
MATRIX_METRICS = {
    "views": (gettext_lazy("Documents viewed"), Action.DOCUMENT_VIEW),
    "downloads": (gettext_lazy("Documents downloaded"), Action.DOCUMENT_DOWNLOAD),
}


@dataclass
class Matrix:
    offices: list[Office]  # the columns (providing offices)
    cells: dict[tuple[int, int], int]  # (accessing id, providing id) -> uses
    visible: set[tuple[int, int]]
    row_totals: dict[int, int] = field(default_factory=dict)
    col_totals: dict[int, int] = field(default_factory=dict)
    total: int = 0
    row_offices: list[Office] | None = None  # the rows (accessing offices); None: as columns

    @property
    def rows_of(self) -> list[Office]:
        return self.offices if self.row_offices is None else self.row_offices

    def _cell(self, row: int, col: int) -> int | None:
        return self.cells.get((row, col), 0) if (row, col) in self.visible else None

    def rows(self) -> list[dict]:
        """Template-ready rows: each cell is a number, or None where it is not the viewer's."""
        return [
            {
                "office": row,
                "cells": [self._cell(row.pk, col.pk) for col in self.offices],
                "total": self.row_totals.get(row.pk, 0),
            }
            for row in self.rows_of
        ]

    def col_total_list(self) -> list[int]:
        return [self.col_totals.get(col.pk, 0) for col in self.offices]

    def top_pairs(self, n: int = 10) -> list[tuple[Office, Office, int]]:
        by_id = {o.pk: o for o in [*self.offices, *self.rows_of]}
        pairs = [
            (by_id[a], by_id[p], v)
            for (a, p), v in self.cells.items()
            if a != p and v and (a, p) in self.visible
        ]
        pairs.sort(key=lambda t: (-t[2], t[0].code, t[1].code))
        return pairs[:n]


@dataclass
class StatsPage:
    office: Office | None
    period: Period
    metric: str
    months: list[date]
    table: dict[str, dict[date, int]]  # metric -> month -> figure (trend months included)
    totals: dict[str, int]
    matrix: Matrix
    by_office: list[dict]
    trend_months: list[date] = field(default_factory=list)
    requests: object = None  # stats.requests.RequestMatrix

    def change(self, key: str) -> dict | None:
        """Month-on-month change of the period's last month against the month before."""
        last = self.months[-1]
        before = month_add(last, -1)
        if before not in self.table.get(key, {}) and before not in self.trend_months:
            return None
        now, then = self.table[key].get(last, 0), self.table[key].get(before, 0)
        pct = None if then == 0 else round(100 * (now - then) / then)
        return {"delta": now - then, "pct": pct, "from": before, "to": last}

    def table_rows(self) -> list[dict]:
        return [
            {
                "key": key,
                "label": label,
                "values": [self.table[key].get(m, 0) for m in self.months],
                "total": self.totals.get(key, 0),
                "change": self.change(key),
            }
            for key, label in METRICS
        ]


def _accounts_read(period: Period, office: Office | None) -> Read:
    """Accounts at the end of each month (by date joined, current role) and new ones: one
    GROUP BY month joined and role, then running totals over the months."""
    people = User.objects.filter(office__isnull=False, is_active=True)
    if office is not None:
        people = people.filter(office=office)
    joined = (
        people.annotate(m=TruncMonth("date_joined", tzinfo=portal_tz()))
        .values_list("m", "role")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Read(lambda found: _accounts(period, found), joined, prepared=True)


def _accounts(period: Period, joined) -> dict[str, dict[date, int]]:
    role_key = {
        User.Role.EXAMINER: "examiners",
        User.Role.CLERK: "clerks",
        User.Role.OFFICE_ADMIN: "admins",
    }
    new: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    before: dict[str, int] = defaultdict(int)  # joined before the first month
    for month, role, n in joined:
        month = month.date() if isinstance(month, datetime) else month
        bucket = before if month < period.first else new[month]
        bucket["accounts"] += n
        if role in role_key:
            bucket[role_key[role]] += n
    out: dict[str, dict[date, int]] = {k: {} for k in STATE_METRICS | {"accounts_new"}}
    running = dict(before)
    for month in period.months:
        added = new.get(month, {})
        for key in STATE_METRICS:
            running[key] = running.get(key, 0) + added.get(key, 0)
            out[key][month] = running[key]
        out["accounts_new"][month] = added.get("accounts", 0)
    return out


def matrix_build(
    sums: dict[tuple, int], *, offices: list[Office], office: Office | None, metric: str
) -> Matrix:
    """Documents used, accessing office x providing office, from (accessing, providing,
    action) sums.

    An office admin sees only its own row and column, and of those only the offices that
    appear in them: its row, the rows of offices that used its documents, the columns of
    offices whose documents it used — no row or column of dots.
    """
    action = MATRIX_METRICS[metric][1]
    ids = {o.pk for o in offices}
    if office is None:
        visible = {(a.pk, p.pk) for a in offices for p in offices}
    else:
        visible = {(office.pk, o.pk) for o in offices} | {(o.pk, office.pk) for o in offices}
    matrix = Matrix(offices=offices, cells={}, visible=visible)
    for (a, p, act), n in sums.items():
        if act == action and a in ids and p in ids and (a, p) in visible and n:
            matrix.cells[(a, p)] = n
            matrix.row_totals[a] = matrix.row_totals.get(a, 0) + n
            matrix.col_totals[p] = matrix.col_totals.get(p, 0) + n
            matrix.total += n
    if office is not None:
        used_rows = {a for a, _p in matrix.cells} | {office.pk}
        used_cols = {p for _a, p in matrix.cells} | {office.pk}
        matrix.row_offices = [o for o in offices if o.pk in used_rows]
        matrix.offices = [o for o in offices if o.pk in used_cols]
    return matrix


_USED = [Action.DOCUMENT_VIEW, Action.DOCUMENT_DOWNLOAD]


def stats_page_reads(*, office: Office | None, period: Period) -> list[Read]:
    """The reads of the statistics page (its CSV and PDF): a dozen small rollup queries,
    whatever the size of the ledger, sent together by read_rows. Their SQL is written once per
    office, period and time zone (`_page_reads`): only the rows are read on each view.

    Monthly figures are read for the period and the TREND_MONTHS up to its last month (the
    charts, and the month-on-month change of the last month).
    """
    return _page_reads(office.pk if office else None, period, settings.TIME_ZONE)


@lru_cache(maxsize=256)
def _page_reads(office_id: int | None, period: Period, _tz: str) -> list[Read]:
    office = Office(pk=office_id) if office_id else None  # only its id is read
    trend = Period(month_add(period.last, -(TREND_MONTHS - 1)), period.last)
    span = Period(min(period.first, trend.first), period.last)
    return reads_compiled(
        [
            models_read(Office.objects.all()),
            usage_sums_read(
                span, by=("action", "bulk"), monthly=True, measure="both", office=office_id
            ),
            usage_sums_read(
                span,
                by=("action",),
                monthly=True,
                actions=list(_PROVIDED),
                provider=office_id,
                pairs=office is None,
            ),
            active_users_read(span, office=office, monthly=True),
            active_users_read(period, office=office, monthly=False),
            _accounts_read(span, office),
            # The documents matrix and the requests matrix: one query for both.
            request_sums_read(period, office=office, actions=_USED),
            request_medians_read(period, office=office),
            *(_by_office_reads(period) if office is None else []),
        ]
    )


def stats_page_get(*, office: Office | None, period: Period, metric: str = "views") -> StatsPage:
    """Everything the statistics page, its CSV and its PDF show, read under one snapshot from
    the rollups."""
    reads = stats_page_reads(office=office, period=period)
    return stats_page_build(read_all(*reads), office=office, period=period, metric=metric)


def stats_page_build(
    found: list, *, office: Office | None, period: Period, metric: str
) -> StatsPage:
    """The page from the figures of stats_page_reads (in its order)."""
    months = period.months
    trend = Period(month_add(period.last, -(TREND_MONTHS - 1)), period.last)
    offices, own, provided, active, active_total, accounts, pair_sums, medians, *everyone = found
    active_total = active_total.get((), ())
    by_office = _by_office(offices, pair_sums, *everyone) if office is None else []

    table: dict[str, dict[date, int]] = {key: defaultdict(int) for key, _ in METRICS}
    for (month, action, bulk), (n, events) in own.items():
        key = (_BY_BULK_ACTION if bulk else _BY_ACTION).get(action)
        if key:
            table[key][month] += n
        if action == Action.SEARCH:
            table["searches"][month] += events
    for (month, action), n in provided.items():
        for key in _PROVIDED.get(action, ()):
            table[key][month] += n
    for (month,), figures in active.items():
        for (key, _label, _kind), n in zip(ACTIVE_KINDS, figures, strict=True):
            table[key][month] = n
    for key, values in accounts.items():
        table[key].update(values)
    totals = {key: sum(table[key].get(m, 0) for m in months) for key, _ in METRICS}
    for key in STATE_METRICS:
        totals[key] = table[key].get(months[-1], 0)
    for i, (key, _label, _kind) in enumerate(ACTIVE_KINDS):
        totals[key] = active_total[i] if active_total else 0
    by_id = {o.pk: o for o in offices}
    return StatsPage(
        office=office,
        period=period,
        metric=metric,
        months=months,
        table={k: dict(v) for k, v in table.items()},
        totals=totals,
        matrix=matrix_build(pair_sums, offices=offices, office=office, metric=metric),
        by_office=by_office,
        trend_months=trend.months,
        requests=request_matrix_build(pair_sums, medians, by_id),
    )


BY_OFFICE_COLUMNS = columns(
    "accounts",
    "active_users",
    "searches",
    "numbers_searched",
    "document_views",
    "downloads",
    "packages_built",
    "uploads",
    "requests_made",
    "requests_answered",
    "taken",
)


def _by_office_reads(period: Period) -> list[Read]:
    """What the by-office table reads besides the pair sums: per office, its sums, its active
    people and its accounts."""
    accounts = (
        User.objects.filter(office__isnull=False, is_active=True, date_joined__lt=period.stop_at)
        .values_list("office_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        usage_sums_read(period, by=("office", "action", "bulk"), measure="both"),
        active_users_read(
            period, office=None, monthly=False, by_office=True, kinds=[ActiveKind.ANY]
        ),
        Read(dict, accounts),
    ]


def _by_office(
    offices: list[Office], pair_sums: dict[tuple, int], sums: dict, active: dict, accounts: dict
) -> list[dict]:
    """One line per office for the period: why does one office have few users?

    `pair_sums` are the period's (accessing, providing, action) sums of document uses and
    request steps that the matrices read too."""
    answered: dict[int, int] = defaultdict(int)
    taken: dict[int, int] = defaultdict(int)
    for (a, p, action), n in pair_sums.items():
        if action in (Action.REQUEST_FULFILLED, Action.REQUEST_DECLINED):
            answered[p] += n
        elif action in _USED and a != p:
            taken[p] += n

    def total(pk, action, *bulks) -> int:
        return sum(sums.get((pk, action, bulk), (0, 0))[0] for bulk in bulks)

    rows = []
    for office in offices:
        pk = office.pk
        figures = {
            "accounts": accounts.get(pk, 0),
            "active_users": active.get((pk,), (0,))[0],
            "searches": sums.get((pk, Action.SEARCH, False), (0, 0))[1],
            "numbers_searched": total(pk, Action.SEARCH, False),
            "document_views": total(pk, Action.DOCUMENT_VIEW, False),
            "downloads": total(pk, Action.DOCUMENT_DOWNLOAD, False, True),
            "packages_built": total(pk, Action.PACKAGE_BUILT, False),
            "uploads": total(pk, Action.UPLOAD, False, True),
            "requests_made": total(pk, Action.REQUEST_MADE, False),
            "requests_answered": answered.get(pk, 0),
            "taken": taken.get(pk, 0),
        }
        rows.append({"office": office, "values": [figures[key] for key, _ in BY_OFFICE_COLUMNS]})
    return rows


# ---------------------------------------------------------------------------------------------
# Access log for a providing office (raw events: it is per application, too fine to roll up)

ACCESS_LOG_LIMIT = 500


@dataclass
class AccessLine:
    application_id: int | None
    office: Office
    views: int = 0
    downloads: int = 0

    @property
    def total(self) -> int:
        return self.views + self.downloads


def access_log_get(*, office: Office, period: Period) -> list[AccessLine]:
    """Which accessing offices viewed or downloaded `office`'s documents, per application.

    Read from the raw events through the (provider_office, occurred_at) index: one office's
    document uses over a period, grouped; the busiest ACCESS_LOG_LIMIT lines.
    """
    rows = (
        UsageEvent.objects.filter(
            provider_office=office,
            occurred_at__gte=period.start_at,
            occurred_at__lt=period.stop_at,
            action__in=[Action.DOCUMENT_VIEW, Action.DOCUMENT_DOWNLOAD],
            office__isnull=False,
        )
        .values("application_id", "office_id", "action")
        .annotate(n=Sum("count"))
        .order_by()
    )
    offices = {o.pk: o for o in Office.objects.all()}
    lines: dict[tuple, AccessLine] = {}
    for row in rows:
        key = (row["application_id"], row["office_id"])
        line = lines.get(key)
        if line is None:
            line = lines[key] = AccessLine(row["application_id"], offices[row["office_id"]])
        if row["action"] == Action.DOCUMENT_VIEW:
            line.views += row["n"]
        else:
            line.downloads += row["n"]
    ordered = sorted(
        lines.values(), key=lambda ln: (-ln.total, ln.application_id or 0, ln.office.code)
    )
    return ordered[:ACCESS_LOG_LIMIT]


# Application ids on events are plain integers (stats never imports dossiers). dossiers can
# register a function turning ids into display numbers from its AppConfig.ready():
#     stats.selectors.application_labels_register(lambda ids: {pk: display, ...})
_application_labelers: list = []


def application_labels_register(func) -> None:
    if func not in _application_labelers:
        _application_labelers.append(func)


def application_labels(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    labels: dict[int, str] = {}
    for func in _application_labelers:
        labels.update(func(ids))
    return {i: labels.get(i, gettext("Application #%(id)s") % {"id": i}) for i in ids}
