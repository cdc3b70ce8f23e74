"""Reads and fetch-and-authorise guards of dossiers: the one number -> application lookup
(applications_find), search, the family page, documents, provider scope, worklists and their page.

Every read is scoped by Application/Document.objects.visible_to(user): forbidden and missing look
the same (404), and unpublished applications of other offices never appear.
"""

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offices.models import Office

from . import family_page, family_reads, numbers
from .federation.reads import remote_documents_start
from .models import (
    Application,
    Citation,
    Document,
    Family,
    LookupKey,
    MergedPdf,
    Package,
    PackageItem,
    PriorityClaim,
    Worklist,
    WorklistEntry,
)

MAX_SEARCH_LINES = 1000
_SOURCES_FOR_KIND = {
    "publication": {LookupKey.Source.PUBLICATION},
    "application": set(LookupKey.LINKING),
    "priority": set(LookupKey.LINKING),
    "pct": set(LookupKey.LINKING),
}
# Offices a bare number is tried in (after the searcher's own and the portal's offices): those
# with a format of their own, whose numbers are often claimed as priorities.
_BARE_NUMBER_OFFICES = ("US", "EP", "WO", "JP", "KR", "CN", "DE", "GB", "FR", "CA", "AU", "IN")


@dataclass
class Reading:
    """One way to read a typed number and the applications it leads to."""

    number: numbers.PatentNumber
    matches: list[Application] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)

    @property
    def family_ids(self) -> list[int]:
        return sorted({a.family_id for a in self.matches})

    @property
    def application(self) -> Application | None:
        """The one application meant: the one whose own number this is, else the first."""
        for app in self.matches:
            if app.key == self.number.key:
                return app
        return self.matches[0] if self.matches else None

    @property
    def label(self) -> str:
        """Office and kind, for "did you mean": "US application", "PCT application"."""
        if self.number.kind == "pct":
            return "PCT application"
        return f"{self.number.office} {self.number.kind}"


@dataclass
class SearchLine:
    """One typed number and the applications it leads to, most likely first.

    `number` is the reading that exists (the most likely one when several do, the most likely
    of all when none does); `others` the further readings that exist too ("did you mean").
    """

    typed: str
    number: numbers.PatentNumber | None = None
    error: str = ""
    matches: list[Application] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    others: list[Reading] = field(default_factory=list)

    @property
    def family_ids(self) -> list[int]:
        return sorted({a.family_id for a in self.matches})

    @property
    def found(self) -> bool:
        return bool(self.matches)

    @property
    def ambiguous(self) -> bool:
        return bool(self.others)

    @property
    def application(self) -> Application | None:
        if self.number is None:
            return None
        return Reading(self.number, self.matches).application

    @property
    def display(self) -> str:
        """The number as shown: an application's own number as its office gave it (with the
        check digit the typed text may have left out: GB 1218345.6), else as read."""
        if self.number is None:
            return ""
        app = self.application
        if app is not None and app.key == self.number.key and self.number.kind != "publication":
            return app.display
        return self.number.display


def number_read(
    text: str, *, office: str | None = None, fallback_office: str | None = None, kind=None
) -> numbers.PatentNumber:
    """Read a typed number. `office` is assumed when the text has no office code; failing that,
    `fallback_office` is tried for a number that does not read on its own (a bare number most
    likely belongs to the reader's own office)."""
    try:
        return numbers.normalise(text, office=office, kind=kind)
    except numbers.InvalidNumber as first:
        if fallback_office and not office:
            try:
                return numbers.normalise(text, office=fallback_office, kind=kind)
            except numbers.InvalidNumber:
                pass
        raise first


def _readings_or_error(text: str, office: str | None, kind: str | None):
    try:
        return numbers.readings(text, office=office, kind=kind), None
    except numbers.InvalidNumber as exc:
        return [], exc


def _same(a: list, b: list) -> bool:
    return [(n.kind, n.key) for n in a] == [(n.kind, n.key) for n in b]


