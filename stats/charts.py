"""Server-side SVG charts for the statistics page and its PDF: small hand-written builders.

Why not pygal (or another library)? Its output carries an embedded <style> element and, by
default, an inline <script> for tooltips; both break the portal's CSP (style-src/script-src
'self') when the SVG is part of the HTML page, and stripping them leaves unstyled output. The two
charts needed here (monthly trend lines and a horizontal bar chart of top office pairs) take a
hundred lines to draw directly, with:
  * presentation attributes only (fill=, stroke=, font-size=): no style attributes, no scripts,
    so the same markup is CSP-clean in the browser and renders in WeasyPrint's SVG engine;
  * role="img", a <title> and <desc> referenced by aria-labelledby, and a <title> on every
    point and bar (shown as a tooltip), plus the figures in a data table next to each chart;
  * text escaped with xml.sax.saxutils, never trusted.
"""

from datetime import date
from itertools import count
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .ledger import month_name

# Colour-blind-safe (Okabe-Ito) palette, dark enough for text contrast on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
INK, MUTED, GRID = "#1c2330", "#5b6577", "#d6dce5"
FONT = "DejaVu Sans, system-ui, sans-serif"
_ids = count(1)


def nice_ticks(value: float, *, target: int = 4) -> list[int]:
    """Y-axis ticks from 0 to at least `value` in steps of 1, 2, 2.5 or 5 x 10^n, about
    `target` intervals: readers take 0, 25, 50, 75, 100 in at a glance, not 0, 12, 37.
    Counts are whole numbers, so steps are too (2.5 only from 25 upwards)."""
    if value <= 0:
        return [0, 1]
    raw = value / target
    magnitude = 1
    while magnitude * 10 <= raw:
        magnitude *= 10
    step = 10 * magnitude
    for factor in (1, 2, 2.5, 5, 10):
        candidate = factor * magnitude
        if candidate >= raw and candidate == int(candidate) and candidate >= 1:
            step = int(candidate)
            break
    stops = -(-int(value) // step)  # ceiling division: the top tick is at or above value
    if stops * step < value:
        stops += 1
    return [i * step for i in range(stops + 1)]


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")  # thin no-break space: readable, locale-neutral


def _text(x, y, body, *, anchor="start", size=11, fill=INK, weight=None) -> str:
    extra = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="{FONT}" fill="{fill}"{extra}>{escape(str(body))}</text>'
    )


def _frame(width: int, height: int, title: str, desc: str, body: list[str], css: str) -> str:
    uid = next(_ids)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="chart-t{uid} chart-d{uid}">'
        f'<title id="chart-t{uid}">{escape(title)}</title>'
        f'<desc id="chart-d{uid}">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def line_chart(
    *, title: str, months: list[date], series: list[tuple[str, list[int]]], width: int = 1000
) -> SafeString:
    """Monthly trend lines with a y grid, month labels and a legend."""
    height, left, right, top, bottom = 300, 64, 16, 36, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max((v for _, values in series for v in values), default=0))
    peak = ticks[-1]
    step_x = plot_w / max(len(months) - 1, 1)
    body = [_text(left, 20, title, size=14, weight="bold")]
    for value in ticks:
        y = top + plot_h - plot_h * value / peak
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, _fmt(value), anchor="end", fill=MUTED))
    every = max(1, len(months) // 12)
    for i, month in enumerate(months):
        if i % every == 0 or i == len(months) - 1:
            x = left + i * step_x
            body.append(
                _text(x, top + plot_h + 16, date_format(month, "M"), anchor="middle", fill=MUTED)
            )
            if i == 0 or month.month == 1:
                body.append(_text(x, top + plot_h + 30, f"{month:%Y}", anchor="middle", fill=MUTED))
    series = [(str(label), values) for label, values in series]  # lazy labels: translate once
    month_names = {month: month_name(month) for month in months}
    for index, (label, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (left + i * step_x, top + plot_h - (plot_h * v / peak if peak else 0))
            for i, v in enumerate(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<g class="series"><title>{escape(label)}</title><polyline points="{path}" '
            f'fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
        )
        for (x, y), month, v in zip(points, months, values, strict=True):
            tip = escape(f"{label}, {month_names[month]}: {_fmt(v)}")
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{tip}</title>'
                "</circle>"
            )
        body.append("</g>")
    # Legend along the bottom: colour key and name.
    x = left
    for index, (label, _) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        body.append(
            f'<rect x="{x}" y="{height - 14}" width="12" height="12" fill="{colour}" rx="2"/>'
        )
        body.append(_text(x + 16, height - 4, label))
        x += 24 + 7 * len(label)
    totals = ", ".join(f"{label} {_fmt(sum(values))}" for label, values in series)
    desc = gettext("Monthly figures from %(first)s to %(last)s. Totals: %(totals)s.") % {
        "first": date_format(months[0], "F Y"),
        "last": date_format(months[-1], "F Y"),
        "totals": totals,
    }
    return mark_safe(_frame(width, height, title, desc, body, "chart-line"))  # noqa: S308


def bar_chart(*, title: str, bars: list[tuple[str, int]], width: int = 1000) -> SafeString:
    """Horizontal bars, largest first, value printed at the end of each bar."""
    row, top, left, right = 26, 36, 150, 70
    height = top + max(len(bars), 1) * row + 12
    plot_w = width - left - right
    peak = max((v for _, v in bars), default=0) or 1
    body = [_text(0, 20, title, size=14, weight="bold")]
    if not bars:
        body.append(
            _text(0, top + 16, gettext("No use between offices in this period."), fill=MUTED)
        )
    for i, (label, value) in enumerate(bars):
        y = top + i * row
        w = max(plot_w * value / peak, 1)
        body.append(_text(left - 8, y + 16, label, anchor="end"))
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[0]}" rx="2"><title>{escape(f"{label}: {_fmt(value)}")}</title></rect>'
        )
        body.append(_text(left + w + 6, y + 16, _fmt(value)))
    desc = "; ".join(f"{label}: {_fmt(v)}" for label, v in bars) or gettext("No data.")
    return mark_safe(_frame(width, height, title, desc, body, "chart-bar"))  # noqa: S308
