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

from . import charts
from .selectors import BY_OFFICE_COLUMNS, MATRIX_METRICS, METRICS, AccessLine, StatsPage

TREND_SERIES = [
    ("Searches", ("searches",)),
    ("Family views", ("family_views",)),
    ("Document views", ("document_views",)),
    ("Downloads", ("downloads", "package_downloads")),
    ("Uploads", ("uploads",)),
]


def office_label(page: StatsPage) -> str:
    return f"{page.office.name} ({page.office.code})" if page.office else "All offices"


def charts_for(page: StatsPage) -> dict:
    series = [
        (label, [sum(page.table[k].get(m, 0) for k in keys) for m in page.months])
        for label, keys in TREND_SERIES
    ]
    verb = "viewed" if page.metric == "views" else "downloaded"
    pairs = [(f"{a.code} {verb} {p.code}", n) for a, p, n in page.matrix.top_pairs(10)]
    scope = page.office.code if page.office else "all offices"
    return {
        "trend": charts.line_chart(
            title=f"Monthly use — {scope}, {page.period.label}", months=page.months, series=series
        ),
        "pairs": charts.bar_chart(
            title=f"Top office pairs — documents {verb} (accessing office {verb} providing office)",
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
    "monthly": "Monthly figures",
    "matrix": "Office × office matrix",
    "offices": "By office",
}


def csv_monthly(page: StatsPage) -> str:
    rows = [["month", *[key for key, _ in METRICS]]]
    for i, month in enumerate(page.months):
        rows.append([f"{month:%Y-%m}", *[r["values"][i] for r in page.table_rows()]])
    rows.append(["period", *[page.totals.get(key, 0) for key, _ in METRICS]])
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


def pdf_render(page: StatsPage, *, generated: date) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    html = render_to_string(
        "stats/report.html",
        {
            "page": page,
            "charts": charts_for(page),
            "office_label": office_label(page),
            "chunks": _month_chunks(page),
            "matrix_rows": page.matrix.rows(),
            "matrix_label": MATRIX_METRICS[page.metric][0],
            "by_office_columns": BY_OFFICE_COLUMNS,
            "generated": generated,
        },
    )
    stylesheet = CSS(filename=finders.find("css/stats.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