def line_readings(
    text: str,
    *,
    office: str | None = None,
    fallback_office: str | None = None,
    kind: str | None = None,
    bare_offices: tuple[str, ...] = (),
) -> tuple[list[numbers.PatentNumber], numbers.PatentNumber]:
    """Every reading of a typed text in the order they are tried, and the one to show when none
    exists. Raises InvalidNumber when no reading fits.

    `office`: the office the text is read in when it has no office code (and no other).
    Otherwise a bare number is read in `fallback_office` (the searcher's own) first, then as its
    shape alone says, then in every office of `bare_offices` whose format fits.
    """
    if office:
        found, error = _readings_or_error(text, office, kind)
        if error:
            raise error
        return found, found[0]
    own, own_error = [], None
    if fallback_office:
        own, own_error = _readings_or_error(text, fallback_office, kind)
    free, free_error = _readings_or_error(text, None, kind)
    result: dict[tuple[str, str], numbers.PatentNumber] = {}
    for number in (*own, *free):
        result.setdefault((number.kind, number.key), number)
    # An office code in the text overrides an assumed office: then two offices read it the same.
    probe = next((c for c in bare_offices if c != fallback_office), None)
    if probe:
        probed, _ = _readings_or_error(text, probe, kind)
        if not (probed and _same(probed, own if fallback_office else free)):
            for code in dict.fromkeys(bare_offices):
                more = probed if code == probe else _readings_or_error(text, code, kind)[0]
                for number in more:
                    result.setdefault((number.kind, number.key), number)
    if not result:
        raise free_error or own_error or numbers.InvalidNumber("Enter a patent number.")
    found = list(result.values())
    # Shown when nothing exists: what the text says by itself (13/926,335 is a US number).
    return found, free[0] if free else found[0]


def applications_find(
    *,
    within,
    texts: list[str],
    office: str | None = None,
    fallback_office: str | None = None,
    kind: str | None = None,
    sources: set[str] | None = None,
    bare_offices: tuple[str, ...] = (),
) -> list[SearchLine]:
    """The one way from typed numbers to applications, among the `within` queryset (which says
    who may see what), with one indexed lookup for all the texts.

    Every reading of each text (numbers.readings: EPODOC application or pre-grant publication,
    with or without a series code, a bare number in several offices) is tried against what is
    stored; the first that exists wins and the others that exist are kept as `others` ("did you
    mean"). A publication reading finds publications, other readings the linking numbers (own,
    priority, PCT), unless `sources` says otherwise. Matches are in filing order.
    """
    lines = []
    all_readings: list[list[numbers.PatentNumber]] = []
    for typed in texts:
        line = SearchLine(typed=typed)
        try:
            found, line.number = line_readings(
                typed,
                office=office,
                fallback_office=fallback_office,
                kind=kind,
                bare_offices=bare_offices,
            )
        except numbers.InvalidNumber as exc:
            line.error, found = str(exc), []
        lines.append(line)
        all_readings.append(found)
    keys = {n.key for found in all_readings for n in found}
    by_key: dict[str, list[LookupKey]] = defaultdict(list)
    if keys:
        rows = (
            LookupKey.objects.filter(key__in=keys, application__in=within)
            .select_related("application__office")
            .order_by("application__filing_date", "application_id")
        )
        for row in rows:
            by_key[row.key].append(row)
    for line, found in zip(lines, all_readings, strict=True):
        existing = []
        for number in found:
            reading = Reading(number)
            wanted = sources or _SOURCES_FOR_KIND.get(number.kind, set(LookupKey.Source.values))
            for row in by_key.get(number.key, []):
                if row.source in wanted and row.application not in reading.matches:
                    reading.matches.append(row.application)
                    reading.sources.add(row.source)
            if reading.matches:
                existing.append(reading)
        if existing:
            first, seen = existing[0], {a.pk for a in existing[0].matches}
            line.number, line.matches, line.sources = first.number, first.matches, first.sources
            for reading in existing[1:]:
                # Another reading that leads to the same applications is not another answer.
                if not {a.pk for a in reading.matches} <= seen:
                    seen |= {a.pk for a in reading.matches}
                    line.others.append(reading)
    return lines


