"""Charts, CSV tables and the PDF report, all built from one StatsPage (stats/selectors.py).

WeasyPrint renders the PDF from rollups. One office over at most a year is a few pages and is
rendered during the request; longer periods and all-offices reports are built by a Celery task
(stats/export_builds.py).
"""

import csv
import io
from datetime import date

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from . import charts
from .office_users import USER_COLUMNS, UserLine
from .requests import REQUEST_COLUMNS
from .selectors import BY_OFFICE_COLUMNS, MATRIX_METRICS, METRICS, AccessLine, StatsPage

TREND_SERIES = [
    (gettext_lazy("Searches"), ("searches",)),
    (gettext_lazy("Numbers looked up"), ("numbers_searched",)),
    (gettext_lazy("Family views"), ("family_views",)),
    (gettext_lazy("Document views"), ("document_views",)),
    (gettext_lazy("Downloads"), ("downloads", "package_downloads")),
    (gettext_lazy("Uploads"), ("uploads",)),
]


def office_label(office) -> str:
    return f"{office.name} ({office.code})" if office else gettext("All offices")


TREND_PEOPLE = [
    (gettext_lazy("Active users"), ("active_users",)),
    (gettext_lazy("Logged in"), ("active_login",)),
    (gettext_lazy("Searched"), ("active_search",)),
    (gettext_lazy("Retrieved documents"), ("active_retrieve",)),
]
TREND_REQUESTS = [
    (gettext_lazy("Requests asked"), ("requests_made",)),
    (gettext_lazy("Requests received"), ("requests_received",)),
    (gettext_lazy("Requests answered"), ("requests_answered",)),
    (gettext_lazy("Packages built"), ("packages_built",)),
]


def _series(page: StatsPage, wanted, months) -> list:
    return [
        (label, [sum(page.table[k].get(m, 0) for k in keys) for m in months])
        for label, keys in wanted
    ]


def charts_for(page: StatsPage) -> dict:
    """The charts: 24 months of trend up to the period's last month, and the top pairs."""
    months = page.trend_months or page.months
    series = _series(page, TREND_SERIES, months)
    views = page.metric == "views"
    pair = (
        gettext("%(accessing)s viewed %(providing)s")
        if views
        else gettext("%(accessing)s downloaded %(providing)s")
    )
    pairs = [
        (pair % {"accessing": a.code, "providing": p.code}, n)
        for a, p, n in page.matrix.top_pairs(10)
    ]
    words = {
        "scope": page.office.code if page.office else gettext("all offices"),
        "span": f"{date_format(months[0], 'M Y')} – {date_format(months[-1], 'M Y')}",
    }
    return {
        "trend": charts.line_chart(
            title=gettext("Monthly use — %(scope)s, %(span)s") % words,
            months=months,
            series=series,
        ),
        "people": charts.line_chart(
            title=gettext("Active users — %(scope)s, %(span)s") % words,
            months=months,
            series=_series(page, TREND_PEOPLE, months),
        ),
        "requests": charts.line_chart(
            title=gettext("Document requests and packages — %(scope)s, %(span)s") % words,
            months=months,
            series=_series(page, TREND_REQUESTS, months),
        ),
        "pairs": charts.bar_chart(
            title=gettext(
                "Top office pairs — documents viewed (accessing office viewed providing office)"
            )
            if views
            else gettext(
                "Top office pairs — documents downloaded "
                "(accessing office downloaded providing office)"
            ),
            bars=pairs,
        ),
    }


