"""The family page's reads, few and fixed whatever the family's size (issue 20).

- `members_read`: the members with their family, office, publications and priority claims in one
  query (the two lists come as JSON arrays from correlated subqueries, not as two prefetches).
- `documents_read`: their visible documents with each one's citations, in one query.
- `offices_read`: every office with whether its policy admits the reader's office, kept per
  process (offices change rarely) and read again when any office or policy changes.

The caller (selectors.family_get_for_user) passes functions building querysets already scoped
to the reader, and what that scoping reads of the reader (its shape: the SQL is compiled once
per shape, case_portal/compiled.py): access checks stay in the selector.
"""

import datetime as dt
import time
import uuid
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from case_portal import sql as sql_dialect
from case_portal.compiled import compiled_rows
from offices.models import Office

from .models import Application, Citation, Document, PriorityClaim, Publication


def _json_rows(model: type[models.Model], fk: str, fields: tuple[str, ...], order: str) -> RawSQL:
    """A correlated subquery: the rows of `model` whose `fk` points at the outer row, as a JSON
    array. Written as SQL once per process: the ORM's JSONBAgg(JSONObject(...)) subquery cost
    more to compile on every page than the query took to run (profile in docs/benchmarks.md)."""
    meta = model._meta
    outer = meta.get_field(fk).related_model._meta
    pairs = ", ".join(f"'{f}', t.{meta.get_field(f).column}" for f in fields)
    fk_column, table = meta.get_field(fk).column, meta.db_table
    where = f't.{fk_column} = "{outer.db_table}"."{outer.pk.column}"'
    # Table and column names from the models, no outside input.
    if sql_dialect.is_postgres(connection):
        sql = (
            f"(SELECT jsonb_agg(jsonb_build_object({pairs}) ORDER BY {order}) "  # noqa: S608
            f"FROM {table} t WHERE {where})"
        )
    else:  # SQLite (the demo): aggregates in the order its subquery reads
        sql = (
            f"(SELECT json_group_array(json_object({pairs})) "  # noqa: S608
            f"FROM (SELECT * FROM {table} t WHERE {where} ORDER BY {order}) t)"
        )
    return RawSQL(sql, (), output_field=models.JSONField())  # noqa: S611


