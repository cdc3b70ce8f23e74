"""Several of a family's documents at once: a streamed ZIP (the package archive's builder) with
an index PDF, or one merged PDF with a cover page and a bookmark per document."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from stats.models import Action
from stats.services import usage_record

from .. import data
from ..models import Document
from .package_archive import PlannedDocument, zip_stream

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
    labels = dict(Document.Category.choices)
    seen: set[str] = set()
    out = []
    for doc in documents:
        app = doc.application
        stem = f"{_safe(app.display)}/{labels.get(doc.category, doc.category)} {doc.date:%Y-%m-%d}"
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
    labels = dict(Document.Category.choices)
    return [
        {
            "member": p.document.application.display,
            "category": labels.get(p.document.category, p.document.category),
            "code": p.document.code,
            "meaning": data.code_meaning(p.document.application.office.code, p.document.code),
            "date": p.document.date,
            "pages": p.document.pages,
            "path": p.path,
        }
        for p in plans
    ]


def _index_pdf(*, user, heading, title, plans, with_paths, missing=()) -> bytes:
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
        },
    )
    return HTML(string=html).write_pdf()


def _count(user, documents: list[Document]) -> None:
    for doc in documents:
        usage_record(
            action=Action.DOCUMENT_DOWNLOAD,
            user=user,
            provider_office=doc.application.office,
            application_id=doc.application_id,
            document_id=doc.pk,
        )


def family_zip_stream(*, user, documents: list[Document], heading: str, title: str):
    """Count the downloads, then the ZIP's chunks: the documents, then index.pdf."""
    _count(user, documents)
    plans = family_download_plan(documents)

    def trailer(included: set[str]):
        kept = [p for p in plans if p.path in included]
        missing = [p.path for p in plans if p.path not in included]
        pdf = _index_pdf(
            user=user, heading=heading, title=title, plans=kept, with_paths=True, missing=missing
        )
        return [("index.pdf", pdf)]

    return zip_stream(plans, trailer=trailer)


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
    plans = family_download_plan(documents)
    writer = PdfWriter()
    writer.append(
        PdfReader(
            io.BytesIO(
                _index_pdf(user=user, heading=heading, title=title, plans=plans, with_paths=False)
            )
        ),
        outline_item=_("Contents"),
    )
    labels = dict(Document.Category.choices)
    merged = []
    for plan in plans:
        doc = plan.document
        try:
            with doc.file.open("rb") as fh:
                reader = PdfReader(io.BytesIO(fh.read()))
        except (FileNotFoundError, OSError):
            continue
        label = f"{doc.application.display} — {labels.get(doc.category, doc.category)} {doc.date}"
        writer.append(reader, outline_item=label)
        merged.append(doc)
    _count(user, merged)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
