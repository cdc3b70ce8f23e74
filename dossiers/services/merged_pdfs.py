"""A family's "one PDF" too large to merge during the request, built by a Celery task.

Small selections are merged in the request (family_downloads.family_pdf_merge). Above the
threshold (settings ONE_PDF_SYNC_MAX_DOCUMENTS / ONE_PDF_SYNC_MAX_PAGES) the selection becomes a
MergedPdf row that case_portal.jobs builds into default storage with progress, as packages are.
Access is checked again when it is built: a document the requester can no longer see is left
out and named on the cover. Downloads are counted when the file is made, as the in-request
merge counts them.
"""

import datetime as dt
import tempfile

from django.conf import settings
from django.db import transaction

from case_portal import jobs

from ..models import Document, MergedPdf
from .family_downloads import MERGE_MAX_DOCUMENTS, MERGE_MAX_PAGES, family_pdf_write

JOB = jobs.Kind(
    MergedPdf,
    "dossiers.merged_pdf_build",
    sweeps="dossiers.merged_pdfs",
    label="one PDFs",
    keep_rows=True,  # an expired one PDF's page says so
    failure="The PDF could not be made: {cls}",
    related=("requested_by__office",),
)


def expiry_days() -> int:
    return getattr(settings, "ONE_PDF_EXPIRY_DAYS", 2)


def one_pdf_is_large(documents: list[Document]) -> bool:
    """Whether the selection is merged by a task rather than during the request."""
    most_docs = getattr(settings, "ONE_PDF_SYNC_MAX_DOCUMENTS", MERGE_MAX_DOCUMENTS)
    most_pages = getattr(settings, "ONE_PDF_SYNC_MAX_PAGES", MERGE_MAX_PAGES)
    return len(documents) > most_docs or sum(d.pages for d in documents) > most_pages


def _left_out_label(doc) -> str:
    what = doc.get_category_display() if hasattr(doc, "get_category_display") else doc.category
    return f"{doc.application.display} {what} of {doc.date:%Y-%m-%d}"


@transaction.atomic
def merged_pdf_request(
    *, user, family_id: int, documents: list, heading: str, title: str, file_name: str
) -> MergedPdf:
    """Queue the one PDF of `documents` (the family page's chosen rows). Documents an office
    serves from its own web service have no stored file here: they are named as left out."""
    stored = [d for d in documents if d.pk and not getattr(d, "is_remote", False)]
    remote = [
        f"{_left_out_label(d)} (served by {d.application.office.code}'s own service; "
        "open it from the family page)"
        for d in documents
        if d not in stored
    ]
    ids = [d.pk for d in stored]
    # Asking again (a second click, reload, back) gives the same PDF, not a second build.
    same = (
        MergedPdf.objects.select_for_update()
        .filter(
            requested_by=user,
            family_id=family_id,
            document_ids=ids,
            state__in=(MergedPdf.State.QUEUED, MergedPdf.State.BUILDING, MergedPdf.State.READY),
        )
        .first()
    )
    if same:
        return same
    job = MergedPdf.objects.create(
        requested_by=user,
        family_id=family_id,
        document_ids=ids,
        heading=heading[:300],
        title=(title or "")[:500],
        file_name=file_name[:200],
        left_out=remote,
        total=len(stored),
    )
    jobs.enqueue_builds(JOB, [job.pk])
    return job


def merged_pdf_retry(*, merged_pdf: MergedPdf) -> MergedPdf:
    """A failed build goes back to the queue: the same row, the same selection, checked for
    access again when it is built. Any other state is left as it is."""
    jobs.retry_queued(JOB, merged_pdf.pk)
    merged_pdf.refresh_from_db()
    return merged_pdf


def merged_pdf_build(merged_pdf_id: int) -> MergedPdf | None:
    """Build a queued one PDF. None when there was nothing to do; running it again is safe."""
    return jobs.build_run(JOB, merged_pdf_id, build=_build)


def _build(job: MergedPdf, store: jobs.Store) -> MergedPdf:
    user = job.requested_by
    # The requester's access now, not when they asked: a report withdrawn or a policy changed
    # meanwhile is left out and named on the cover.
    visible = {
        d.pk: d
        for d in Document.objects.visible_to(user)
        .live()
        .filter(pk__in=job.document_ids, application__family_id=job.family_id)
        .select_related("application__office")
    }
    documents = [visible[pk] for pk in job.document_ids if pk in visible]
    gone = Document.objects.filter(pk__in=set(job.document_ids) - set(visible))
    left_out = list(job.left_out) + [
        f"{_left_out_label(d)} (you can no longer see it)"
        for d in gone.select_related("application").order_by("date", "pk")
    ]
    jobs.progress(MergedPdf, job.pk, total=len(documents))
    with tempfile.TemporaryFile(prefix="one-pdf-", suffix=".pdf") as tmp:
        merged = family_pdf_write(
            tmp,
            user=user,
            documents=documents,
            heading=job.heading,
            title=job.title,
            left_out=left_out,
            on_each=lambda n: jobs.progress(MergedPdf, job.pk, done=n),
        )
        return jobs.finish_from_file(
            store,
            tmp,
            "one.pdf",
            expires_in=dt.timedelta(days=expiry_days()),
            pages=sum(d.pages for d in merged),
            left_out=left_out,
        )
