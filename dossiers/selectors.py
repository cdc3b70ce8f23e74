"""Reads for examiners: resolve typed numbers to families, the family page, documents.

Every read is scoped by Application/Document.objects.visible_to(user): forbidden and missing look
the same (404), and unpublished applications of other offices never appear.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.http import Http404

from offices.models import Office

from . import numbers
from .models import Application, Citation, Document, Family, LookupKey, Package, Worklist

MAX_SEARCH_LINES = 500
_SOURCES_FOR_KIND = {
    "publication": {LookupKey.Source.PUBLICATION},
    "application": set(LookupKey.LINKING),
    "priority": set(LookupKey.LINKING),
    "pct": set(LookupKey.LINKING),
}


@dataclass
class SearchLine:
    typed: str
    number: numbers.PatentNumber | None = None
    error: str = ""
    matches: list[Application] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)

    @property
    def family_ids(self) -> list[int]:
        return sorted({a.family_id for a in self.matches})

    @property
    def found(self) -> bool:
        return bool(self.matches)


def _parse_line(text: str, default_office: str | None) -> numbers.PatentNumber:
    try:
        return numbers.normalise(text)
    except numbers.InvalidNumber as first:
        # A number without an office code most likely belongs to the examiner's own office.
        if default_office:
            try:
                return numbers.normalise(text, office=default_office)
            except numbers.InvalidNumber:
                pass
        raise first


def search_lines_split(text: str) -> list[str]:
    lines = [line.strip() for line in (text or "").replace(";", "\n").splitlines()]
    return [line for line in lines if line][:MAX_SEARCH_LINES]


def search_resolve(*, user, text: str) -> list[SearchLine]:
    """Resolve one number or many (one per line) with one indexed lookup for all of them."""
    default_office = getattr(getattr(user, "office", None), "code", None)
    lines = []
    for typed in search_lines_split(text):
        line = SearchLine(typed=typed)
        try:
            line.number = _parse_line(typed, default_office)
        except numbers.InvalidNumber as exc:
            line.error = str(exc)
        lines.append(line)
    keys = {k for ln in lines if ln.number for k in (ln.number.key, *ln.number.candidates)}
    if not keys:
        return lines
    by_key: dict[str, list[LookupKey]] = defaultdict(list)
    rows = (
        LookupKey.objects.filter(key__in=keys, application__in=Application.objects.visible_to(user))
        .select_related("application__office")
        .order_by("application__filing_date", "application_id")
    )
    for row in rows:
        by_key[row.key].append(row)
    for line in lines:
        if not line.number:
            continue
        wanted = _SOURCES_FOR_KIND.get(line.number.kind, set(LookupKey.Source.values))
        seen = set()
        # The most likely key first; candidates only when it found nothing.
        for key in (line.number.key, *line.number.candidates):
            for row in by_key.get(key, []):
                if row.source in wanted and row.application_id not in seen:
                    seen.add(row.application_id)
                    line.matches.append(row.application)
                    line.sources.add(row.source)
            if line.matches:
                break
    return lines


@dataclass
class FamilyPage:
    family: Family
    members: list[Application]
    hidden_members: int
    citations: list[dict]
    citing_offices: list[str]
    focus: Application | None
    simple_ids: set[int]


def family_get_for_user(*, user, family_id: int, focus_id: int | None = None) -> FamilyPage:
    """The family page in a fixed number of queries, whatever the family size."""
    family = Family.objects.filter(pk=family_id).first()
    if family is None:
        raise Http404("No such family.")
    visible_docs = (
        Document.objects.visible_to(user)
        .live()
        .order_by("date", "pk")
        .prefetch_related(Prefetch("citations", queryset=Citation.objects.order_by("pk")))
    )
    members = list(
        Application.objects.visible_to(user)
        .filter(family=family)
        .select_related("office")
        .prefetch_related(
            "publications",
            "priority_claims",
            Prefetch("documents", queryset=visible_docs, to_attr="visible_documents"),
        )
        .order_by("filing_date", "key")
    )
    if not members:
        raise Http404("No such family.")
    labels = dict(Document.Category.choices)
    for member in members:
        grouped: dict[str, list[Document]] = {}
        for doc in member.visible_documents:
            grouped.setdefault(doc.category, []).append(doc)
        member.categories_available = set(grouped)
        member.documents_by_category = [
            (labels[cat], grouped[cat]) for cat in Document.Category.values if cat in grouped
        ]
    total = Application.objects.filter(family=family).count()
    focus = next((m for m in members if m.pk == focus_id), None)
    return FamilyPage(
        family=family,
        members=members,
        hidden_members=total - len(members),
        citations=_citation_rows(members),
        citing_offices=sorted({m.office.code for m in members if _citations_of(m)}),
        focus=focus,
        simple_ids=_simple_family_ids(members, focus or members[0]),
    )


def _citations_of(member: Application) -> list[Citation]:
    return [c for d in member.visible_documents for c in d.citations.all()]


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


def document_get_for_user(*, user, document_id: int) -> Document:
    doc = (
        Document.objects.visible_to(user)
        .live()
        .select_related("application__office")
        .filter(pk=document_id)
        .first()
    )
    if doc is None:
        raise Http404("No such document.")
    return doc


def document_download_name(document: Document) -> str:
    """<number>_<office>_<category>_<date>.pdf, the number in its canonical key form."""
    app = document.application
    category = document.category.replace("_", "-")
    return f"{app.key}_{app.office.code}_{category}_{document.date:%Y-%m-%d}.pdf"


def application_get_for_provider(*, user, application_id: int) -> Application:
    """An application its own providing office may write; anyone else gets the same 404."""
    office_id = getattr(user, "office_id", None)
    app = (
        Application.objects.select_related("office", "family")
        .filter(pk=application_id, office_id=office_id, office__provides=True)
        .first()
        if office_id
        else None
    )
    if app is None:
        raise Http404("No such application.")
    return app


def document_get_for_provider(*, user, document_id: int) -> Document:
    """A document (withdrawn ones too: their history is the office's) its own office may write."""
    office_id = getattr(user, "office_id", None)
    doc = (
        Document.objects.select_related("application__office")
        .filter(
            pk=document_id, application__office_id=office_id, application__office__provides=True
        )
        .first()
        if office_id
        else None
    )
    if doc is None:
        raise Http404("No such document.")
    return doc


def worklist_list_for_user(*, user):
    office = _office_of(user)
    return (
        Worklist.objects.filter(office=office)
        .select_related("created_by")
        .annotate(entry_count=Count("entries", distinct=True))
        .order_by("-created_at", "-pk")
    )


def worklist_get_for_user(*, user, worklist_id: int) -> Worklist:
    """The one fetch-and-authorise helper: another office's worklist is simply not found."""
    office = _office_of(user)
    worklist = Worklist.objects.filter(pk=worklist_id, office=office).first()
    if worklist is None:
        raise Http404("No such worklist.")
    return worklist


def package_get_for_user(*, user, package_id: int) -> Package:
    office = _office_of(user)
    package = (
        Package.objects.filter(pk=package_id, office=office).select_related("worklist").first()
    )
    if package is None:
        raise Http404("No such package.")
    return package


def _office_of(user) -> Office:
    office = getattr(user, "office", None)
    if office is None or getattr(user, "role", None) not in ("clerk", "office_admin"):
        # The same 404 as a missing page: examiners have no worklists to find.
        raise Http404("Worklists are for the clerks and admins of an office.")
    return office
