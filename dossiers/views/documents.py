from csp.decorators import csp_replace
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from stats.models import Action
from stats.services import usage_record

from .. import data, selectors


def document_detail(request, document_id: int):
    doc = selectors.document_get_for_user(user=request.user, document_id=document_id)
    usage_record(
        action=Action.DOCUMENT_VIEW,
        user=request.user,
        provider_office=doc.application.office,
        application_id=doc.application_id,
        document_id=doc.pk,
    )
    ids = selectors.family_document_ids(user=request.user, family_id=doc.application.family_id)
    at = ids.index(doc.pk)
    return render(
        request,
        "dossiers/document_detail.html",
        {
            "doc": doc,
            "filename": selectors.document_download_name(doc),
            "meaning": data.code_meaning(doc.application.office.code, doc.code),
            "previous": ids[at - 1] if at > 0 else None,
            "next": ids[at + 1] if at + 1 < len(ids) else None,
            "position": at + 1,
            "family_count": len(ids),
        },
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
