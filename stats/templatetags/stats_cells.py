"""Figure cells of the statistics tables, written out one row per call.

A page holds several hundred figures (the monthly table, the matrices, the by-office table);
a template variable each, localised one by one, cost more than reading them from the rollups.
Counts are shown as plain digits, as the templates showed them; None (no figure) as a dash.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _text(value) -> str:
    if value is None:
        return "—"
    # Numbers need no escaping, and escape() costs more than the rest of the cell.
    return str(value) if isinstance(value, int | float) else escape(value)


@register.simple_tag
def figure_cells(values, css: str = "num") -> SafeString:
    css = escape(css)
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(f'<td class="{css}">{_text(v)}</td>' for v in values)
    )


@register.simple_tag
def matrix_cells(cells) -> SafeString:
    """Office x office cells: None is a cell that is not the viewer's business."""
    out = []
    for c in cells:
        if c is None:
            out.append('<td class="num hidden-cell"><span aria-label="not shown">·</span></td>')
        else:
            out.append(f'<td class="num{" filled" if c else ""}">{_text(c)}</td>')
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


@register.simple_tag
def change_cell(change) -> SafeString:
    """Month-on-month change (StatsPage.change): "+12 (+5%)", or a dash when there is none."""
    if not change:
        return mark_safe('<td class="num change">—</td>')
    delta, pct = change["delta"], change["pct"]
    text = f"+{delta}" if delta > 0 else str(delta)
    if pct is not None:
        text += f' <span class="muted">({"+" if pct > 0 else ""}{pct}%)</span>'
    return mark_safe(f'<td class="num change">{text}</td>')  # noqa: S308 - numbers only


def _office_head(office) -> str:
    return f'<th scope="row"><abbr title="{escape(office.name)}">{escape(office.code)}</abbr></th>'


@register.simple_tag
def request_row(pair, own) -> SafeString:
    """One line of the requests matrix: asking office, office asked, the figures."""
    mine = ' class="own"' if own is not None and pair.asking.pk == own.pk else ""
    return mark_safe(  # noqa: S308 - every value is escaped
        f"<tr{mine}>{_office_head(pair.asking)}{_office_head(pair.providing)}"
        f"{figure_cells(pair.values())}</tr>"
    )


@register.simple_tag
def monthly_rows(rows, show_total=False, show_change=False) -> SafeString:
    """The monthly table's body in one call (StatsPage.table_rows): a figure's name, its months,
    the period and the change, 26 rows of 14 cells that template tags would resolve one by one."""
    out = []
    for row in rows:
        cells = figure_cells(row["values"])
        total = f'<td class="num total">{_text(row["total"])}</td>' if show_total else ""
        change = change_cell(row["change"]) if show_change else ""
        out.append(f'<tr><th scope="row">{escape(row["label"])}</th>{cells}{total}{change}</tr>')
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped
