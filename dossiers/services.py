"""Writes for applications, families and documents.

Family rule: applications sharing any linking number (own number, a priority number or a PCT
number) belong to one extended family, transitively. Every upsert recomputes the connected
components of the families it touches, which merges on insert and splits when a link is removed.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from offices.models import Office

from . import numbers, signals
from .models import Application, Document, Family, LookupKey, PriorityClaim, Publication

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PriorityIn:
    office: str
    number: str
    date: dt.date | None = None


@dataclass(frozen=True)
class PublicationIn:
    number: str
    date: dt.date | None = None


def _parse(text: str, field: str, **kwargs) -> numbers.PatentNumber:
    try:
        return numbers.normalise(text, **kwargs)
    except numbers.InvalidNumber as exc:
        raise ValidationError({field: str(exc)}) from exc


@transaction.atomic
def application_upsert(
    *,
    office: Office,
    number: str,
    filing_date: dt.date | None = None,
    title: str = "",
    applicants: Sequence[str] = (),
    status: str | None = None,
    published: bool | None = None,
    priorities: Iterable[PriorityIn] = (),
    publications: Iterable[PublicationIn] = (),
    pct: str | None = None,
    examination_date: dt.date | None = None,
    user=None,
) -> Application:
    """Create or update one application (idempotent on its canonical key) and its family."""
    parsed = _parse(number, "number", office=office.code, kind="application", filed=filing_date)
    if parsed.office not in (office.code, "WO"):
        raise ValidationError(
            {"number": f"{parsed.display} is a {parsed.office} number, not one of {office.code}."}
        )
    prios = [
        (p, _parse(p.number, "priorities", office=p.office or None, kind="priority", filed=p.date))
        for p in priorities
    ]
    pubs = [
        (p, _parse(p.number, "publications", office=office.code, kind="publication"))
        for p in publications
    ]
    pct_parsed = _parse(pct, "pct", kind="pct") if pct else None

    app = Application.objects.select_for_update().filter(key=parsed.key).first()
    created = app is None
    old_family_id = None if created else app.family_id
    if created:
        app = Application(key=parsed.key, office=office, family=Family.objects.create())
    elif app.office_id != office.pk:
        raise ValidationError({"number": f"{parsed.display} belongs to another office."})
    app.display = parsed.display
    app.is_pct = parsed.office == "WO"
    app.filing_date = filing_date or app.filing_date
    app.title = title or app.title
    app.applicants = list(applicants) or app.applicants
    if status:
        app.status = status
    if published is not None:
        app.published = published
    elif pubs:
        app.published = True
    if examination_date:
        app.examination_date = examination_date
    app.pct_key = pct_parsed.key if pct_parsed else ""
    app.pct_display = pct_parsed.display if pct_parsed else ""
    app.updated_at = timezone.now()
    app.full_clean(exclude=["family"])
    app.save()

    app.priority_claims.all().delete()
    PriorityClaim.objects.bulk_create(
        [
            PriorityClaim(
                application=app, office_code=pn.office, key=pn.key, display=pn.display, date=p.date
            )
            for p, pn in prios
            if pn.key != app.key
        ]
    )
    for p, pn in pubs:
        Publication.objects.update_or_create(
            application=app,
            key=pn.key,
            kind_code=pn.kind_code or "",
            defaults={"display": pn.display, "date": p.date},
        )
    _lookup_keys_write(app)
    _families_recompute({old_family_id, app.family_id} - {None}, app)
    app.refresh_from_db(fields=["family"])
    signals.application_saved.send(sender=Application, application=app, created=created, user=user)
    return app


def _lookup_keys_write(app: Application) -> None:
    rows = {(app.key, LookupKey.Source.APPLICATION)}
    rows |= {
        (k, LookupKey.Source.PRIORITY) for k in app.priority_claims.values_list("key", flat=True)
    }
    rows |= {
        (k, LookupKey.Source.PUBLICATION) for k in app.publications.values_list("key", flat=True)
    }
    if app.pct_key:
        rows.add((app.pct_key, LookupKey.Source.PCT))
    app.lookup_keys.all().delete()
    LookupKey.objects.bulk_create(
        [LookupKey(application=app, key=key, source=source) for key, source in rows]
    )


def _families_recompute(family_ids: set[int], app: Application) -> None:
    """Re-derive the connected components of the families touched by `app`."""
    my_links = list(
        app.lookup_keys.filter(source__in=LookupKey.LINKING).values_list("key", flat=True)
    )
    linked = set(
        LookupKey.objects.filter(key__in=my_links, source__in=LookupKey.LINKING).values_list(
            "application__family_id", flat=True
        )
    )
    family_ids = set(family_ids) | linked
    # Lock in id order so two concurrent merges cannot deadlock or interleave.
    list(Family.objects.select_for_update().filter(pk__in=family_ids).order_by("pk"))
    members = list(Application.objects.filter(family_id__in=family_ids).only("id", "family_id"))
    links = LookupKey.objects.filter(
        application__family_id__in=family_ids, source__in=LookupKey.LINKING
    ).values_list("application_id", "key")

    parent = {m.pk: m.pk for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_by_key: dict[str, int] = {}
    for app_id, key in links:
        if key in first_by_key:
            a, b = find(app_id), find(first_by_key[key])
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_by_key[key] = app_id

    components: dict[int, list[Application]] = {}
    for m in members:
        components.setdefault(find(m.pk), []).append(m)
    # The biggest component keeps the oldest family id so permalinks stay stable.
    free = sorted(family_ids)
    now = timezone.now()
    for comp in sorted(components.values(), key=lambda c: (-len(c), min(m.pk for m in c))):
        fam_id = free.pop(0) if free else Family.objects.create().pk
        Application.objects.filter(pk__in=[m.pk for m in comp]).exclude(family_id=fam_id).update(
            family_id=fam_id
        )
        Family.objects.filter(pk=fam_id).update(updated_at=now)
    if free:
        Family.objects.filter(pk__in=free, members__isnull=True).delete()


class _HashingReader:
    """Wraps an upload so the hash and size are computed while storage streams it (one pass)."""

    def __init__(self, fileobj):
        self._f = fileobj
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n=-1):
        chunk = self._f.read(n)
        self.sha.update(chunk)
        self.size += len(chunk)
        return chunk

    def __getattr__(self, name):
        return getattr(self._f, name)


def pdf_inspect(fileobj) -> int:
    """Validate a PDF without loading it whole; returns the page count.

    Raises ValidationError with a message for the person who uploaded it.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    fileobj.seek(0)
    head = fileobj.read(1024)
    if not head:
        raise ValidationError("The file is empty.")
    if PDF_MAGIC not in head:
        raise ValidationError("This is not a PDF file (it does not start with %PDF-).")
    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            raise ValidationError("The PDF is encrypted or password-protected; upload it unlocked.")
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
    ) as exc:
        raise ValidationError(
            f"The PDF is damaged or truncated and cannot be read ({exc})."
        ) from exc
    if pages < 1:
        raise ValidationError("The PDF has no pages.")
    fileobj.seek(0)
    return pages