def application_find(*, within, text: str, **kwargs) -> SearchLine:
    """applications_find for one text; `.application` is the one it leads to (or None)."""
    return applications_find(within=within, texts=[text], **kwargs)[0]


def search_lines_split(text: str) -> list[str]:
    """The numbers of a pasted text: one per line (or separated by `;`), blank lines dropped."""
    lines = [line.strip() for line in (text or "").replace(";", "\n").splitlines()]
    return [line for line in lines if line]


def _office_code(user) -> str | None:
    return getattr(getattr(user, "office", None), "code", None)


def bare_number_offices() -> tuple[str, ...]:
    """Offices a number without office code is tried in: the portal's, then the big ones."""
    codes = sorted(family_reads.offices_read(None)[0])  # kept per process: no query per search
    return tuple(dict.fromkeys((*codes, *_BARE_NUMBER_OFFICES)))


def search_resolve(*, user, texts: list[str]) -> list[SearchLine]:
    """Resolve typed numbers (at most MAX_SEARCH_LINES) among the applications `user` may see:
    a bare number in the searcher's own office first, then in every office whose format fits."""
    return applications_find(
        within=Application.objects.visible_to(user),
        texts=texts[:MAX_SEARCH_LINES],
        fallback_office=_office_code(user),
        bare_offices=bare_number_offices(),
    )


def application_find_for_user(*, user, text: str) -> Application:
    """The one application a typed number leads to among those `user` may see (watch form).

    Raises ValidationError with the parser's message, or saying nothing visible matched.
    """
    line = application_find(
        within=Application.objects.visible_to(user), text=text, fallback_office=_office_code(user)
    )
    if line.error:
        raise ValidationError(line.error)
    if line.application is None:
        raise ValidationError(f"No application you can see matches {line.number.display}.")
    return line.application


@dataclass
class FamilyPage:
    family: Family
    members: list[Application]
    citations: list[dict]
    citing_offices: list[str]
    focus: Application | None
    simple_ids: set[int]
    # The family parts of dossiers/family_page.py: every visible document, why members or
    # claimed numbers are missing, and the summary header.
    documents: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    summary: object = None


def family_get_for_user(*, user, family_id: int, focus_id: int | None = None) -> FamilyPage:
    """The family page in a fixed number of queries, whatever the family size: the members
    (with their family, publications and priority claims), their visible documents (with their
    citations); the offices only when a line about a missing member needs them (family_reads)."""
    members = family_reads.members_read(
        Application.objects.visible_to(user)
        .filter(family_id=family_id)
        .order_by("filing_date", "key")
    )
    if not members:
        raise Http404("No such family.")
    family = members[0].family
    # Web-service offices' lists, in parallel, while the query below runs.
    remote_attach = remote_documents_start(members, user=user)
    family_reads.documents_read(Document.objects.visible_to(user).live(), members)
    focus = next((m for m in members if m.pk == focus_id), None)
    statuses = family_page.status_labels()
    for member in members:
        # Shown as text, made once here rather than by template filters (profile).
        member.filed = member.filing_date.isoformat() if member.filing_date else ""
        member.status_label = statuses.get(member.status, member.status)
        member.priorities_text = "; ".join(p.display for p in member.priority_claims.all())
        member.forms = family_page.number_forms(
            member.key, office=member.office.code, filed=member.filing_date
        )
        member.links_html = family_page.links_html(member.forms.links)
        member.publication_rows = [
            (p, family_page.publication_links(p.key)) for p in member.publications.all()
        ]
    remote_attach()
    labels = dict(Document.Category.choices)
    view_url = family_page.url_maker("dossiers:document-detail")
    for member in members:
        member.events_html = family_page.events_html(
            family_page.member_events(member, view_url=view_url)  # documents among them
        )
        grouped: dict[str, list[Document]] = {}
        for doc in member.visible_documents:
            grouped.setdefault(doc.category, []).append(doc)
        member.categories_available = set(grouped)
        member.indicators_html = family_page.indicators_html(grouped)
        member.documents_by_category = [
            (labels[cat], grouped[cat]) for cat in Document.Category.values if cat in grouped
        ]
    documents = family_page.document_rows(members)
    return FamilyPage(
        family=family,
        members=members,
        citations=_citation_rows(members),
        citing_offices=sorted({m.office.code for m in members if _citations_of(m)}),
        focus=focus,
        simple_ids=_simple_family_ids(members, focus or members[0]),
        documents=documents,
        missing=family_page.missing_reasons(
            user=user,
            members=members,
            offices=functools.cache(
                lambda: family_reads.offices_read(getattr(user, "office", None))
            ),
        ),
        summary=family_page.summary(members, documents),
    )


