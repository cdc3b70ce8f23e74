"""Clerks' pages: worklists (CSV upload or pasted lines) and the packages built from them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from case_portal import jobs
from case_portal.forms import form_errors_apply
from case_portal.storage import file_response

from .. import selectors
from ..forms import IsoDateInput, OneFileField
from ..services import packages, worklists

MAX_CSV_BYTES = 2 * 1024 * 1024
REJECTED_SHOWN = 500  # rows of the "lines not added" table; the re-submit box holds them all


class LinesForm(forms.Form):
    file = OneFileField(
        label=gettext_lazy("CSV file"),
        required=False,
        help_text=gettext_lazy(
            "Columns: application number (any spelling), examination date. "
            "Header optional; comma, semicolon or tab between columns; further columns are ignored."
        ),
    )
    text = forms.CharField(
        label=gettext_lazy("Or paste lines"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "CA 2,123,456 2026-12-01\n3000001; 15/01/2027"}
        ),
        help_text=gettext_lazy(
            "One application per line, the examination date after it; any separator."
        ),
    )
    date_order = forms.ChoiceField(
        label=gettext_lazy("Dates like 03/04/2026 are"),
        choices=list(worklists.DATE_ORDERS.items()),
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "2026-12-01, 1.12.2026 and 12/20/2026 (only one reading) are always understood."
        ),
    )

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.office_order = office.worklist_date_order if office else worklists.ASK
        self.fields["date_order"].initial = self.office_order

    def clean_date_order(self):
        return self.cleaned_data.get("date_order") or self.office_order

    def clean(self):
        data = super().clean()
        if self.has_error("file"):
            return data  # the file's own error says it all; "choose a file" would not
        upload = data.get("file")
        text = data.get("text") or ""
        csv_text = ""
        if upload:
            if upload.size > MAX_CSV_BYTES:
                raise ValidationError(_("The CSV file is larger than 2 MB; split it into parts."))
            try:
                csv_text = worklists.text_from_upload(upload.read())
            except ValidationError as exc:
                self.add_error("file", exc)
                return data
            self._refuse_header_only("file", csv_text)
        if text.strip() or not upload:
            self._refuse_header_only("text", text)
        data["csv_text"] = csv_text
        return data

    def _refuse_header_only(self, field: str, text: str) -> None:
        """A file or paste holding only a header or blank lines made an empty worklist without
        a word: refused on its field (the other fields kept)."""
        header = worklists.header_only(text=text, office=self.office, csv_file=field == "file")
        if header is None:
            return
        if len(header) > 80:
            header = header[:79] + "…"
        if header and field == "file":
            message = _("The file holds no lines to add, only the header ‘%(header)s’.")
        elif header:
            message = _("The pasted text holds no lines to add, only the header ‘%(header)s’.")
        elif field == "file":
            message = _("The file holds no lines to add: it is empty.")
        else:
            raise ValidationError(_("Choose a CSV file or paste at least one line."))
        self.add_error(field, message % {"header": header} if header else message)


class WorklistForm(LinesForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    field_order = ["name", "file", "text", "date_order"]


class RedateForm(forms.Form):
    examination_date = forms.CharField(
        label=gettext_lazy("Examination date"), required=False, max_length=20, widget=IsoDateInput()
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office

    def clean_examination_date(self):
        text = self.cleaned_data["examination_date"].strip()
        if not text:
            return None
        try:
            return worklists.date_read(text, self.office.worklist_date_order)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def _flash(request, result: worklists.AddResult) -> None:
    added, rejected = len(result.added), len(result.rejected)
    if added:
        messages.success(
            request,
            ngettext("%(count)s application added.", "%(count)s applications added.", added)
            % {"count": added},
        )
    if result.merged:
        text = ngettext(
            "%(count)s line named an application already on the list and was merged.",
            "%(count)s lines named an application already on the list and were merged.",
            result.merged,
        ) % {"count": result.merged}
        if result.redated:
            text += " " + ngettext(
                "%(count)s has a new examination date.",
                "%(count)s have a new examination date.",
                result.redated,
            ) % {"count": result.redated}
        messages.info(request, text)
    if rejected:
        messages.warning(
            request,
            ngettext(
                "%(count)s line was not added — see below, fix and re-submit only that one.",
                "%(count)s lines were not added — see below, fix and re-submit only those.",
                rejected,
            )
            % {"count": rejected},
        )


def _lines_add(request, worklist, form):
    """Add a worklist form's file and pasted lines, say how it went, and show the worklist."""
    data = form.cleaned_data
    result = worklists.worklist_lines_add(
        worklist=worklist, text=data["text"], csv_text=data["csv_text"], order=data["date_order"]
    )
    _flash(request, result)
    return redirect("dossiers:worklist-detail", worklist_id=worklist.pk)


def worklist_list(request):
    items = selectors.worklist_list_for_user(user=request.user)
    form = WorklistForm(request.POST or None, request.FILES or None, office=request.user.office)
    if request.method == "POST" and form.is_valid():
        worklist = worklists.worklist_create(user=request.user, name=form.cleaned_data["name"])
        return _lines_add(request, worklist, form)
    return render(request, "dossiers/worklists/list.html", {"worklists": items, "form": form})