STORAGE_UNAVAILABLE = (
    "The portal could not store the file (storage full or unavailable); nothing was saved. "
    "Try again later."
)


class StorageUnavailable(Exception):
    """The file could not be written (disk full, storage down): a server fault, not bad input."""


@transaction.atomic
def document_add(
    *,
    application: Application,
    file,
    category: str,
    date: dt.date,
    code: str = "",
    language: str = "en",
    direction: str = Document.Direction.OUTGOING,
    original_name: str = "",
    uploaded_by=None,
) -> Document:
    """Validate, stream to storage and commit one report: the file and the row stand or fall
    together."""
    size = getattr(file, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The file is larger than the {limit} MB limit.")
    pages = pdf_inspect(file)
    reader = _HashingReader(file)
    doc = Document(
        application=application,
        category=category,
        code=code,
        date=date,
        language=language,
        direction=direction,
        pages=pages,
        original_name=(original_name or getattr(file, "name", "") or "")[:255],
        uploaded_by=uploaded_by,
        sha256="0" * 64,
    )
    # Storage streams in chunks; the name is ours, never the uploaded one.
    storage = doc.file.storage
    name = doc.file.field.generate_filename(doc, "report.pdf")
    try:
        doc.file = storage.save(name, File(reader), max_length=doc.file.field.max_length)
    except OSError as exc:
        # A full disk leaves part of the file behind under our name; nothing points at it.
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not remove the partial file %s", name, exc_info=True)
        logger.error("Storing an upload for %s failed: %s", application.key, exc)
        raise StorageUnavailable(STORAGE_UNAVAILABLE) from exc
    try:
        doc.sha256 = reader.sha.hexdigest()
        doc.size = reader.size
        if doc.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError("The file is larger than the upload limit.")
        if Document.objects.live().filter(application=application, sha256=doc.sha256).exists():
            raise ValidationError(
                f"This file was already uploaded for {application.display}; it was not added again."
            )
        doc.full_clean(exclude=["file"])
        doc.save()
        signals.document_added.send(sender=Document, document=doc, user=uploaded_by)
    except BaseException:
        doc.file.storage.delete(doc.file.name)
        raise
    # Should an enclosing transaction roll back after this, the stored file is a stray that
    # `manage.py documents_cleanup` removes; it is never reachable, as only rows are served.
    return doc


# --- providing (issue 5) ---

from django.http import Http404  # noqa: E402

from .models import Citation  # noqa: E402

APPLICATION_BULK_MAX = 1000


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


def _date_in(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({field: f"{value!r} is not a date; use YYYY-MM-DD."}) from exc


def _text_in(value, field: str, *, max_length: int = 2000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: "Must be text."})
    if len(value) > max_length:
        raise ValidationError({field: f"At most {max_length} characters."})
    return value.strip()


def application_in_parse(data, *, office: Office) -> dict:
    """Turn one JSON application (API, bulk file) into application_upsert keyword arguments.

    The one validator for machine input, so the endpoint, the bulk endpoint and the import
    command accept exactly the same documents. Raises ValidationError with field errors.
    """
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": "Each application must be a JSON object."})
    errors: dict[str, list[str]] = {}

    def take(fn):
        try:
            return fn()
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                errors.setdefault(name, []).extend(msgs)
            return None

    code = str(data.get("office") or office.code).strip().upper()
    if code != office.code:
        errors["office"] = [f"This key provides for {office.code} only, not {code}."]
    number = _text_in(data.get("number"), "number", max_length=100) if "number" in data else ""
    if not number:
        errors.setdefault("number", []).append("The application number is required.")
    out: dict = {"office": office, "number": number}
    out["filing_date"] = take(lambda: _date_in(data.get("filing_date"), "filing_date"))
    out["examination_date"] = take(
        lambda: _date_in(data.get("examination_date"), "examination_date")
    )
    out["title"] = take(lambda: _text_in(data.get("title"), "title")) or ""
    applicants = data.get("applicants") or []
    if not isinstance(applicants, list) or not all(isinstance(a, str) for a in applicants):
        errors["applicants"] = ["A list of names."]
    else:
        out["applicants"] = [a.strip() for a in applicants if a.strip()][:100]
    status = data.get("status")
    if status not in (None, "") and status not in Application.Status.values:
        errors["status"] = [f"One of: {', '.join(Application.Status.values)}."]
    out["status"] = status or None
    published = data.get("published")
    if published is not None and not isinstance(published, bool):
        errors["published"] = ["true or false."]
    out["published"] = published
    pct = data.get("pct")
    out["pct"] = take(lambda: _text_in(pct, "pct", max_length=100)) or None
    prios, pubs = [], []
    for name, target, item_fields in (
        ("priorities", prios, ("office", "number", "date")),
        ("publications", pubs, ("number", "date")),
    ):
        items = data.get(name) or []
        if not isinstance(items, list) or len(items) > 200:
            errors[name] = ["A list (at most 200) of objects."]
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("number"), str):
                errors.setdefault(name, []).append(f"Item {i + 1}: an object with a number.")
                continue
            when = take(lambda item=item, name=name: _date_in(item.get("date"), name))
            if "office" in item_fields:
                cc = item.get("office") or ""
                if not isinstance(cc, str):
                    errors.setdefault(name, []).append(f"Item {i + 1}: office must be text.")
                    continue
                target.append(PriorityIn(cc.strip().upper(), item["number"][:100], when))
            else:
                target.append(PublicationIn(item["number"][:100], when))
    out["priorities"], out["publications"] = prios, pubs
    if errors:
        raise ValidationError(errors)
    return out


