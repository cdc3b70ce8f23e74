"""Writes for applications, families and documents.

Family rule: applications sharing any linking number (own number, a priority number or a PCT
number) belong to one extended family, transitively. Every upsert recomputes the connected
components of the families it touches, which merges on insert and splits when a link is removed.
"""

import datetime as dt
import hashlib
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
    doc.file.save("report.pdf", File(reader), save=False)
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
