from csp.decorators import csp_replace
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from stats.models import Action
from stats.services import usage_record

from .. import selectors


def document_detail(request, document_id: int):
    try:
        doc = selectors.document_get_for_user(user=request.user, document_id=document_id)
    except Http404:
        # Those who could see it are told it was withdrawn (they may hold a link to it).
        gone = selectors.document_withdrawn_get_for_user(user=request.user, document_id=document_id)
        if gone is None:
            raise
        return render(request, "dossiers/document_withdrawn.html", {"doc": gone}, status=410)
    usage_record(
        action=Action.DOCUMENT_VIEW,
        user=request.user,
        provider_office=doc.application.office,
        application_id=doc.application_id,
        document_id=doc.pk,
    )
    return render(
        request,
        "dossiers/document_detail.html",
        {"doc": doc, "filename": selectors.document_download_name(doc)},
    )


@xframe_options_sameorigin  # the viewer's no-script fallback embeds this in an <object>
@csp_replace({"frame-ancestors": ["'self'"]})
def document_content(request, document_id: int):
    doc = selectors.document_get_for_user(user=request.user, document_id=document_id)
    inline = request.GET.get("inline") == "1"
    if not inline:
        usage_record(
            action=Action.DOCUMENT_DOWNLOAD,
            user=request.user,
            provider_office=doc.application.office,
            application_id=doc.application_id,
            document_id=doc.pk,
        )
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file of this document is missing; the office has been told.") from exc
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=not inline,
        filename=selectors.document_download_name(doc),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