def application_provide(*, office: Office, data, user=None) -> tuple[Application, bool]:
    """Validate one JSON application and upsert it; returns (application, created)."""
    kwargs = application_in_parse(data, office=office)
    try:
        key = numbers.normalise(
            kwargs["number"], office=office.code, kind="application", filed=kwargs["filing_date"]
        ).key
    except numbers.InvalidNumber as exc:
        raise ValidationError({"number": str(exc)}) from exc
    existed = Application.objects.filter(key=key).exists()
    app = application_upsert(user=user, **kwargs)
    return app, not existed


def application_bulk_upsert(*, office: Office, items, user=None, progress=None) -> list[dict]:
    """All-or-nothing per item: each application commits in its own savepoint, so one bad item
    never undoes the others. Returns one result per item, in order."""
    if not isinstance(items, list):
        raise ValidationError({"applications": "A list of applications."})
    if len(items) > APPLICATION_BULK_MAX:
        raise ValidationError(
            {"applications": f"At most {APPLICATION_BULK_MAX} applications per call."}
        )
    results = []
    for index, item in enumerate(items):
        try:
            with transaction.atomic():
                app, created = application_provide(office=office, data=item, user=user)
        except ValidationError as exc:
            errors = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            number = item.get("number") if isinstance(item, dict) else None
            # Echo what was sent only when it was text: the result says "number" is a string.
            number = number if isinstance(number, str) else None
            results.append({"index": index, "number": number, "status": "error", "errors": errors})
        else:
            results.append(
                {
                    "index": index,
                    "number": item.get("number"),
                    "status": "created" if created else "updated",
                    "id": app.pk,
                    "key": app.key,
                    "display": app.display,
                    "family": app.family_id,
                }
            )
        if progress is not None:
            progress(index + 1)
    return results


