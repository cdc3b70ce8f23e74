import datetime as dt
import hashlib
import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stats.models import Action
from stats.services import usage_record

from .. import numbers, selectors, signals
from ..models import Application, Citation, Document, PackageChange, correction_words
from . import packages

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


class _HashingReader:
    """Wraps an upload so the hash and size are computed while storage streams it (one pass).

    A storage may read the start again (S3 clients checksum a part, seek back and send it):
    only bytes past those already hashed count."""

    def __init__(self, fileobj):
        self._f = fileobj
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n=-1):
        start = self._f.tell()
        chunk = self._f.read(n)
        if start <= self.size < start + len(chunk):
            self.sha.update(chunk[self.size - start :])
            self.size = start + len(chunk)
        return chunk

    def finish(self) -> None:
        """Hash what the storage skipped over, if it did not read the file from end to end."""
        self._f.seek(self.size)
        while chunk := self._f.read(1024 * 1024):
            self.sha.update(chunk)
            self.size += len(chunk)

    def __getattr__(self, name):
        return getattr(self._f, name)


PDF_UNREADABLE = gettext_lazy("The PDF is damaged or truncated and cannot be read")


@contextmanager
def _parser_faults_as_bad_input():
    """Every fault of a PDF parser (pypdf, pikepdf; a decompression bomb's LimitReachedError
    included) becomes the one message for the person who uploaded the file."""
    try:
        yield
    except ValidationError:
        raise
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - any parser fault is bad input
        raise ValidationError(
            _("%(problem)s (%(error)s).") % {"problem": PDF_UNREADABLE, "error": type(exc).__name__}
        ) from exc


def pdf_inspect(fileobj) -> int:
    """Validate a PDF without loading it whole; returns the page count.

    Raises ValidationError with a message for the person who uploaded it; every parser fault
    (pypdf's LimitReachedError for a decompression bomb included) becomes that message.
    """
    from pypdf import PdfReader

    fileobj.seek(0)
    head = fileobj.read(1024)
    if not head:
        raise ValidationError(_("The file is empty."))
    if PDF_MAGIC not in head:
        raise ValidationError(_("This is not a PDF file (it does not start with %PDF-)."))
    fileobj.seek(0)
    with _parser_faults_as_bad_input():
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is encrypted or password-protected; upload it unlocked.")
            )
        pages = len(reader.pages)
    if pages < 1:
        raise ValidationError(_("The PDF has no pages."))
    if pages > settings.UPLOAD_MAX_PAGES:
        raise ValidationError(
            _(
                "The PDF has %(pages)s pages; the limit is %(limit)s. Split it into several "
                "documents."
            )
            % {"pages": f"{pages:,}", "limit": f"{settings.UPLOAD_MAX_PAGES:,}"}
        )
    fileobj.seek(0)
    return pages


# Actions a report never needs; links (URI), jumps within the file (GoTo) and named page
# actions stay. Everything else runs code, opens files or talks to the network.
_SAFE_ACTIONS = {"/GoTo", "/URI", "/Named"}
_TRIGGER_KEYS = ("/OpenAction", "/AA", "/JS")


