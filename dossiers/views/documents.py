from csp.decorators import csp_replace
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from case_portal.storage import file_response
from stats.models import Action
from stats.services import usage_record

from .. import selectors


def document_detail(request, document_id: int):
    doc = selectors.document_get_for_user(user=request.user, document_id=document_id)
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
    return file_response(
        request,
        doc.file,
        filename=selectors.document_download_name(doc),
        content_type="application/pdf",
        as_attachment=not inline,
        missing="The file of this document is missing; the office has been told.",
    )
