from csp.decorators import csp_replace
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from case_portal.storage import file_response
from stats.models import Action
from stats.services import usage_record

from .. import data, selectors
from ..federation.client import FetchFailed
from ..federation.reads import remote_document_get_for_user, remote_download_for_user


def _document_use_record(request, doc, action: str) -> None:
    usage_record(
        action=action,
        user=request.user,
        provider_office=doc.application.office,
        application_id=doc.application_id,
        document_id=doc.pk,
    )


def document_detail(request, document_id: int):
    try:
        doc = selectors.document_get_for_user(user=request.user, document_id=document_id)
    except Http404:
        # Those who could see it are told it was withdrawn (they may hold a link to it).
        gone = selectors.document_withdrawn_get_for_user(user=request.user, document_id=document_id)
        if gone is None:
            raise
        return render(request, "dossiers/document_withdrawn.html", {"doc": gone}, status=410)
    _document_use_record(request, doc, Action.DOCUMENT_VIEW)
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
    response = file_response(
        request,
        doc.file,
        filename=selectors.document_download_name(doc),
        content_type="application/pdf",
        as_attachment=not inline,
        missing=_("The file of this document is missing; the office has been told."),
    )
    if not inline:  # counted once the file could be sent (storage down: nothing downloaded)
        _document_use_record(request, doc, Action.DOCUMENT_DOWNLOAD)
    return response


# --- documents of offices that serve them from their own service (dossiers/federation) ---


def remote_document_detail(request, application_id: int, document_id: str):
    try:
        doc, notice = remote_document_get_for_user(
            user=request.user, application_id=application_id, document_id=document_id
        )
    except FetchFailed as exc:
        return _remote_unavailable(request, str(exc))
    usage_record(
        action=Action.DOCUMENT_VIEW,
        user=request.user,
        provider_office=doc.application.office,
        application_id=doc.application.pk,
    )
    return render(
        request,
        "dossiers/remote_document_detail.html",
        {"doc": doc, "notice": notice, "filename": selectors.document_download_name(doc)},
    )


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def remote_document_content(request, application_id: int, document_id: str):
    inline = request.GET.get("inline") == "1"
    try:
        doc, response = remote_download_for_user(
            user=request.user,
            application_id=application_id,
            document_id=document_id,
            as_attachment=not inline,
        )
    except FetchFailed as exc:
        return _remote_unavailable(request, str(exc))
    if not inline:
        usage_record(
            action=Action.DOCUMENT_DOWNLOAD,
            user=request.user,
            provider_office=doc.application.office,
            application_id=doc.application.pk,
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _remote_unavailable(request, reason: str):
    return render(request, "dossiers/remote_unavailable.html", {"reason": reason}, status=503)
