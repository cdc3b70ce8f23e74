"""The family page's members table cells and time line, written as escaped HTML once per member
here rather than by the template, like the document rows (family_page._row_html): in the
profile of a 10-member page the template's ~40 tags and variables per member, with their
translation and escaping, were a third of the page's time.

The output is what dossiers/family_detail.html wrote: the same elements, texts and escaping.
Following the template tags: a `{% translate %}` text is escaped; a `{% blocktranslate %}` one
is not, only the values put into it are. Translations are fetched once per page (member_words).
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Application

_TABLE_PILLS = {
    Application.Status.EXAMINATION_COMMENCED: "pill-blue",
    Application.Status.GRANTED: "pill-green",
    Application.Status.REFUSED: "pill-red",
    Application.Status.WITHDRAWN: "pill-red",
}
# The time line shows refused and withdrawn members in grey, as it always has.
_TIMELINE_PILLS = {
    Application.Status.EXAMINATION_COMMENCED: "pill-blue",
    Application.Status.GRANTED: "pill-green",
}


def member_words() -> dict[str, str]:
    """The words every member repeats, translated once per page."""
    return {
        "copy": escape(_("Copy")),
        "copy_title": _("Copy %(number)s"),
        "copy_docdb": _("Copy the docdb form %(number)s"),
        "copy_epodoc": _("Copy the epodoc form %(number)s"),
        "priority": escape(_("Priority:")),
        "examination": _("examination %(date)s"),
        "none": escape(_("none")),
        "date_unknown": escape(_("date unknown")),
    }


def _copy_button(value: str, title: str, label: str) -> str:
    value = escape(value)
    title = title % {"number": value}
    return (
        f'<button type="button" class="button small" data-copy="{value}" title="{title}">'
        f"{label}</button>"
    )


def _publications(member) -> str:
    parts = []
    for pub, links in member.publication_rows:
        html = f"<div>{escape(pub.display)}"
        if pub.date:
            html += f' <span class="muted">{pub.date:%Y-%m-%d}</span>'
        html += "".join(
            f' <a class="out" href="{escape(url)}" rel="noopener noreferrer" target="_blank">'
            f"{escape(name)}</a>"
            for name, url in links
        )
        parts.append(html + "</div>")
    return "".join(parts)


def member_cells_html(member, words: dict[str, str]) -> SafeString:
    """The members table's cells of `member` but the last (its actions, which notifications
    writes: the template adds that cell and the row around them)."""
    forms = member.forms
    buttons = [_copy_button(forms.display, words["copy_title"], words["copy"])]
    if forms.docdb:
        buttons.append(_copy_button(forms.docdb, words["copy_docdb"], "docdb"))
    if forms.epodoc:
        buttons.append(_copy_button(forms.epodoc, words["copy_epodoc"], "epodoc"))
    priorities = ""
    if member.priorities_text:
        priorities = f'<div class="help">{words["priority"]} {escape(member.priorities_text)}</div>'
    examination = ""
    if member.examination_date:
        date = f"{member.examination_date:%Y-%m-%d}"
        examination = f'<div class="help">{words["examination"] % {"date": date}}</div>'
    pill = _TABLE_PILLS.get(member.status, "pill-grey")
    none = f'<span class="muted">{words["none"]}</span>'
    return mark_safe(  # noqa: S308 - built from escaped values only
        "\n".join(
            [
                f'<td><span class="office-badge" title="{escape(member.office.name)}">'
                f"{escape(member.office.code)}</span></td>",
                f'<td class="number-cell"><strong>{escape(forms.display)}</strong>',
                '<span class="copy-forms no-print">',
                "\n".join(buttons),
                "</span>",
                priorities,
                "</td>",
                f"<td>{escape(member.filed) or '—'}</td>",
                f'<td><span class="pill {pill}">{escape(member.status_label)}</span>'
                f"{examination}</td>",
                f"<td>{member.indicators_html}</td>",
                f"<td>{_publications(member) or none}</td>",
                f'<td class="links">{member.links_html}</td>',
            ]
        )
    )


def members_html(members, *, focus_pk: int) -> tuple[list[tuple], SafeString]:
    """([(member, its table cells)], the time line's items) of the members shown."""
    words = member_words()
    rows = [(m, member_cells_html(m, words)) for m in members]
    return rows, timeline_html(members, focus_pk=focus_pk, words=words)


def timeline_html(members, *, focus_pk: int, words: dict[str, str]) -> SafeString:
    """The time line's items, one per member: its head and its events (member.events_html)."""
    items = []
    for m in members:
        pill = _TIMELINE_PILLS.get(m.status, "pill-grey")
        filed = escape(m.filed)
        items.append(
            "\n".join(
                [
                    f'<li class="{"is-focus" if m.pk == focus_pk else ""}">',
                    '<div class="tl-head">',
                    f'<time datetime="{filed}">{filed or words["date_unknown"]}</time>',
                    f'<span class="office-badge">{escape(m.office.code)}</span>',
                    f'<a href="#member-{m.pk}">{escape(m.display)}</a>',
                    m.indicators_html,
                    f'<span class="pill {pill}">{escape(m.status_label)}</span>',
                    "</div>",
                    '<div class="events" data-testid="events">',
                    m.events_html,
                    "</div>",
                    "</li>",
                ]
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 - built from escaped values only