def _citations_of(member: Application) -> list[Citation]:
    return member.visible_citations  # family_reads.documents_read (web-service ones have none)


def _citation_rows(members: list[Application]) -> list[dict]:
    """One row per cited document, one column per office that cited it, with the category."""
    rows: dict[str, dict] = {}
    for member in members:
        for citation in _citations_of(member):
            ident = citation.cited_key or citation.npl_text.strip().lower()
            row = rows.setdefault(
                ident,
                {
                    "key": citation.cited_key,
                    "display": citation.cited_display,
                    "npl": citation.npl_text,
                    "by_office": {},
                    "links": family_page.publication_links(citation.cited_key)
                    if citation.cited_key
                    else [],
                },
            )
            cats = row["by_office"].setdefault(member.office.code, [])
            for cat in citation.category.replace(",", " ").split():
                if cat not in cats:
                    cats.append(cat)

    # Most damaging first: X before Y before A, then by how many offices cited it.
    def rank(row):
        cats = {c for cs in row["by_office"].values() for c in cs}
        return (
            "X" not in cats,
            "Y" not in cats,
            -len(row["by_office"]),
            row["display"] or row["npl"],
        )

    return sorted(rows.values(), key=rank)


def _simple_family_ids(members: list[Application], focus: Application) -> set[int]:
    """Simple family: members whose set of priorities equals the focus member's."""

    def priorities(app: Application) -> frozenset[str]:
        keys = {p.key for p in app.priority_claims.all()}
        return frozenset(keys or {app.key})  # a first filing is its own priority

    wanted = priorities(focus)
    return {m.pk for m in members if priorities(m) == wanted}


def _one_or_404(queryset, pk, noun: str):
    """The row `pk` of a guarded queryset; missing and forbidden give the same 404."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404(f"No such {noun}.")
    return row


def document_get_for_user(*, user, document_id: int) -> Document:
    docs = Document.objects.visible_to(user).live().select_related("application__office")
    return _one_or_404(docs, document_id, "document")


def family_document_ids(*, user, family_id: int) -> list[int]:
    """The family's documents `user` may read, in the family page's default order (date):
    the reader's previous/next document."""
    return list(
        Document.objects.visible_to(user)
        .live()
        .filter(application__family_id=family_id)
        .order_by("date", "pk")
        .values_list("pk", flat=True)
    )


def document_withdrawn_get_for_user(*, user, document_id: int) -> Document | None:
    """A withdrawn document the user could see before: its page says when and why."""
    return (
        Document.objects.visible_to(user, include_withdrawn=True)
        .filter(pk=document_id, withdrawn_at__isnull=False)
        .select_related("application__office")
        .first()
    )


def document_download_name(document: Document) -> str:
    """<number>_<office>_<category>_<date>.pdf, the number as shown on screen made safe for a
    file name (EP13844704.0, PCT-US2013-064552, US13-926335), never the internal key."""
    app = document.application
    category = document.category.replace("_", "-")
    number = numbers.file_name_form(app.display)
    return f"{number}_{app.office.code}_{category}_{document.date:%Y-%m-%d}.pdf"


