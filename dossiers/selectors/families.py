"""The family page's reads, in a fixed number of queries, and a family's name for people."""

import functools
from dataclasses import dataclass, field

from django.db.models import F
from django.http import Http404
from django.utils.translation import get_language

from .. import family_page, family_reads
from ..federation.reads import remote_documents_start
from ..models import (
    Application,
    Citation,
    Document,
    Family,
    PriorityClaim,
    category_label,
    visibility_shape,
)


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
    reader = visibility_shape(user)  # what the scoping below reads of the user
    members = family_reads.members_read(
        lambda family: (
            Application.objects.visible_to(user)
            .filter(family_id=family)
            .order_by("filing_date", "key")
        ),
        family_id=family_id,
        shape=reader,
    )
    if not members:
        raise Http404("No such family.")
    family = members[0].family
    # Web-service offices' lists, in parallel, while the query below runs.
    remote_attach = remote_documents_start(members, user=user)
    family_reads.documents_read(
        lambda: Document.objects.visible_to(user).live(), members, shape=reader
    )
    focus = next((m for m in members if m.pk == focus_id), None)
    statuses = family_page.status_labels()
    for member in members:
        # Shown as text, made once here rather than by template filters (profile).
        member.filed = member.filing_date.isoformat() if member.filing_date else ""
        member.status_label = statuses.get(member.status, member.status)
        member.priorities_text = "; ".join(p.display for p in family_page.claims_of(member))
        member.forms = family_page.number_forms(
            member.key, office=member.office.code, filed=member.filing_date
        )
        member.links_html = family_page.links_html(member.forms.links)
        member.publication_rows = [
            (p, family_page.publication_links(p.key)) for p in family_page.publications_of(member)
        ]
    remote_attach()
    categories = Document.Category.values  # a list built on every use: once here
    view_url = family_page.url_maker("dossiers:document-detail")
    words, language = family_page.event_words(), get_language()
    for member in members:
        member.events_html = family_page.member_events_html(  # documents among them
            member, view_url=view_url, words=words, language=language
        )
        grouped: dict[str, list[Document]] = {}
        for doc in member.visible_documents:
            grouped.setdefault(doc.category, []).append(doc)
        member.categories_available = set(grouped)
        member.indicators_html = family_page.indicators_html(grouped)
        member.documents_by_category = [
            (category_label(cat), grouped[cat]) for cat in categories if cat in grouped
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
        keys = {p.key for p in family_page.claims_of(app)}
        return frozenset(keys or {app.key})  # a first filing is its own priority

    wanted = priorities(focus)
    return {m.pk for m in members if priorities(m) == wanted}


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