def pdf_sanitise(fileobj) -> tuple[object, list[str]]:
    """Remove JavaScript, automatic and launch actions and embedded files; bound decompression.

    Returns (file to store, what was removed). The file is the upload itself when nothing had
    to go, else a cleaned copy. Raises ValidationError for bombs and unreadable files."""
    import tempfile
    import zlib

    import pikepdf

    fileobj.seek(0)
    removed: set[str] = set()
    budget = [settings.UPLOAD_MAX_DECOMPRESSED_BYTES]

    def inflate_check(stream) -> None:
        filters = stream.get("/Filter")
        first = filters[0] if isinstance(filters, pikepdf.Array) and len(filters) else filters
        if first != pikepdf.Name.FlateDecode:
            return
        out = zlib.decompressobj().decompress(stream.read_raw_bytes(), budget[0] + 1)
        budget[0] -= len(out)
        if budget[0] < 0:
            limit = settings.UPLOAD_MAX_DECOMPRESSED_BYTES // (1024 * 1024)
            raise ValidationError(
                _(
                    "The PDF unpacks to more than %(limit)s MB; it cannot be accepted (a "
                    "compression bomb, or far larger than any report)."
                )
                % {"limit": limit}
            )

    def clean(obj, seen: set) -> None:
        if isinstance(obj, pikepdf.Stream):
            key = obj.objgen
            if key in seen:
                return
            seen.add(key)
            try:
                inflate_check(obj)
            except zlib.error:
                pass  # a damaged stream: viewers show nothing of it; not ours to refuse
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            if obj.is_indirect:
                if obj.objgen in seen:
                    return
                seen.add(obj.objgen)
            for key in _TRIGGER_KEYS:
                if key in obj:
                    del obj[key]
                    removed.add(key[1:])
            names = obj.get("/Names")
            if isinstance(names, pikepdf.Dictionary):
                for key in ("/JavaScript", "/EmbeddedFiles"):
                    if key in names:
                        del names[key]
                        removed.add(key[1:])
            # Embedded file streams (/EF of a file spec), associated files (/AF), attachment
            # annotations (/FS): wherever they hang, the file goes.
            for key in ("/EF", "/AF", "/FS"):
                if key in obj and (key != "/FS" or obj.get("/Subtype") != pikepdf.Name.Link):
                    del obj[key]
                    removed.add("EmbeddedFiles")
            for key in list(obj.keys()):
                value = obj.get(key)
                if isinstance(value, pikepdf.Dictionary) and "/S" in value:
                    kind = str(value.get("/S"))
                    if key in ("/A", "/Next") and kind not in _SAFE_ACTIONS:
                        del obj[key]
                        removed.add(kind[1:])
                        continue
                if key not in ("/Parent", "/P"):
                    clean(value, seen)
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                clean(item, seen)

    with _parser_faults_as_bad_input(), pikepdf.open(fileobj) as pdf:
        clean(pdf.trailer, set())
        if not removed:
            fileobj.seek(0)
            return fileobj, []
        out = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
        pdf.save(out)
    out.seek(0)
    return out, sorted(removed)


STORAGE_UNAVAILABLE = gettext_lazy(
    "The portal could not store the file (storage full or unavailable); nothing was saved. "
    "Try again later."
)


# Categories a priority document is filed under: the only ones that may predate the filing.
PRIORITY_CATEGORIES = (Document.Category.CLAIMS, Document.Category.OTHER)


def document_date_check(
    *, application: Application, category: str, date: dt.date, before_filing_ok: bool = False
) -> None:
    """The one rule for a document's date (form and API): never in the future; never before
    the application's filing date, except a priority document the uploader confirms."""
    if date is None:
        return
    today = timezone.localdate()
    if date > today:
        raise ValidationError(
            {
                "date": _("The date %(date)s is in the future; documents are dated when issued.")
                % {"date": f"{date:%Y-%m-%d}"}
            }
        )
    filed = application.filing_date
    if filed and date < filed:
        if before_filing_ok and category in PRIORITY_CATEGORIES:
            return
        hint = (
            " " + _("If this is a priority document, confirm its date.")
            if category in PRIORITY_CATEGORIES
            else ""
        )
        raise ValidationError(
            {
                "date": _("The date %(date)s is before %(number)s was filed (%(filed)s).%(hint)s")
                % {
                    "date": f"{date:%Y-%m-%d}",
                    "number": application.display,
                    "filed": f"{filed:%Y-%m-%d}",
                    "hint": hint,
                }
            }
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
    actor=None,
    via_api: bool = False,
    before_filing_ok: bool = False,
) -> Document:
    """Validate, stream to storage and commit one report: the file and the row stand or fall
    together. The upload is counted for `actor` (default: the uploading person); documents
    loaded with nobody at the keyboard (demo, imports) are not counted."""
    size = getattr(file, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            _("The file is larger than the %(limit)s MB limit.") % {"limit": limit}
        )
    document_date_check(
        application=application, category=category, date=date, before_filing_ok=before_filing_ok
    )
    pages = pdf_inspect(file)
    # Readers open reports in the browser's own PDF viewer: nothing in them may run there.
    cleaned, removed = pdf_sanitise(file)
    reader = _HashingReader(cleaned)
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
        removed_content=removed,
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
        reader.finish()
        doc.sha256 = reader.sha.hexdigest()
        doc.size = reader.size
        if doc.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is larger than the upload limit."))
        if Document.objects.live().filter(application=application, sha256=doc.sha256).exists():
            raise ValidationError(
                _("This file was already uploaded for %(number)s; it was not added again.")
                % {"number": application.display}
            )
        doc.full_clean(exclude=["file"])
        doc.save()
        signals.document_added.send(sender=Document, document=doc, user=uploaded_by)
    except BaseException:
        doc.file.storage.delete(doc.file.name)
        raise
    actor = actor if actor is not None else uploaded_by
    if actor is not None:
        usage_record(
            action=Action.UPLOAD,
            user=actor,
            via_api=via_api,
            provider_office=application.office,
            application_id=application.pk,
            document_id=doc.pk,
        )
    # Should an enclosing transaction roll back after this, the stored file is a stray that
    # `manage.py documents_cleanup` removes; it is never reachable, as only rows are served.
    return doc


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
    before_filing_ok: bool = False,
) -> Document:
    """Correct a document's metadata (the file itself is replaced by withdraw + upload)."""
    document = (
        Document.objects.select_for_update().select_related("application").get(pk=document.pk)
    )
    if document.withdrawn_at is not None:
        raise ValidationError(_("This document was withdrawn; it can no longer be corrected."))
    document_date_check(
        application=document.application,
        category=category,
        date=date,
        before_filing_ok=before_filing_ok,
    )
    before = {"date": document.date, "category": document.category}
    document.category = category
    document.date = date
    document.code = code
    document.language = language
    document.direction = direction
    document.full_clean(exclude=["file"])
    document.save(update_fields=["category", "date", "code", "language", "direction"])
    signals.document_corrected.send(sender=Document, document=document, user=user, before=before)
    if correction_text(document, before):  # a change a reader of the package notices
        packages.packages_flag_document(
            document=document,
            kind=PackageChange.Kind.CORRECTED,
            delivered=before,
            changed_on=timezone.localdate(),
        )
    return document