def _safe(value) -> str:
    """Spreadsheet-safe cell: text that a spreadsheet would run as a formula is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue()


CSV_TABLES = {
    "monthly": gettext_lazy("Monthly figures"),
    "matrix": gettext_lazy("Office × office matrix"),
    "requests": gettext_lazy("Document requests by office pair"),
    "offices": gettext_lazy("By office"),
}


def csv_monthly(page: StatsPage) -> str:
    rows = [["month", *[key for key, _ in METRICS]]]
    table_rows = page.table_rows()
    for i, month in enumerate(page.months):
        rows.append([f"{month:%Y-%m}", *[r["values"][i] for r in table_rows]])
    rows.append(["period", *[page.totals.get(key, 0) for key, _ in METRICS]])
    rows.append(["change_last_month", *[(r["change"] or {}).get("delta", "") for r in table_rows]])
    return _csv(rows)


def csv_requests(page: StatsPage) -> str:
    rows = [["asking_office", "providing_office", *[key for key, _ in REQUEST_COLUMNS]]]
    for pair in page.requests.pairs:
        rows.append([pair.asking.code, pair.providing.code, *pair.values()])
    rows.append(["total", "", *page.requests.totals()])
    return _csv([[("" if c is None else c) for c in row] for row in rows])


def csv_users(lines: list[UserLine]) -> str:
    rows = [["email", "role", "status", *[key for key, _ in USER_COLUMNS], "last_use"]]
    for line in lines:
        last = f"{line.last_seen:%Y-%m-%d %H:%M}" if line.last_seen else ""
        rows.append([line.user.email, line.user.role, line.status, *line.values, last])
    return _csv(rows)


def csv_matrix(page: StatsPage) -> str:
    matrix = page.matrix
    label = MATRIX_METRICS[page.metric][0]
    rows = [[f"{label}: accessing \\ providing", *[o.code for o in matrix.offices], "total"]]
    for row in matrix.rows():
        rows.append(
            [row["office"].code, *["" if c is None else c for c in row["cells"]], row["total"]]
        )
    rows.append(["total", *matrix.col_total_list(), matrix.total])
    return _csv(rows)


def csv_offices(page: StatsPage) -> str:
    rows = [["office", *[key for key, _ in BY_OFFICE_COLUMNS]]]
    rows += [[line["office"].code, *line["values"]] for line in page.by_office]
    return _csv(rows)


def csv_access_log(lines: list[AccessLine], labels: dict[int, str]) -> str:
    rows = [["application", "application_id", "accessing_office", "views", "downloads", "total"]]
    for line in lines:
        rows.append(
            [
                labels.get(line.application_id, ""),
                line.application_id,
                line.office.code,
                line.views,
                line.downloads,
                line.total,
            ]
        )
    return _csv(rows)


def _month_chunks(page: StatsPage, size: int = 12) -> list[dict]:
    """The monthly table cut into pages of `size` months so that it fits A4 landscape."""
    rows = page.table_rows()
    chunks = []
    for start in range(0, len(page.months), size):
        months = page.months[start : start + size]
        chunks.append(
            {
                "months": months,
                "rows": [{**row, "values": row["values"][start : start + size]} for row in rows],
                "last": start + size >= len(page.months),
            }
        )
    return chunks


def pdf_from_html(html: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    stylesheet = CSS(filename=finders.find("css/stats.css"))
    footer = CSS(string=f"@page {{ @bottom-right {{ content: {_page_footer_css()}; }} }}")
    return HTML(string=html).write_pdf(stylesheets=[stylesheet, footer])


def _page_footer_css() -> str:
    """ "Page 2 of 4" in the reader's language, as a CSS content value with page counters."""
    text = gettext("Page %(number)s of %(total)s")
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    quoted = f'"{escaped}"'
    counters = {"number": '" counter(page) "', "total": '" counter(pages) "'}
    return quoted % counters


def pdf_render(page: StatsPage, *, generated: date, template: str = "stats/report.html") -> bytes:
    """The report of a StatsPage; template "stats/published.html" is the operator's posting
    of one month for all offices."""
    html = render_to_string(
        template,
        {
            "page": page,
            "charts": charts_for(page),
            "office_label": office_label(page.office),
            "chunks": _month_chunks(page),
            "matrix_rows": page.matrix.rows(),
            "matrix_label": MATRIX_METRICS[page.metric][0],
            "by_office_columns": BY_OFFICE_COLUMNS,
            "request_columns": REQUEST_COLUMNS,
            "generated": generated,
        },
    )
    return pdf_from_html(html)


def pdf_users(*, office, period, lines: list[UserLine], generated: date) -> bytes:
    html = render_to_string(
        "stats/users_report.html",
        {
            "office": office,
            "period": period,
            "lines": lines,
            "user_columns": USER_COLUMNS,
            "generated": generated,
        },
    )
    return pdf_from_html(html)