def bulk_summary(results: list[dict]) -> dict:
    counts = {"created": 0, "updated": 0, "error": 0}
    for r in results:
        counts[r["status"]] += 1
    return {"total": len(results), **counts}


@transaction.atomic
def document_correct(
    *,
    document: Document,
    user=None,
    category: str,
    date: dt.date,
    code: str = "",
    language: str = "en",
    direction: str = Document.Direction.OUTGOING,
) -> Document:
    """Correct a document's metadata (the file itself is replaced by withdraw + upload)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.withdrawn_at is not None:
        raise ValidationError("This document was withdrawn; it can no longer be corrected.")
    document.category = category
    document.date = date
    document.code = code
    document.language = language
    document.direction = direction
    document.full_clean(exclude=["file"])
    document.save(update_fields=["category", "date", "code", "language", "direction"])
    return document


@transaction.atomic
def document_withdraw(*, document: Document, user=None, reason: str = "") -> Document:
    """Withdraw: the row and file stay (history); other offices stop seeing it at once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the document is withdrawn."})
    # The conditional UPDATE makes a double submit withdraw (and announce) only once.
    changed = Document.objects.filter(pk=document.pk, withdrawn_at=None).update(
        withdrawn_at=timezone.now(), withdrawn_reason=reason[:300]
    )
    document.refresh_from_db()
    if not changed:
        raise ValidationError("This document was already withdrawn.")
    signals.document_withdrawn.send(sender=Document, document=document, user=user, reason=reason)
    return document


def _citation_category(text: str) -> str:
    letters = [c for c in (text or "").upper().replace(",", " ").split() if c]
    if len(letters) == 1 and len(letters[0]) > 1 and "," not in text:
        letters = list(letters[0])  # "XY" typed without separator
    allowed = set(Citation.Category.values)
    bad = [c for c in letters if c not in allowed]
    if not letters or bad:
        raise ValidationError(
            {"category": f"Use the letters {', '.join(sorted(allowed))}, e.g. X or X,Y."}
        )
    return ",".join(dict.fromkeys(letters))


@transaction.atomic
def citation_add(
    *,
    document: Document,
    cited_number: str = "",
    npl_text: str = "",
    category: str,
    claims: str = "",
    user=None,
) -> Citation:
    """A citation is a patent number (normalised) or a non-patent literature reference."""
    cited_number, npl_text = (cited_number or "").strip(), (npl_text or "").strip()
    if bool(cited_number) == bool(npl_text):
        raise ValidationError("Give either a cited patent number or a non-patent literature text.")
    citation = Citation(
        document=document,
        npl_text=npl_text,
        category=_citation_category(category),
        claims=(claims or "").strip(),
    )
    if cited_number:
        try:
            parsed = numbers.normalise(cited_number)
        except numbers.InvalidNumber as first:
            # A bare number most likely belongs to the citing office.
            try:
                parsed = numbers.normalise(cited_number, office=document.application.office.code)
            except numbers.InvalidNumber:
                raise ValidationError({"cited_number": str(first)}) from first
        citation.cited_key = parsed.key
        citation.cited_display = parsed.display
    citation.full_clean()
    citation.save()
    return citation
