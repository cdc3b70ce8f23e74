"""A large "one PDF" of a family's reports: its page with progress, its status, its file."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from case_portal import jobs
from case_portal.storage import file_response

from .. import selectors
from ..models import MergedPdf


def _status_data(job: MergedPdf) -> dict:
    ready = job.state == MergedPdf.State.READY and job.file
    url = reverse("dossiers:merged-pdf-download", args=[job.pk]) if ready else ""
    return jobs.status_data(job, download_url=url)


@require_GET
def merged_pdf_detail(request, merged_pdf_id: int):
    job = selectors.merged_pdf_get_for_user(user=request.user, merged_pdf_id=merged_pdf_id)
    return render(request, "dossiers/merged_pdf.html", {"job": job})


@require_GET
def merged_pdf_status(request, merged_pdf_id: int):
    job = selectors.merged_pdf_get_for_user(user=request.user, merged_pdf_id=merged_pdf_id)
    response = JsonResponse(_status_data(job))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def merged_pdf_download(request, merged_pdf_id: int):
    job = selectors.merged_pdf_get_for_user(user=request.user, merged_pdf_id=merged_pdf_id)
    if job.state != MergedPdf.State.READY or not job.file:
        raise Http404(_("This PDF is not ready or has expired."))
    return file_response(
        request,
        job.file,
        filename=job.file_name,
        content_type="application/pdf",
        missing=_("The PDF file is missing; make it again from the family page."),
    )
