"""Several of a family's documents at once: a streamed ZIP (the package archive's builder) with
an index PDF, or one merged PDF with a cover page and a bookmark per document."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from case_portal.storage import storage_answers
from stats.models import Action
from stats.services import usage_record_many

from .. import data
from ..federation.client import FetchFailed
from ..federation.reads import remote_content_path
from ..models import Document
from .package_archive import PlannedDocument, not_included, unreadable, zip_stream

# Merged in the request up to this size; larger selections are for the ZIP.
MERGE_MAX_DOCUMENTS = 60
MERGE_MAX_PAGES = 600


class TooLarge(ValueError):
    pass


def _safe(text: str) -> str:
    return "".join("-" if c in '/\\:*?"<>|' else c for c in text).strip()


def family_download_plan(documents: list[Document]) -> list[PlannedDocument]:
    """One folder per member, files named in display form: "EP 13844704.0/Search report
    2014-03-01.pdf"; the same name twice gets " (2)"."""
    seen: set[str] = set()
    out = []
    for doc in documents:
        app = doc.application
        label = _safe(doc.get_category_display())  # "Examination report / office…"
        stem = f"{_safe(app.display)}/{label} {doc.date:%Y-%m-%d}"
        if doc.code:
            stem += f" {_safe(doc.code)}"
        path, n = f"{stem}.pdf", 1
        while path in seen:
            n += 1
            path = f"{stem} ({n}).pdf"
        seen.add(path)
        out.append(PlannedDocument(document=doc, path=path))
    return out


def _index_rows(plans: list[PlannedDocument]) -> list[dict]:
    return [
        {
            "member": p.document.application.display,
            "category": p.document.get_category_display(),
            "code": p.document.code,
            "meaning": data.code_meaning(p.document.application.office.code, p.document.code),
            "date": p.document.date,
            "pages": p.document.pages,
            "path": p.path,
        }
        for p in plans
    ]


def _index_pdf(user, heading, title, plans, *, with_paths, missing=(), left_out=()) -> bytes:
    """The index of a ZIP (with each file's path) or the cover of one PDF, for `user`."""
    from weasyprint import HTML

    rows = _index_rows(plans)
    html = render_to_string(
        "dossiers/family_index.html",
        {
            "heading": heading,
            "title": title,
            "user": user,
            "made_at": timezone.localtime(),
            "rows": rows,
            "pages": sum(r["pages"] for r in rows),
            "with_paths": with_paths,
            "missing": list(missing),
            "left_out": list(left_out),
        },
    )
    return HTML(string=html).write_pdf()


def _count(user, documents: list[Document]) -> None:
    usage_record_many(
        [
            {
                "action": Action.DOCUMENT_DOWNLOAD,
                "user": user,
                "provider_office": doc.application.office,
                "application_id": doc.application.pk,
                "document_id": doc.pk,  # None for a web-service office's, as in its reader
            }
            for doc in documents
        ]
    )


def family_zip_stream(*, user, documents: list[Document], heading: str, title: str):
    """The ZIP's chunks: the documents (a web-service office's fetched through its service,
    verified whole), then index.pdf listing what is missing and why; each document that made it
    in is counted as a download. Storage that does not answer is the 503 page a single
    download gives (StorageUnreachable, before the response starts), not a ZIP of an index."""
    plans = family_download_plan(documents)
    stored = next((p.document for p in plans if p.document.pk is not None), None)
    if stored is not None:
        storage_answers(stored.file)

    def trailer(included: set[str], missing: dict[str, str]):
        kept = [p for p in plans if p.path in included]
        _count(user, [p.document for p in kept])
        missing_lines = [f"{path}: {why}" for path, why in missing.items()]
        pdf = _index_pdf(user, heading, title, kept, with_paths=True, missing=missing_lines)
        return [("index.pdf", pdf)]

    return zip_stream(
        plans, trailer=trailer, remote_path=lambda doc: remote_content_path(user=user, document=doc)
    )


def _document_reader(user, doc) -> tuple[PdfReader | None, str]:
    """(the document's PDF, "") or (None, why it is missing): a web-service office's through
    its service, whole and sha256 checked."""
    try:
        if doc.pk is None:
            with remote_content_path(user=user, document=doc).open("rb") as fh:
                return PdfReader(io.BytesIO(fh.read())), ""
        with doc.file.open("rb") as fh:
            return PdfReader(io.BytesIO(fh.read())), ""
    except FetchFailed as exc:
        return None, not_included(exc)
    except (FileNotFoundError, OSError):
        return None, unreadable()


def family_pdf_merge(*, user, documents: list[Document], heading: str, title: str) -> bytes:
    """One PDF: a cover listing the documents, then each document under its own bookmark."""
    if len(documents) > MERGE_MAX_DOCUMENTS or sum(d.pages for d in documents) > MERGE_MAX_PAGES:
        raise TooLarge(
            _(
                "One PDF is made here for up to %(documents)s documents and %(pages)s pages; "
                "narrow the selection or download them as a ZIP."
            )
            % {"documents": MERGE_MAX_DOCUMENTS, "pages": MERGE_MAX_PAGES}
        )
    out = io.BytesIO()
    family_pdf_write(out, user=user, documents=documents, heading=heading, title=title)
    return out.getvalue()


def family_pdf_write(
    out, *, user, documents: list[Document], heading: str, title: str, left_out=(), on_each=None
) -> list[Document]:
    """Write the one PDF into `out` (cover, then a bookmark per document) and count the
    documents merged, which it returns. `left_out` is listed on the cover; `on_each(n)` is
    told after each document (a queued build's progress)."""
    plans = family_download_plan(documents)
    readers, missing = {}, []
    for plan in plans:  # read first: the cover lists what could not be had, and why
        reader, why = _document_reader(user, plan.document)
        if reader is None:
            missing.append(f"{plan.path.replace('/', ' — ', 1)}: {why}")
        else:
            readers[plan.path] = reader
    kept = [p for p in plans if p.path in readers]
    writer = PdfWriter()
    cover = _index_pdf(
        user, heading, title, kept, with_paths=False, missing=missing, left_out=left_out
    )
    writer.append(PdfReader(io.BytesIO(cover)), outline_item=_("Contents"))
    merged = []
    for n, plan in enumerate(kept, 1):
        doc, reader = plan.document, readers[plan.path]
        label = f"{doc.application.display} — {doc.get_category_display()} {doc.date}"
        writer.append(reader, outline_item=label)
        merged.append(doc)
        if on_each is not None:
            on_each(n)
    _count(user, merged)
    writer.write(out)
    return merged
