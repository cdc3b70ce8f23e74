"""Pages of the providing offices: bibliographic data, report uploads, citations, withdrawals.

Only clerks and office admins of a providing office reach these pages, and only for their own
office's data: everyone else gets the same 404 as for something that does not exist.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from case_portal.forms import form_errors_apply
from offices.decorators import provider_required

from .. import selectors
from ..forms import (
    ApplicationForm,
    CitationForm,
    DocumentMetaForm,
    DocumentUploadForm,
    DocumentWithdrawForm,
    ProvideListForm,
)
from ..models import Application
from ..services import applications, documents

RECENT_LIMIT = 50


SORT_COLUMNS = [
    ("number", gettext_lazy("Number")),
    ("filed", pgettext_lazy("filing date", "Filed")),
    ("status", gettext_lazy("Status")),
    ("reports", gettext_lazy("Reports")),
]


@provider_required
def upload_home(request):
    office = request.user.office
    form = ProvideListForm(request.GET or None)
    form.is_valid()  # the fields that are valid still filter; the others say why
    filters = getattr(form, "cleaned_data", {})
    sort = filters.get("sort") or "updated"
    apps = selectors.provider_applications(
        office=office,
        **{k: v for k, v in filters.items() if k not in ("q", "sort") and v not in (None, "")},
        sort=sort,
    )
    query, note = filters.get("q", "").strip(), ""
    if query:
        line = selectors.application_find(
            within=Application.objects.filter(office=office), text=query, office=office.code
        )
        note = line.error
        apps = apps.filter(pk__in=[a.pk for a in line.matches])
    shown = list(apps[:RECENT_LIMIT])
    names = selectors.family_display_names(a.family_id for a in shown)
    for app in shown:
        app.family_name = names.get(app.family_id, app.display)
    params = request.GET.copy()
    columns = []
    for key, label in SORT_COLUMNS:
        params["sort"] = f"-{key}" if sort == key else key
        arrow = " ▲" if sort == key else " ▼" if sort == f"-{key}" else ""
        columns.append((label + arrow, "?" + params.urlencode(), sort.lstrip("-") == key, sort))
    return render(
        request,
        "dossiers/provide/home.html",
        {
            "applications": shown,
            "query": query,
            "note": note,
            "office": office,
            "form": form,
            "columns": columns,
            "filtered": bool(request.GET),
        },
    )


def _application_form_page(request, *, application: Application | None):
    office = request.user.office
    initial = ApplicationForm.initial_for(application) if application else {}
    form = ApplicationForm(
        request.POST or None, office=office, application=application, initial=initial
    )
    understood = None
    if request.method == "POST" and form.is_valid():
        understood = form.understood()
        # Saving needs an explicit confirmation of exactly what was shown back.
        if request.POST.get("confirm") == form.fingerprint():
            try:
                app = applications.application_upsert(user=request.user, **form.upsert_kwargs())
            except ValidationError as exc:
                form_errors_apply(form, exc)
                understood = None
            else:
                messages.success(request, _("%(number)s saved.") % {"number": app.display})
                return redirect("dossiers:provide-application", app.pk)
    return render(
        request,
        "dossiers/provide/application_form.html",
        {
            "form": form,
            "application": application,
            "understood": understood,
            "fingerprint": form.fingerprint() if understood else "",
        },
    )


@provider_required
def application_create(request):
    return _application_form_page(request, application=None)


@provider_required
def application_edit(request, application_id: int):
    app = selectors.application_get_for_provider(user=request.user, application_id=application_id)
    return _application_form_page(request, application=app)


@provider_required
def application_detail(request, application_id: int):
    app = selectors.application_get_for_provider(user=request.user, application_id=application_id)
    documents = (
        app.documents.all()
        .annotate(n_citations=Count("citations"))
        .select_related("uploaded_by")
        .order_by("-withdrawn_at", "date", "pk")
    )
    return render(
        request,
        "dossiers/provide/application_detail.html",
        {
            "application": app,
            "documents": documents,
            "priorities": app.priority_claims.all(),
            "family_name": selectors.family_display_names([app.family_id]).get(
                app.family_id, app.display
            ),
            "publications": app.publications.all(),
        },
    )


@provider_required
def document_upload(request, application_id: int):
    app = selectors.application_get_for_provider(user=request.user, application_id=application_id)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    added, failed = [], []
    if request.method == "POST" and form.is_valid():
        meta = {k: v for k, v in form.cleaned_data.items() if k != "files"}
        # Each file stands alone: a bad one is named, the good ones still go in.
        for upload in form.cleaned_data["files"]:
            try:
                doc = documents.document_add(
                    application=app,
                    file=upload,
                    original_name=upload.name,
                    uploaded_by=request.user,
                    **meta,
                )
            except ValidationError as exc:
                failed.append((upload.name, exc.messages))
            except IntegrityError:
                # A concurrent upload of the same file won the race on the unique constraint.
                failed.append(
                    (
                        upload.name,
                        [
                            _("This file was already uploaded for %(number)s.")
                            % {"number": app.display}
                        ],
                    )
                )
            except documents.StorageUnavailable as exc:
                failed.append((upload.name, [str(exc)]))
            else:
                added.append(doc)
        if added:
            names = ", ".join(d.original_name for d in added)
            messages.success(
                request,
                _("Added to %(number)s: %(names)s.") % {"number": app.display, "names": names},
            )
        if not failed:
            return redirect("dossiers:provide-application", app.pk)
    return render(
        request,
        "dossiers/provide/document_upload.html",
        {
            "application": app,
            "form": form,
            "added": added,
            "failed": failed,
            "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


def _document_change(request, form, service, *, document, done: str, **fields):
    """Run a document service for `request.user`; on success say `done` and go back to the
    application's page, else show the service's reasons on `form` (and return None)."""
    try:
        service(document=document, user=request.user, **fields)
    except ValidationError as exc:
        form_errors_apply(form, exc)
        return None
    messages.success(request, done)
    return redirect("dossiers:provide-application", document.application_id)


def _details_form(doc, data=None) -> DocumentMetaForm:
    """The "correct the details" form, filled in with the document's details as they are."""
    initial = {f: getattr(doc, f) for f in ("category", "code", "date", "language", "direction")}
    return DocumentMetaForm(data, initial=initial)


