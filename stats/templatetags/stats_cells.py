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
