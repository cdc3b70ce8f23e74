"""The family page's parts beyond the members themselves: one document table across members
with its filters, why a member or a number is not there, the time line of events, the number
forms and the links out. Pure reads over rows selectors.family_get_for_user already fetched
(and the requests provider's one read per request).

Rule (trust issue, item 2): nothing here may differ by whether another office's unpublished
application exists. Reasons are worked out from the visible members, the numbers they claim
(shown as the claiming office gave them), the claimed dates and the offices' public settings.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field
from html import escape

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from case_portal.reversing import url_maker
from offices.models import Office

from . import data, numbers
from .dates import date_parse
from .models import Application, Document

# notifications (which dossiers must not import) tells us of the requests the user's office made:
#     family_requests_register(lambda user, application_ids: {app_id: (state_label, date)})
_request_providers: list = []


def family_requests_register(func) -> None:
    if func not in _request_providers:
        _request_providers.append(func)


def _requests_of(user, application_ids) -> dict[int, tuple[str, dt.date]]:
    out: dict[int, tuple[str, dt.date]] = {}
    if getattr(user, "office", None) is None or not application_ids:
        return out
    for func in _request_providers:
        out.update(func(user, list(application_ids)))
    return out


def claims_of(member: Application) -> list:
    """member.priority_claims.all() as a list, made once per member: each .all() builds a
    related manager (~2 us), and the page asked ~8 times per member."""
    found = member.__dict__.get("_claims_list")
    if found is None:
        found = member.__dict__["_claims_list"] = list(member.priority_claims.all())
    return found


def publications_of(member: Application) -> list:
    """member.publications.all() as a list, made once per member (see claims_of)."""
    found = member.__dict__.get("_publications_list")
    if found is None:
        found = member.__dict__["_publications_list"] = list(member.publications.all())
    return found


# --- the document table ---

SORTS = {
    "office": lambda r: (r.office, r.member.key, r.doc.date),
    "member": lambda r: (r.member.key, r.doc.date),
    "category": lambda r: (r.category_label, r.doc.date),
    "code": lambda r: (r.doc.code.upper(), r.doc.date),
    "date": lambda r: (r.doc.date, r.doc.pk or 0),  # a federated document has no row: 0
    "language": lambda r: (r.doc.language, r.doc.date),
    "pages": lambda r: (r.doc.pages, r.doc.date),
}


@dataclass
class DocRow:
    doc: Document
    member: Application
    office: str
    category_label: str
    meaning: str
    date: str = ""  # ISO, formatted once here: the table shows it several times per row
    view_url: str = ""
    download_url: str = ""
    html: SafeString = SafeString("")  # the table row, see _row_html


# The document table's row, written once per row here rather than by the template: in the
# profile of a 60-document page (docs/benchmarks.md) ~20 template variables per row, with their
# number localisation and escaping, were over half of the page's time.
_ROW = "\n".join(
    [
        '<tr data-doc="{pk}"><td class="no-print">{tick}</td>',
        '<td><span class="office-badge">{office}</span></td>',
        "<td>{member}</td>",
        "<td>{category}</td>",
        '<td class="code-cell">{code}</td>',
        "<td>{date}</td>",
        '<td data-label="{language_label}">{language}</td>',
        '<td class="num" data-label="{pages_label}">{pages}</td>',
        '<td class="no-print nowrap"><a href="{view}">{view_word}<span class="visually-hidden">'
        ' {label}</span></a> · <a href="{download}">{download_word}</a></td></tr>',
    ]
)


def selection_value(doc) -> str:
    """The value a ticked row sends: the row id, or "r:<office>:<office's id>" for a document
    a web-service office serves (it has no row)."""
    if getattr(doc, "is_remote", False):
        return f"r:{doc.application.office.code}:{doc.remote.id}"
    return str(doc.pk)


def _row_words() -> dict[str, str]:
    """The words every row repeats, translated and escaped once per table, not once per row
    (gettext and escaping were a tenth of the 60-row page in the profile)."""
    return {
        "code_title": escape(_("Office document code")),
        "label": _("%(category)s of %(number)s, %(date)s"),
        "select": _("Select %(category)s of %(number)s, %(date)s"),
        "language_label": escape(_("Language")),
        "pages_label": escape(_("Pages")),
        "view_word": escape(_("View")),
        "download_word": escape(_("Download")),
    }


def _row_html(row: DocRow, words: dict[str, str]) -> SafeString:
    doc = row.doc
    names = {"category": row.category_label, "number": row.member.display, "date": row.date}
    code = ""
    if doc.code:
        code = f'<span class="code" title="{words["code_title"]}">{escape(doc.code)}</span>'
    if row.meaning:
        code = f"{escape(row.meaning)} {code}"
    pk = escape(selection_value(doc))
    tick = (
        f'<input type="checkbox" name="doc" value="{pk}" aria-label="'
        f'{escape(words["select"] % names)}">'
    )
    # Every value escaped here; html.escape, as format_html's per-value cost showed in the profile.
    return mark_safe(  # noqa: S308 - built from escaped values only
        _ROW.format(
            pk=pk,
            tick=tick,
            office=escape(row.office),
            member=escape(row.member.display),
            category=escape(row.category_label),
            code=code or "—",
            date=escape(row.date),
            language_label=words["language_label"],
            language=escape(doc.language),
            pages_label=words["pages_label"],
            pages=int(doc.pages),
            view=escape(row.view_url),
            view_word=words["view_word"],
            label=escape(words["label"] % names),
            download=escape(row.download_url),
            download_word=words["download_word"],
        )
    )


@dataclass
class DocFilter:
    """The document table's filters and order, read from the query string (kept in the URL)."""

    offices: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "date"
    descending: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query) -> "DocFilter":
        f = cls(
            offices=[v.strip().upper() for v in query.getlist("office") if v.strip()],
            categories=[v for v in query.getlist("category") if v in Document.Category.values],
            languages=[v.strip().lower() for v in query.getlist("language") if v.strip()],
        )
        for name, label in (("date_from", "From"), ("date_to", "To")):
            text = (query.get(name) or "").strip()
            if text:
                try:
                    setattr(f, name, date_parse(text))
                except ValueError as exc:
                    f.errors.append(f"{label} date: {exc} The date filter was left out.")
        sort = query.get("sort") or "date"
        f.descending = sort.startswith("-")
        f.sort = sort.lstrip("-") if sort.lstrip("-") in SORTS else "date"
        return f

    @property
    def active(self) -> bool:
        return bool(
            self.offices or self.categories or self.languages or self.date_from or self.date_to
        )

    def keeps(self, row: DocRow) -> bool:
        d = row.doc
        return (
            (not self.offices or row.office in self.offices)
            and (not self.categories or d.category in self.categories)
            and (not self.languages or d.language.lower() in self.languages)
            and (not self.date_from or d.date >= self.date_from)
            and (not self.date_to or d.date <= self.date_to)
        )

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as (name, value) pairs, for hidden inputs and sort links."""
        items = [("office", v) for v in self.offices]
        items += [("category", v) for v in self.categories]
        items += [("language", v) for v in self.languages]
        if self.date_from:
            items.append(("date_from", self.date_from.isoformat()))
        if self.date_to:
            items.append(("date_to", self.date_to.isoformat()))
        return items


def _doc_url(doc, url_of, remote_attr: str) -> str:
    # Web-service offices' documents have their own routes (dossiers/federation).
    return getattr(doc, remote_attr) if getattr(doc, "is_remote", False) else url_of(doc.pk)


@functools.lru_cache(maxsize=16)
def category_labels(language: str) -> dict[str, str]:
    """{category: its label in `language`, the active one}, as plain strings: a lazy label is
    translated again each time it is shown, hashed or compared. The caller asks get_language()
    once per page (it is a thread-local lookup: per row it showed in the profile)."""
    return {value: str(label) for value, label in Document.Category.choices}


def status_labels() -> dict[str, str]:
    """{application status: its label in the active language} (get_status_display rebuilds
    the choices and translates on every call: twice per member on the page)."""
    return _status_labels(get_language())


@functools.lru_cache(maxsize=16)
def _status_labels(language: str) -> dict[str, str]:
    return {value: str(label) for value, label in Application.Status.choices}  # in `language`


@functools.lru_cache(maxsize=4096)
def code_meaning(language: str, office: str, code: str) -> str:
    """data.code_meaning in `language`, the active one, remembered per process (the tables
    are files read once; a 60-document page asks it 120 times)."""
    return data.code_meaning(office, code)


def document_rows(members: list[Application]) -> list[DocRow]:
    language = get_language()  # once, not per row
    labels = category_labels(language)
    view_url = url_maker("dossiers:document-detail")
    download_url = url_maker("dossiers:document-content")
    words = _row_words()
    rows = [
        DocRow(
            doc=doc,
            member=m,
            office=m.office.code,
            category_label=labels.get(doc.category, doc.category),
            meaning=code_meaning(language, m.office.code, doc.code),
            date=doc.date.isoformat(),
            view_url=_doc_url(doc, view_url, "detail_url"),
            download_url=_doc_url(doc, download_url, "content_url"),
        )
        for m in members
        for doc in m.visible_documents
    ]
    for row in rows:
        row.html = _row_html(row, words)
    return rows


def document_rows_filtered(rows: list[DocRow], f: DocFilter) -> list[DocRow]:
    return sorted((r for r in rows if f.keeps(r)), key=SORTS[f.sort], reverse=f.descending)


# --- number forms and links out ---


@dataclass
class NumberForms:
    display: str
    docdb: str | None
    epodoc: str | None
    links: list[tuple[str, str]]


@functools.lru_cache(maxsize=4096)
def number_forms(key: str, *, office: str, filed: dt.date | None = None) -> NumberForms:
    """Kept per process: a number's forms and links never change (the parsers and the links
    are code and data files), and working them out again was ~4% of the selector. Shared:
    callers only read the result."""
    try:
        n = numbers.normalise(key, filed=filed)
        display, docdb, epodoc = n.display, n.docdb, n.epodoc
    except numbers.InvalidNumber:
        display, docdb, epodoc = key, None, None
    number = key[2:] if key[:2] == office else key
    fields = {
        "office": office,
        "key": key,
        "number": number,
        "display": display,
        "docdb": docdb,
        "epodoc": epodoc,
    }
    return NumberForms(display, docdb, epodoc, data.application_links(fields))


def links_html(links: list[tuple[str, str]]) -> SafeString:
    """Links out, "·" between them, written once (a template loop cost ~10 µs a value)."""
    return mark_safe(  # noqa: S308 - built from escaped values only
        " · ".join(
            f'<a class="out" href="{escape(url)}" rel="noopener noreferrer" target="_blank">'
            f"{escape(name)}</a>"
            for name, url in links
        )
    )


def publication_links(key: str) -> list[tuple[str, str]]:
    return data.publication_links({"key": key, "office": key[:2]})


# --- why a member or a number is not there ---


@dataclass
class Missing:
    label: str  # the number as shown (the member's display, or as the claiming office gave it)
    reason: str
    request_application_id: int | None = None  # a request makes sense: ask for this member
    application_id: int | None = None  # the visible member it is about, if any


def _published_from(priority: dt.date) -> dt.date:
    """Applications are published 18 months after their priority date (the first of the month
    is near enough for a line saying roughly when)."""
    months = priority.year * 12 + priority.month - 1 + 18
    return dt.date(months // 12, months % 12 + 1, 1)


def _office_takes_part(office: Office | None) -> bool:
    return office is not None and office.is_active and office.provides


def missing_reasons(*, user, members: list[Application], offices) -> list[Missing]:
    """One line for each visible member the user cannot read and each claimed number with no
    visible member. `offices()`: ({code: office}, ids of the offices whose policy admits the
    user's office), asked only when a line needs it."""
    own_office = getattr(user, "office", None)
    own_id = getattr(own_office, "pk", None)
    out: list[Missing] = []
    silent = [m for m in members if m.office_id != own_id and not m.visible_documents]
    # Asked for every member, not only the silent ones: the provider reads the page's request
    # and watch state once, and the member actions reuse it.
    requests = _requests_of(user, [m.pk for m in members])
    for m in silent:
        if not _office_takes_part(m.office):
            out.append(
                Missing(
                    m.display,
                    _("%(office)s does not share reports in CASE.") % {"office": m.office.name},
                    application_id=m.pk,
                )
            )
        elif getattr(user, "is_operator", False):
            out.append(Missing(m.display, _("No reports shared yet."), application_id=m.pk))
        elif m.office_id not in offices()[1]:
            out.append(
                Missing(
                    m.display,
                    _("%(office)s does not share with your office.") % {"office": m.office.name},
                    application_id=m.pk,
                )
            )
        elif m.pk in requests:
            state, when = requests[m.pk]
            out.append(
                Missing(
                    m.display,
                    _("Requested by your office on %(date)s (%(state)s).")
                    % {"date": f"{when:%Y-%m-%d}", "state": state},
                    application_id=m.pk,
                )
            )
        else:
            out.append(
                Missing(
                    m.display,
                    _("No reports shared yet."),
                    request_application_id=m.pk if own_office and own_office.accesses else None,
                    application_id=m.pk,
                )
            )
    visible_keys = {m.key for m in members}
    claimed: dict[str, tuple[str, str, dt.date | None]] = {}
    for m in members:
        for claim in claims_of(m):
            claimed.setdefault(claim.key, (claim.display, claim.office_code, claim.date))
        if m.pct_key:
            earliest = min((c.date for c in claims_of(m) if c.date), default=None)
            claimed.setdefault(m.pct_key, (m.pct_display, m.pct_key[6:8], earliest))
    today = timezone.localdate()
    for key, (display, code, when) in claimed.items():
        if key in visible_keys:
            continue
        office = offices()[0].get(code)
        if own_id is not None and office is not None and office.pk == own_id:
            out.append(
                Missing(display, _("Not available: your office has not provided it to CASE."))
            )
        elif not _office_takes_part(office):
            out.append(Missing(display, _("Not available: the office does not take part in CASE.")))
        elif when and _published_from(when) > today:
            # From the claimed date alone: the same answer whether or not the office has it.
            out.append(
                Missing(
                    display,
                    _(
                        "Not available: not published yet at its office (applications are "
                        "published about 18 months after priority, here from %(month)s)."
                    )
                    % {"month": f"{_published_from(when):%Y-%m}"},
                )
            )
        else:
            out.append(Missing(display, _("Not available in CASE.")))
    return out


# --- the time line ---


def member_events_html(
    member: Application, *, view_url, words: dict[str, str], language: str
) -> SafeString:
    """A member's line of events (priorities, filing, publications, documents, a grant or
    refusal), oldest first, written once here like the document rows (see _ROW). `view_url`,
    `words` (event_words) and `language`: made once per page rather than per member."""
    events = [
        (c.date, "priority", words["priority"] % {"number": c.display}, "")
        for c in claims_of(member)
    ]
    events.append((member.filing_date, "filing", words["filed"], ""))
    events += [
        (p.date, "publication", words["published"] % {"number": p.display}, "")
        for p in publications_of(member)
    ]
    labels = category_labels(language)
    for doc in member.visible_documents:
        meaning = code_meaning(language, member.office.code, doc.code)
        text = labels.get(doc.category, doc.category)
        if meaning and meaning.lower() != text.lower():
            text = f"{text}: {meaning}"
        events.append((doc.date, "document", text, _doc_url(doc, view_url, "detail_url")))
    if member.status in (Application.Status.GRANTED, Application.Status.REFUSED):
        events.append((None, member.status, status_labels()[member.status], ""))
    # Undated events (a grant with no date recorded) last; the sort keeps the order above
    # among events of the same day.
    events.sort(key=lambda e: (e[0] is None, e[0] or dt.date.min))
    parts = []
    for date, kind, text, url in events:
        text = escape(text)
        if url:
            text = f'<a href="{escape(url)}">{text}</a>'
        day = date.isoformat() if date else "—"
        parts.append(f'<span class="event event-{kind}"><time>{day}</time> {text}</span>')
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped values only


def event_words() -> dict[str, str]:
    """The time line's words, translated once per page."""
    return {
        "priority": _("Priority %(number)s"),
        "filed": pgettext("filing event", "Filed"),
        "published": _("Published %(number)s"),
    }


# --- the "reports available" indicators ---


def indicators_html(categories) -> SafeString:
    """A member's SR/WO/OA indicators (dossiers/_indicators.html). They depend only on the
    language and which categories the member has, so each of the few combinations is rendered
    once per process, not twice per member per page."""
    return _indicators_html(get_language(), frozenset(categories))


@functools.lru_cache(maxsize=64)
def _indicators_html(language: str, categories: frozenset[str]) -> SafeString:
    return render_to_string("dossiers/_indicators.html", {"cats": categories})  # in `language`


# --- the summary header ---


@dataclass
class Summary:
    title: str
    earliest_priority: dt.date | None
    by_office: list[tuple[str, int]]
    available: list[tuple[str, int]]
    documents: int


def summary(members: list[Application], rows: list[DocRow]) -> Summary:
    dates = [c.date for m in members for c in claims_of(m) if c.date]
    dates += [m.filing_date for m in members if m.filing_date and not claims_of(m)]
    by_office: dict[str, int] = {}
    for m in members:
        by_office[m.office.code] = by_office.get(m.office.code, 0) + 1
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.category_label] = counts.get(r.category_label, 0) + 1
    return Summary(
        title=next((m.title for m in members if m.title), ""),
        earliest_priority=min(dates, default=None),
        by_office=sorted(by_office.items()),
        available=sorted(counts.items()),
        documents=len(rows),
    )