def application_get_for_user(*, user, application_id) -> Application:
    """An application `user` may see (watch buttons, document requests); else the same 404."""
    apps = Application.objects.visible_to(user).select_related("office")
    return _one_or_404(apps, application_id, "application")


def application_get_for_provider(*, user, application_id: int) -> Application:
    """An application its own providing office may write; anyone else gets the same 404."""
    apps = Application.objects.provided_by(user).select_related("office", "family")
    return _one_or_404(apps, application_id, "application")


def document_get_for_provider(*, user, document_id: int) -> Document:
    """A document (withdrawn ones too: their history is the office's) its own office may write."""
    docs = Document.objects.provided_by(user).select_related("application__office")
    return _one_or_404(docs, document_id, "document")


def worklist_list_for_user(*, user):
    office = office_get_for_clerk(user)
    return (
        Worklist.objects.filter(office=office)
        .select_related("created_by")
        .annotate(entry_count=Count("entries", distinct=True))
        .order_by("-created_at", "-pk")
    )


def worklist_get_for_user(*, user, worklist_id: int) -> Worklist:
    """The one fetch-and-authorise helper: another office's worklist is simply not found."""
    office = office_get_for_clerk(user)
    return _one_or_404(Worklist.objects.filter(office=office), worklist_id, "worklist")


def package_get_for_user(*, user, package_id: int) -> Package:
    office = office_get_for_clerk(user)
    packages = Package.objects.filter(office=office).select_related("worklist")
    return _one_or_404(packages, package_id, "package")


def merged_pdf_get_for_user(*, user, merged_pdf_id: int) -> MergedPdf:
    """A queued one PDF: only its requester's (it holds what they could see); else a 404."""
    rows = MergedPdf.objects.filter(requested_by_id=getattr(user, "pk", None))
    return _one_or_404(rows, merged_pdf_id, "PDF")


def office_get_for_clerk(user) -> Office:
    office = getattr(user, "office", None)
    if office is None or getattr(user, "role", None) not in ("clerk", "office_admin"):
        # The same 404 as a missing page: examiners have no worklists to find.
        raise Http404("Worklists are for the clerks and admins of an office.")
    return office


# --- the worklist page ---


class OfficeViewer:
    """Stands for "any person of this office" in the visibility rules (used by beat-built
    packages, which have no person at the keyboard)."""

    is_operator = False

    def __init__(self, office: Office):
        self.office = office
        self.office_id = office.pk


def foreign_documents(*, office: Office, family_ids):
    """Live documents of other offices' family members that `office` may see."""
    return (
        Document.objects.visible_to(OfficeViewer(office))
        .live()
        .filter(application__family_id__in=list(family_ids))
        .exclude(application__office=office)
    )


