"""A large "one PDF" of a family's reports: its page with progress, its status, its file, and
"try again" when its build failed. It is asked for by a POST from the family page
(views/families.py family_documents_pdf); every GET here only shows."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from case_portal import jobs
from case_portal.storage import file_response

from .. import selectors
from ..models import MergedPdf
from ..services import merged_pdfs


@require_GET
def merged_pdf_detail(request, merged_pdf_id: int):
    job = selectors.merged_pdf_get_for_user(user=request.user, merged_pdf_id=merged_pdf_id)
    return render(request, "dossiers/merged_pdf.html", {"job": job})


merged_pdf_status = jobs.status_view(
    selectors.merged_pdf_get_for_user, download_view="dossiers:merged-pdf-download"
)


@require_POST
def merged_pdf_retry(request, merged_pdf_id: int):
    job = selectors.merged_pdf_get_for_user(user=request.user, merged_pdf_id=merged_pdf_id)
    if job.state == MergedPdf.State.FAILED:
        merged_pdfs.merged_pdf_retry(merged_pdf=job)
        messages.success(request, _("The PDF is being made again."))
    elif job.state in (MergedPdf.State.QUEUED, MergedPdf.State.BUILDING):
        messages.info(request, _("The PDF is already being made."))
    return redirect("dossiers:merged-pdf", merged_pdf_id=job.pk)


@require_GET
def merged_pdf_download(request, merged_pdf_id: int):
    job = selectors.merged_pdf_get_for_user(user=request.user, merged_pdf_id=merged_pdf_id)
    return file_response(
        request,
        jobs.ready_file(job, not_ready=_("This PDF is not ready or has expired.")),
        filename=job.file_name,
        content_type="application/pdf",
        missing=_("The PDF file is missing; make it again from the family page."),
    )