@provider_required
def document_edit(request, document_id: int):
    doc = selectors.document_get_for_provider(user=request.user, document_id=document_id)
    form = _details_form(doc, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _document_change(
            request,
            form,
            documents.document_correct,
            document=doc,
            done=_("Document details corrected."),
            **form.cleaned_data,
        )
        if done:
            return done
    return render(
        request,
        "dossiers/provide/document_edit.html",
        {"document": doc, "form": form, "withdraw_form": DocumentWithdrawForm()},
    )


@provider_required
@require_POST
def document_withdraw(request, document_id: int):
    doc = selectors.document_get_for_provider(user=request.user, document_id=document_id)
    form = DocumentWithdrawForm(request.POST)
    if form.is_valid():
        done = _document_change(
            request,
            form,
            documents.document_withdraw,
            document=doc,
            done=_("Document withdrawn; other offices no longer see it."),
            reason=form.cleaned_data["reason"],
        )
        if done:
            return done
    return render(
        request,
        "dossiers/provide/document_edit.html",
        {"document": doc, "form": _details_form(doc), "withdraw_form": form},
        status=400,
    )


@provider_required
def document_citations(request, document_id: int):
    doc = selectors.document_get_for_provider(user=request.user, document_id=document_id)
    form = CitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citation = documents.citation_add(document=doc, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, _("Citation %(citation)s added.") % {"citation": citation})
            return redirect(reverse("dossiers:provide-document-citations", args=[doc.pk]))
    return render(
        request,
        "dossiers/provide/document_citations.html",
        {"document": doc, "citations": doc.citations.all(), "form": form},
    )