_CLAIMS = _json_rows(
    PriorityClaim, "application", ("id", "office_code", "key", "display", "date"), "t.date, t.key"
)
_PUBLICATIONS = _json_rows(
    Publication, "application", ("id", "key", "display", "kind_code", "date"), "t.date, t.key"
)
_CITATIONS = _json_rows(
    Citation,
    "document",
    ("id", "cited_key", "cited_display", "npl_text", "category", "claims"),
    "t.id",
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


_blanks: dict[type, models.QuerySet] = {}


def _as_prefetched(instance: models.Model, name: str, rows: list) -> None:
    """Make `instance.<name>.all()` return `rows` with no query, as prefetch_related leaves it
    (the templates, dossiers/family_page.py, the API and the download index read them so).

    The holder is a copy of one empty queryset (.none()) carrying the rows, not the filtered
    queryset prefetch_related builds per instance: building those was a fifth of the
    selector's time. Chaining on it (.filter(), .all().all()) gives nothing, never another row."""
    model = getattr(type(instance), name).rel.related_model
    blank = _blanks.get(model)
    if blank is None:
        blank = _blanks[model] = model._default_manager.none()
    holder = object.__new__(type(blank))
    holder.__dict__.update(blank.__dict__)  # shares the empty query: chaining clones it first
    holder._result_cache = rows
    holder._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = holder


def _rows_of(model: type[models.Model], parent: models.Model, fk: str, rows: list[dict]) -> list:
    """`rows` (from _json_rows) as `model` instances of `parent`, made as rows read from the
    database are (Model.from_db): building them with `fk=parent` would pass through the
    relation's setter, which asks the router for a write database and so pins the reader's
    requests to the primary (case_portal/db_router.py)."""
    field = model._meta.get_field(fk)
    if not rows:
        return []
    given = {field.attname, *rows[0]}
    names = [f.attname for f in model._meta.concrete_fields if f.attname in given]  # its order
    out = []
    for row in rows:
        row[field.attname] = parent.pk
        values = [_date(row[n]) if n == "date" else row[n] for n in names]
        obj = model.from_db(parent._state.db, names, values)
        field.set_cached_value(obj, parent)
        out.append(obj)
    return out


def members_read(
    members: Callable[[int], models.QuerySet], *, family_id: int, shape: Hashable
) -> list[Application]:
    """`members(family_id)` (built and scoped by the caller) with family, office, publications
    and priority claims. Its SQL is compiled once per `shape`, what the caller's scoping reads
    of the reader (case_portal/compiled.py): building and compiling it was a tenth of the page."""

    def build(values):
        return (
            members(values[0])
            .select_related("family", "office", "office__service")
            .annotate(claims_json=_CLAIMS, publications_json=_PUBLICATIONS)
        )

    found = compiled_rows(build, shape=("family members", shape), values=[family_id], prepared=True)
    for m in found:
        claims = _rows_of(PriorityClaim, m, "application", m.claims_json or [])
        publications = _rows_of(Publication, m, "application", m.publications_json or [])
        del m.claims_json, m.publications_json
        _as_prefetched(m, "priority_claims", claims)
        _as_prefetched(m, "publications", publications)
    return found


def documents_read(
    documents: Callable[[], models.QuerySet], members: list[Application], *, shape: Hashable
) -> None:
    """Sets each member's `visible_documents` (date order) from `documents()` (built and
    scoped by the caller; its SQL kept per `shape` as members_read's), each with its citations
    and its member as `application`, and the member's `visible_citations` (theirs, in the same
    order)."""
    by_member: dict[int, Application] = {m.pk: m for m in members}
    for m in members:
        m.visible_documents = []
        m.visible_citations = []  # of those documents, read by the citations table

    def build(ids):
        return (
            documents()
            .filter(application_id__in=ids)
            .annotate(citations_json=_CITATIONS)
            .order_by("date", "pk")
        )

    rows = compiled_rows(
        build, shape=("family documents", shape), values=list(by_member), prepared=True
    )
    application = Document._meta.get_field("application")
    for doc in rows:
        member = by_member[doc.application_id]
        application.set_cached_value(doc, member)
        citations = _rows_of(Citation, doc, "document", doc.citations_json or [])
        del doc.citations_json
        _as_prefetched(doc, "citations", citations)
        member.visible_citations += citations
        member.visible_documents.append(doc)


# --- offices, kept per process --------------------------------------------------------------

_GENERATION_KEY = "dossiers:offices-generation"
_MAX_AGE = 300  # seconds: a backstop should the shared cache miss a change
# How long a process trusts the mark it last read: every search asks for the offices, and a
# round trip to the cache per search was a tenth of its time. Another process's change of an
# office shows here within this; this process's own at once (_office_written).
_MARK_AGE = 1.0
_kept: dict = {"generation": None, "at": 0.0, "by_office": {}}
_mark: dict = {"value": None, "at": 0.0}


def _generation() -> str:
    """The shared mark of the offices' last change (a new one when the cache lost it), read
    from the cache at most once per _MARK_AGE."""
    now = time.monotonic()
    kept = _mark["value"]
    if kept is not None and now - _mark["at"] < _MARK_AGE:
        return kept
    mark = cache.get(_GENERATION_KEY)
    if mark is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        mark = cache.get(_GENERATION_KEY) or ""
    _mark.update(value=mark, at=now)
    return mark


def offices_memo_clear() -> None:
    """Forget the mark this process read (with the cache it mirrors, e.g. between tests)."""
    _mark.update(value=None, at=0.0)


def _offices_changed() -> None:
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    offices_memo_clear()  # this process reads the new mark at once


@receiver(post_save, sender=Office, dispatch_uid="family_reads_office_saved")
@receiver(post_delete, sender=Office, dispatch_uid="family_reads_office_deleted")
@receiver(m2m_changed, sender=Office.shares_with.through, dispatch_uid="family_reads_policy")
def _office_written(**kwargs) -> None:
    # Now (this process and tests see it at once) and again after commit (another process may
    # have read the old rows between the two).
    _offices_changed()
    transaction.on_commit(_offices_changed)


def offices_read(own: Office | None) -> tuple[dict[str, Office], set[int]]:
    """({code: office}, ids of the offices whose policy admits `own`), per process."""
    generation = _generation()
    now = time.monotonic()
    if _kept["generation"] != generation or now - _kept["at"] > _MAX_AGE:
        _kept.update(generation=generation, at=now, by_office={})
    # This generation's entries: should another thread start a newer one meanwhile, what we
    # read goes into the old one, never under the newer mark.
    entries = _kept["by_office"]
    key = getattr(own, "pk", None)
    found = entries.get(key)
    if found is None:
        offices = {
            o.code: o
            for o in Office.objects.annotate(
                admits_user=Exists(
                    Office.objects.providers_visible_to(own).filter(pk=OuterRef("pk"))
                )
            )
        }
        found = (offices, {o.pk for o in offices.values() if o.admits_user})
        entries[key] = found
    return found
