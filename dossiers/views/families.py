from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stats.models import Action
from stats.services import usage_record

from .. import family_html, family_page, selectors
from ..services import family_downloads, merged_pdfs


def _focus_id(query) -> int | None:
    try:
        return int(query.get("from", "") or 0) or None
    except ValueError:
        return None


def family_detail(request, family_id: int):
    page = selectors.family_get_for_user(
        user=request.user, family_id=family_id, focus_id=_focus_id(request.GET)
    )
    view = "simple" if request.GET.get("view") == "simple" else "extended"
    members = (
        page.members if view == "extended" else [m for m in page.members if m.pk in page.simple_ids]
    )
    ids = {m.pk for m in members}
    filters = family_page.DocFilter.from_query(request.GET)
    shown = family_page.document_rows_filtered(
        [r for r in page.documents if r.member.pk in ids], filters
    )
    missing = [m for m in page.missing if m.application_id is None or m.application_id in ids]
    usage_record(
        action=Action.FAMILY_VIEW,
        user=request.user,
        application_id=(page.focus or page.members[0]).pk,
    )
    focus = page.focus or page.members[0]
    member_rows, timeline_html = family_html.members_html(members, focus_pk=focus.pk)
    keep = filters.query_items()
    if page.focus:
        keep.insert(0, ("from", str(page.focus.pk)))
    return render(
        request,
        "dossiers/family_detail.html",
        {
            "page": page,
            "members": members,
            "view": view,
            "focus": focus,
            "member_rows": member_rows,
            # Web-service offices that did not answer (dossiers/federation/reads.py).
            "federation_notices": [m.federation_notice for m in members if m.federation_notice],
            "timeline_html": timeline_html,
            "filters": filters,
            "shown": shown,
            "shown_html": mark_safe("\n".join(r.html for r in shown)),  # noqa: S308 - escaped rows
            "missing": missing,
            "keep": keep,
            "choices": {
                "offices": sorted({r.office for r in page.documents}),
                "categories": sorted({(r.doc.category, r.category_label) for r in page.documents}),
                "languages": sorted({r.doc.language for r in page.documents}),
            },
            "sort_param": ("-" if filters.descending else "") + filters.sort,
            "sort_links": _sort_links(keep, filters),
        },
    )


def _sort_links(keep: list[tuple[str, str]], filters) -> dict[str, str]:
    """Each column's link: sort by it, or reverse it when it is the current order."""
    out = {}
    for column in family_page.SORTS:
        again = column == filters.sort and not filters.descending
        out[column] = "?" + urlencode([*keep, ("sort", ("-" if again else "") + column)])
    return out


def _chosen(request, family_id: int, query):
    """The documents a download means: the ticked ones, or every one the filters show.
    `query`: the GET query, or the POSTed form asking for a one-PDF build."""
    page = selectors.family_get_for_user(
        user=request.user, family_id=family_id, focus_id=_focus_id(query)
    )
    rows = family_page.document_rows_filtered(
        page.documents, family_page.DocFilter.from_query(query)
    )
    if query.get("all") != "1":
        wanted = set(query.getlist("doc"))
        rows = [r for r in rows if family_page.selection_value(r.doc) in wanted]
    focus = page.focus or page.members[0]
    back = reverse("dossiers:family-detail", args=[family_id]) + "?" + urlencode(_selection(query))
    return page, focus, [r.doc for r in rows], back


# What a selection is made of in the query: the focus member, the filters, "all" or the ticks.
_SELECTION_KEYS = ("from", "office", "category", "language", "date_from", "date_to", "sort")
_SELECTION_KEYS += ("all", "doc")


def _selection(query) -> list[tuple[str, str]]:
    return [(k, v) for k, values in query.lists() if k in _SELECTION_KEYS for v in values]


def family_documents_zip(request, family_id: int):
    page, focus, docs, back = _chosen(request, family_id, request.GET)
    if not docs:
        messages.error(request, _("Tick at least one document, or use “Download all shown”."))
        return redirect(back)
    response = StreamingHttpResponse(
        family_downloads.family_zip_stream(
            user=request.user,
            documents=docs,
            heading=_("Documents of the family of %(number)s") % {"number": focus.display},
            title=page.summary.title,
        ),
        content_type="application/zip",
    )
    name = f"family-{page.family.pk}-{focus.key}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def family_documents_pdf(request, family_id: int):
    """GET: the selection merged into one PDF now; when it is too large to merge while the
    examiner waits, a page that offers to make it in the background. POST (that page's
    button): the background build is queued, and its page shows how it goes."""
    query = request.POST if request.method == "POST" else request.GET
    page, focus, docs, back = _chosen(request, family_id, query)
    if not docs:
        messages.error(request, _("Tick at least one document to make one PDF of them."))
        return redirect(back)
    name = f"family-{page.family.pk}-{focus.key}.pdf"
    heading = _("Reports of the family of %(number)s") % {"number": focus.display}
    if request.method == "POST":
        job = merged_pdfs.merged_pdf_request(
            user=request.user,
            family_id=page.family.pk,
            documents=docs,
            heading=heading,
            title=page.summary.title,
            file_name=name,
        )
        return redirect("dossiers:merged-pdf", merged_pdf_id=job.pk)
    if merged_pdfs.one_pdf_is_large(docs):
        # Making it is work that outlives the request: asked for by a POST, never by a GET.
        return render(
            request,
            "dossiers/merged_pdf_confirm.html",
            {
                "family_id": page.family.pk,
                "heading": heading,
                "documents": len(docs),
                "pages": sum(d.pages for d in docs),
                "selection": [
                    (k, v) for k, vs in query.lists() if k in _SELECTION_KEYS for v in vs
                ],
                "back": back,
            },
        )
    try:
        pdf = family_downloads.family_pdf_merge(
            user=request.user,
            documents=docs,
            heading=heading,
            title=page.summary.title,
        )
    except family_downloads.TooLarge as exc:
        messages.error(request, str(exc))
        return redirect(back)
    response = HttpResponse(pdf, content_type="application/pdf")
    inline = "inline" if request.GET.get("inline") == "1" else "attachment"
    response["Content-Disposition"] = f'{inline}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