def worklist_detail(request, worklist_id: int, lines_form=None, redate=None):
    worklist = selectors.worklist_get_for_user(user=request.user, worklist_id=worklist_id)
    rows = selectors.worklist_rows(worklist=worklist)
    for row in rows:
        if redate and redate[0] == row.entry.pk:
            row.redate_form = redate[1]
    rejected = worklists.rejected_rows(worklist)
    if lines_form is None:
        retry_text = "\n".join(r["text"] for r in rejected)
        lines_form = LinesForm(initial={"text": retry_text}, office=worklist.office)
    return render(
        request,
        "dossiers/worklists/detail.html",
        {
            "worklist": worklist,
            "rows": rows,
            "packages": list(selectors.package_list_for_worklist(worklist=worklist)),
            "lines_form": lines_form,
            "lead_days": worklist.office.package_lead_days,
            "ready": sum(1 for r in rows if r.ready),
            "rejected": rejected,
            # A paste of 150,000 lines leaves 145,000 over the limit: a table of them all was a
            # 30 MB page. The table lists the first ones; the box below keeps every line.
            "rejected_shown": rejected[:REJECTED_SHOWN],
            "rejected_more": max(len(rejected) - REJECTED_SHOWN, 0),
            "ambiguous": any(r["asks_date"] for r in rejected),
        },
    )


@require_POST
def worklist_lines_add(request, worklist_id: int):
    worklist = selectors.worklist_get_for_user(user=request.user, worklist_id=worklist_id)
    form = LinesForm(request.POST, request.FILES, office=worklist.office)
    if not form.is_valid():
        return worklist_detail(request, worklist_id, lines_form=form)
    return _lines_add(request, worklist, form)


@require_POST
def worklist_entry_redate(request, worklist_id: int, entry_id: int):
    worklist = selectors.worklist_get_for_user(user=request.user, worklist_id=worklist_id)
    form = RedateForm(request.POST, office=worklist.office)
    if not form.is_valid():
        return worklist_detail(request, worklist_id, redate=(entry_id, form))
    try:
        entry = worklists.worklist_entry_redate(
            worklist=worklist,
            entry_id=entry_id,
            examination_date=form.cleaned_data["examination_date"],
        )
    except ValidationError as exc:
        form_errors_apply(form, exc)
        return worklist_detail(request, worklist_id, redate=(entry_id, form))
    when, number = entry.examination_date, entry.application.display
    if when:
        done = _("%(number)s: examination %(date)s.") % {
            "number": number,
            "date": f"{when:%Y-%m-%d}",
        }
    else:
        done = _("%(number)s: examination date cleared.") % {"number": number}
    messages.success(request, done)
    return redirect(f"{reverse('dossiers:worklist-detail', args=[worklist.pk])}#entry-{entry.pk}")


@require_POST
def worklist_entry_request(request, worklist_id: int, entry_id: int):
    worklist = selectors.worklist_get_for_user(user=request.user, worklist_id=worklist_id)
    try:
        asked, refused = worklists.worklist_entry_request(
            worklist=worklist, entry_id=entry_id, user=request.user
        )
    except ValidationError as exc:
        asked, refused = [], exc.messages
    if asked:
        messages.success(
            request, _("Reports requested for %(offices)s.") % {"offices": ", ".join(asked)}
        )
    for why in refused:
        messages.warning(request, why)
    return redirect(f"{reverse('dossiers:worklist-detail', args=[worklist.pk])}#entry-{entry_id}")


@require_POST
def worklist_entry_remove(request, worklist_id: int, entry_id: int):
    worklist = selectors.worklist_get_for_user(user=request.user, worklist_id=worklist_id)
    worklists.worklist_entry_remove(worklist=worklist, entry_id=entry_id)
    messages.success(request, _("Removed from the worklist."))
    return redirect("dossiers:worklist-detail", worklist_id=worklist.pk)


@require_POST
def package_create(request, worklist_id: int):
    worklist = selectors.worklist_get_for_user(user=request.user, worklist_id=worklist_id)
    back = redirect(f"{reverse('dossiers:worklist-detail', args=[worklist.pk])}#packages")
    try:
        chosen = [int(v) for v in request.POST.getlist("application")]
    except ValueError:
        # A selection that cannot be read is never taken for "the whole worklist".
        messages.error(request, _("The selection could not be read; tick the applications again."))
        return back
    package = packages.package_request(
        worklist=worklist,
        user=request.user,
        application_ids=chosen or None,
        only_new=request.POST.get("only_new") == "1",
    )
    if not package.application_ids and chosen:
        messages.warning(
            request, _("The package is empty: none of the ticked applications is on the worklist.")
        )
    elif not package.application_ids:
        messages.warning(request, _("The package is empty: the worklist has no applications."))
    else:
        messages.success(request, _("Package %(id)s is being built.") % {"id": package.pk})
    return back


@require_POST
def package_retry(request, package_id: int):
    package = selectors.package_get_for_user(user=request.user, package_id=package_id)
    packages.package_retry(package=package)
    messages.success(request, _("Package %(id)s is being built again.") % {"id": package.pk})
    return redirect(f"{reverse('dossiers:worklist-detail', args=[package.worklist_id])}#packages")


package_status = jobs.status_view(
    selectors.package_get_for_user, download_view="dossiers:package-download"
)


@require_GET
def package_download(request, package_id: int):
    package = selectors.package_get_for_user(user=request.user, package_id=package_id)
    archive = jobs.ready_file(package, not_ready=_("This package is not ready or has expired."))
    built = package.finished_at or package.created_at
    return file_response(
        request,
        archive,
        filename=f"package-{package.pk}_{package.office.code}_{built:%Y-%m-%d}.zip",
        content_type="application/zip",
        missing=_("The package file is missing; build it again."),
    )