@dataclass
class EntryRow:
    entry: WorklistEntry
    due: dt.date | None
    # (office code, [(category label, count)], newest report date) per sharing office.
    by_office: list[tuple[str, list[tuple[str, int]], dt.date]]
    available: int
    new: int
    # (application display, office code, asked on) of the office's unanswered requests.
    requests: list[tuple[str, str, dt.date]]
    schedule: str = ""
    # Other offices' visible members of a family with nothing shared: whom to ask for reports.
    request_targets: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Ready for the examiner: something is available and all of it went out in a package."""
        return self.available > 0 and self.new == 0

    @property
    def open_requests(self) -> int:
        return len(self.requests)


# notifications.DocumentRequest.ACTIVE, by value: dossiers does not import notifications.
OPEN_REQUEST_STATES = ("open", "acknowledged", "examination_commenced")


def open_requests_by_family(
    office: Office, family_ids
) -> dict[int, list[tuple[str, str, dt.date]]]:
    """The office's unanswered document requests per family, oldest first.

    The requests live in the notifications app, which dossiers must not import; the reverse
    relation `document_requests` is read by name."""
    out: dict[int, list[tuple[str, str, dt.date]]] = defaultdict(list)
    for family_id, display, code, asked in (
        Application.objects.filter(
            family_id__in=list(family_ids),
            document_requests__requesting_office=office,
            document_requests__state__in=OPEN_REQUEST_STATES,
        )
        .order_by("document_requests__created_at")
        .values_list("family_id", "display", "office__code", "document_requests__created_at")
    ):
        out[family_id].append((display, code, timezone.localdate(asked)))
    return out


def _schedule_text(entry, due, packages_by_date, today) -> str:
    """When the entry's package is (or was) built, in the clerk's words."""
    when = entry.examination_date
    if when is None:
        return _("No examination date: packaged only when you build one.")
    if when < today:
        return _("Examination date passed.")
    made = [p for p in packages_by_date.get(when, []) if entry.application_id in p.application_ids]
    if made:
        last = made[-1]
        if last.state in (Package.State.QUEUED, Package.State.BUILDING):
            return _("Package %(pk)s is being built.") % {"pk": last.pk}
        if last.state == Package.State.FAILED:
            return _("Package %(pk)s failed: try it again below.") % {"pk": last.pk}
        built = timezone.localdate(last.finished_at or last.created_at)
        return _("In package %(pk)s, built %(date)s; new reports come as a top-up.") % {
            "pk": last.pk,
            "date": f"{built:%Y-%m-%d}",
        }
    lead = (when - due).days
    words = {"days": lead, "date": f"{due:%Y-%m-%d}"}
    if due <= today and packages_by_date.get(when):
        return (
            ngettext(
                "Due now (a top-up): built within minutes, %(days)s day before examination.",
                "Due now (a top-up): built within minutes, %(days)s days before examination.",
                lead,
            )
            % words
        )
    if due <= today:
        return (
            ngettext(
                "Due now: built within minutes, %(days)s day before examination.",
                "Due now: built within minutes, %(days)s days before examination.",
                lead,
            )
            % words
        )
    return (
        ngettext(
            "Package on %(date)s, %(days)s day before examination.",
            "Package on %(date)s, %(days)s days before examination.",
            lead,
        )
        % words
    )


def worklist_rows(*, worklist: Worklist, today: dt.date | None = None) -> list[EntryRow]:
    """Everything the worklist page shows per entry, in a fixed number of queries."""
    today = today or timezone.localdate()
    office = worklist.office
    entries = list(
        worklist.entries.select_related("application").order_by("examination_date", "pk")
    )
    family_ids = {e.application.family_id for e in entries}
    docs = list(
        foreign_documents(office=office, family_ids=family_ids).values_list(
            "pk", "application__family_id", "application__office__code", "category", "date"
        )
    )
    delivered = defaultdict(set)
    for app_id, doc_id in PackageItem.objects.filter(
        package__office=office,
        application_id__in=[e.application_id for e in entries],
        package__state__in=[Package.State.READY, Package.State.EXPIRED],
    ).values_list("application_id", "document_id"):
        delivered[app_id].add(doc_id)
    requests = open_requests_by_family(office, family_ids)
    packages_by_date: dict[dt.date, list[Package]] = defaultdict(list)
    for p in worklist.packages.filter(
        trigger__in=[Package.Trigger.JUST_IN_TIME, Package.Trigger.TOP_UP]
    ).order_by("created_at", "pk"):
        packages_by_date[p.for_examination_date].append(p)
    foreign_members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, fam, code, key in (
        Application.objects.visible_to(OfficeViewer(office))
        .filter(family_id__in=list(family_ids))
        .exclude(office=office)
        .order_by("filing_date", "key")
        .values_list("pk", "family_id", "office__code", "key")
    ):
        foreign_members[fam].append((pk, code, key))
    labels = dict(Document.Category.choices)
    by_family: dict[int, list[tuple[int, str, str, dt.date]]] = defaultdict(list)
    for pk, fam, code, cat, when in docs:
        by_family[fam].append((pk, code, cat, when))
    lead = dt.timedelta(days=office.package_lead_days)
    rows = []
    for e in entries:
        fam_docs = by_family.get(e.application.family_id, [])
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        newest: dict[str, dt.date] = {}
        for _pk, code, cat, when in fam_docs:
            counts[code][cat] += 1
            newest[code] = max(newest.get(code, when), when)
        by_office = [
            (code, [(labels[c], n) for c, n in sorted(cats.items())], newest[code])
            for code, cats in sorted(counts.items())
        ]
        due = e.examination_date - lead if e.examination_date else None
        rows.append(
            EntryRow(
                entry=e,
                due=due,
                by_office=by_office,
                available=len(fam_docs),
                new=sum(1 for d in fam_docs if d[0] not in delivered[e.application_id]),
                requests=requests.get(e.application.family_id, []),
                schedule=_schedule_text(e, due, packages_by_date, today),
                request_targets=[] if fam_docs else foreign_members[e.application.family_id],
            )
        )
    return rows


def package_list_for_worklist(*, worklist: Worklist):
    # With the flags of documents withdrawn or corrected since delivery (PackageChange).
    return worklist.packages.prefetch_related("changes__application").order_by("-created_at", "-pk")


def family_display_names(family_ids) -> dict[int, str]:
    """A family's name for people: its earliest priority, else its first-filed member (never
    the internal id), taken from published members when it has any, so another office's
    unpublished member never names it (issue 18.2). Two queries whatever the number of
    families."""
    family_ids = [f for f in set(family_ids) if f is not None]
    # Per family, the first of: published claim, published member, any claim, any member.
    best: dict[int, tuple[int, str]] = {}
    for rank, rows in (
        (0, _family_name_claims(family_ids)),
        (1, _family_name_members(family_ids)),
    ):
        for fid, published, display in rows:
            tier = (0 if published else 2) + rank
            if fid not in best or tier < best[fid][0]:
                best[fid] = (tier, display)
    return {fid: display for fid, (_, display) in best.items()}


def _family_name_claims(family_ids):
    return (
        PriorityClaim.objects.filter(application__family_id__in=family_ids)
        .order_by("application__family_id", F("date").asc(nulls_last=True), "key")
        .values_list("application__family_id", "application__published", "display")
    )


def _family_name_members(family_ids):
    return (
        Application.objects.filter(family_id__in=family_ids)
        .order_by("family_id", F("filing_date").asc(nulls_last=True), "key")
        .values_list("family_id", "published", "display")
    )


PROVIDER_SORTS = {
    "number": ("key",),
    "-number": ("-key",),
    "filed": (F("filing_date").asc(nulls_last=True), "key"),
    "-filed": (F("filing_date").desc(nulls_last=True), "key"),
    "status": ("status", "key"),
    "reports": ("n_docs", "key"),
    "-reports": ("-n_docs", "key"),
    "updated": ("-updated_at", "-pk"),
}


def provider_applications(
    *,
    office: Office,
    status: str = "",
    open_requests: bool = False,
    no_reports: bool = False,
    filed_from: dt.date | None = None,
    filed_to: dt.date | None = None,
    sort: str = "updated",
):
    """The providing office's applications with their live report and open request counts,
    filtered and sorted as the clerk chose."""
    apps = Application.objects.filter(office=office).annotate(
        n_docs=Count("documents", filter=Q(documents__withdrawn_at=None), distinct=True),
        n_requests=Count(
            "document_requests",
            filter=Q(document_requests__state__in=OPEN_REQUEST_STATES),
            distinct=True,
        ),
    )
    if status:
        apps = apps.filter(status=status)
    if open_requests:
        apps = apps.filter(n_requests__gt=0)
    if no_reports:
        apps = apps.filter(n_docs=0)
    if filed_from:
        apps = apps.filter(filing_date__gte=filed_from)
    if filed_to:
        apps = apps.filter(filing_date__lte=filed_to)
    return apps.order_by(*PROVIDER_SORTS.get(sort, PROVIDER_SORTS["updated"]))
