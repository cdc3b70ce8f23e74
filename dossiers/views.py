"""Examiner pages: search, family, document viewer and download."""

from csp.decorators import csp_replace
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from stats.models import Action
from stats.services import usage_record

from . import selectors


def search(request):
    text = request.GET.get("q", "")
    lines = selectors.search_resolve(user=request.user, text=text) if text.strip() else []
    if lines:
        usage_record(action=Action.SEARCH, user=request.user, count=len(lines))
    # One number that reaches exactly one family: take the examiner straight there.
    if len(lines) == 1 and len(lines[0].family_ids) == 1 and request.GET.get("list") != "1":
        line = lines[0]
        url = reverse("dossiers:family-detail", args=[line.family_ids[0]])
        return redirect(f"{url}?from={line.matches[0].pk}")
    return render(
        request,
        "dossiers/search.html",
        {"q": text, "lines": lines, "too_many": len(lines) >= selectors.MAX_SEARCH_LINES},
    )


def family_detail(request, family_id: int):
    try:
        focus_id = int(request.GET.get("from", "") or 0) or None
    except ValueError:
        focus_id = None
    page = selectors.family_get_for_user(user=request.user, family_id=family_id, focus_id=focus_id)
    view = "simple" if request.GET.get("view") == "simple" else "extended"
    members = (
        page.members if view == "extended" else [m for m in page.members if m.pk in page.simple_ids]
    )
    usage_record(
        action=Action.FAMILY_VIEW,
        user=request.user,
        application_id=(page.focus or page.members[0]).pk,
    )
    return render(
        request,
        "dossiers/family_detail.html",
        {"page": page, "members": members, "view": view, "focus": page.focus or page.members[0]},
    )


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