def correction_text(document: Document, before: dict) -> str:
    """What a correction changed that a reader notices (date, category), in words."""
    return correction_words(before, {"category": document.category, "date": document.date})


# The page's form says it too, so the page, the API and the admin refuse alike.
WITHDRAW_REASON_REQUIRED = gettext_lazy("Say why the document is withdrawn.")
WITHDRAWN_REASON_FIELD = Document._meta.get_field("withdrawn_reason")


@transaction.atomic
def document_withdraw(*, document: Document, user=None, reason: str = "") -> Document:
    """Withdraw: the row and file stay (history); other offices stop seeing it at once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": WITHDRAW_REASON_REQUIRED})
    if "\x00" in reason:  # PostgreSQL cannot store it (the API's ?reason= reaches here as typed)
        raise ValidationError({"reason": ProhibitNullCharactersValidator.message})
    try:  # the model field's max_length, in the page form's words: a reason is never cut
        WITHDRAWN_REASON_FIELD.run_validators(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    # The conditional UPDATE makes a double submit withdraw (and announce) only once.
    changed = Document.objects.filter(pk=document.pk, withdrawn_at=None).update(
        withdrawn_at=timezone.now(), withdrawn_reason=reason
    )
    document.refresh_from_db()
    if not changed:
        raise ValidationError(_("This document was already withdrawn."))
    signals.document_withdrawn.send(sender=Document, document=document, user=user, reason=reason)
    packages.packages_flag_withdrawn(document=document)
    return document


def _citation_category(text: str) -> str:
    letters = [c for c in (text or "").upper().replace(",", " ").split() if c]
    if len(letters) == 1 and len(letters[0]) > 1 and "," not in text:
        letters = list(letters[0])  # "XY" typed without separator
    allowed = set(Citation.Category.values)
    bad = [c for c in letters if c not in allowed]
    if not letters or bad:
        raise ValidationError(
            {
                "category": _("Use the letters %(letters)s, e.g. X or X,Y.")
                % {"letters": ", ".join(sorted(allowed))}
            }
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
        raise ValidationError(
            _("Give either a cited patent number or a non-patent literature text.")
        )
    citation = Citation(
        document=document,
        npl_text=npl_text,
        category=_citation_category(category),
        claims=(claims or "").strip(),
    )
    if cited_number:
        try:
            # A bare number most likely belongs to the citing office.
            parsed = selectors.number_read(
                cited_number, fallback_office=document.application.office.code
            )
        except numbers.InvalidNumber as exc:
            raise ValidationError({"cited_number": str(exc)}) from exc
        citation.cited_key = parsed.key
        citation.cited_display = parsed.display
    citation.full_clean()
    citation.save()
    return citation
