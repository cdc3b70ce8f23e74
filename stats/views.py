"""Statistics pages for office admins (their office) and operators (any office or all)."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from case_portal.storage import file_response

from . import export_builds, exports, selectors
from .forms import PeriodForm, period_from_query, presets
from .office_users import USER_COLUMNS, office_users_get
from .page_figures import page_figures_get
from .page_figures import page_query as _query
from .selectors import Period, month_add
from .services import portal_tz


def _filename(office, period, what: str, ext: str) -> str:
    return f"case-statistics-{office.code if office else 'ALL'}-{period.slug}-{what}.{ext}"


def _presets(office, metric) -> list[dict]:
    return [
        {"label": label, "query": _query(office, period, metric)} for label, period in presets()
    ]


def _load(request):
    office = selectors.stats_office_get_for_user(user=request.user, code=request.GET.get("office"))
    form, period, metric = period_from_query(request.GET)
    return office, form, period, metric


def statistics(request):
    office, form, period, metric = _load(request)
    page, figures, (reports,) = page_figures_get(
        office=office,
        period=period,
        metric=metric,
        also=(export_builds.reports_recent_read(user=request.user),),
    )
    return render(
        request,
        "stats/statistics.html",
        {
            "form": form,
            "page": page,
            "figures": figures,
            "office_label": exports.office_label(office),
            "offices": selectors.stats_office_choices(user=request.user),
            "can_pick": request.user.is_operator,
            "query": _query(office, period, metric),
            "presets": _presets(office, metric),
            "tz_name": settings.TIME_ZONE,
            "report_is_large": export_builds.report_is_large(office=office, period=period),
            "sync_max_months": export_builds.SYNC_MAX_MONTHS,
            "reports": reports,
        },
    )


def statistics_csv(request, table: str):
    if table not in exports.CSV_TABLES:
        raise Http404("No such table.")
    office, _form, period, metric = _load(request)
    if table == "offices" and office is not None:
        raise Http404("The by-office table is part of the all-offices view.")
    page = selectors.stats_page_get(office=office, period=period, metric=metric)
    body = {
        "monthly": exports.csv_monthly,
        "matrix": exports.csv_matrix,
        "requests": exports.csv_requests,
        "offices": exports.csv_offices,
    }[table](page)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = _filename(office, period, table if table != "matrix" else f"matrix-{metric}", "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def statistics_pdf(request):
    office, _form, period, metric = _load(request)
    if export_builds.report_is_large(office=office, period=period):
        # Too big to render while the browser waits: the page offers a queued report instead.
        messages.info(
            request, _("This report is large: use “Prepare PDF report” to have it built.")
        )
        return redirect(f"{reverse('stats:statistics')}?{_query(office, period, metric)}")
    page = selectors.stats_page_get(office=office, period=period, metric=metric)
    pdf = exports.pdf_render(page, generated=datetime.now(tz=portal_tz()).date())
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _filename(office, period, "report", "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def statistics_report_request(request):
    office = selectors.stats_office_get_for_user(user=request.user, code=request.POST.get("office"))
    form = PeriodForm(request.POST)
    if form.is_valid():
        period, metric = form.cleaned_data["period"], form.cleaned_data["metric"]
    back = (
        f"{reverse('stats:statistics')}?{_query(office, period, metric)}" if form.is_valid() else ""
    )
    if not form.is_valid():
        for error in form.errors.get("__all__", []) or [_("Check the months and try again.")]:
            messages.error(request, error)
        # Only the filter's own fields go back into the URL: never the CSRF token (issue 18).
        typed = {k: request.POST.get(k, "") for k in ("office", "start", "end", "metric")}
        return redirect(f"{reverse('stats:statistics')}?{urlencode(typed)}")
    export_builds.report_request(user=request.user, office=office, period=period, metric=metric)
    messages.success(
        request,
        _(
            "Your report is being prepared. It will appear under “Your PDF reports” below; "
            "reload the page in a minute."
        ),
    )
    return redirect(back + "#reports-heading")


def statistics_report_download(request, report_id: int):
    report = export_builds.report_get_for_download(user=request.user, report_id=report_id)
    return file_response(
        request,
        report.file,
        filename=report.file_name,
        content_type="application/pdf",
        missing=_("The report file is missing; ask for it again."),
    )


def _access_log_office(request):
    """A providing office's log: its own admin, or an operator (who must name the office)."""
    code = request.GET.get("office")
    if request.user.is_operator and (code or "").upper() in ("", "ALL"):
        raise Http404("Choose an office.")
    office = selectors.stats_office_get_for_user(user=request.user, code=code)
    return office


def access_log(request):
    office = _access_log_office(request)
    form, period, metric = period_from_query(request.GET)
    lines = selectors.access_log_get(office=office, period=period)
    labels = selectors.application_labels(line.application_id for line in lines)
    return render(
        request,
        "stats/access_log.html",
        {
            "office": office,
            "form": form,
            "period": period,
            "lines": [(line, labels.get(line.application_id, "—")) for line in lines],
            "presets": _presets(office, metric),
            "limit": selectors.ACCESS_LOG_LIMIT,
            "offices": selectors.stats_office_choices(user=request.user),
            "can_pick": request.user.is_operator,
            "query": _query(office, period, metric),
            "tz_name": settings.TIME_ZONE,
        },
    )


def access_log_csv(request):
    office = _access_log_office(request)
    _form, period, _metric = period_from_query(request.GET)
    lines = selectors.access_log_get(office=office, period=period)
    labels = selectors.application_labels(line.application_id for line in lines)
    response = HttpResponse(
        exports.csv_access_log(lines, labels), content_type="text/csv; charset=utf-8"
    )
    name = _filename(office, period, "access-log", "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _last_complete_month() -> "Period":
    this_month = datetime.now(tz=portal_tz()).date().replace(day=1)
    last = month_add(this_month, -1)
    return Period(last, last)


def statistics_published(request):
    """The operator's published monthly statistics: one month, every office, as a PDF."""
    if not request.user.is_operator:
        raise Http404("No statistics for you here.")
    month = request.GET.get("month", "")
    _form, period, metric = period_from_query({"start": month, "end": month})
    if not month or period.first != period.last:  # none or not a month: the last complete one
        period = _last_complete_month()
    page = selectors.stats_page_get(office=None, period=period, metric=metric)
    pdf = exports.pdf_render(
        page, generated=datetime.now(tz=portal_tz()).date(), template="stats/published.html"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"case-published-statistics-{period.first:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _users_office(request):
    """Users of my office: the office admin's own office, never anybody else's."""
    if not request.user.is_office_admin:
        raise Http404("No statistics for you here.")
    return request.user.office


def office_users(request):
    office = _users_office(request)
    form, period, metric = period_from_query(request.GET)
    lines = office_users_get(office=office, period=period)
    return render(
        request,
        "stats/office_users.html",
        {
            "office": office,
            "form": form,
            "period": period,
            "lines": lines,
            "inactive": sum(1 for line in lines if line.inactive),
            "user_columns": USER_COLUMNS,
            "offices": [office],
            "can_pick": False,
            "query": _query(office, period, metric),
            "presets": _presets(office, metric),
            "tz_name": settings.TIME_ZONE,
        },
    )


def office_users_export(request, ext: str):
    office = _users_office(request)
    _form, period, _metric = period_from_query(request.GET)
    lines = office_users_get(office=office, period=period)
    name = _filename(office, period, "users", ext)
    if ext == "csv":
        response = HttpResponse(exports.csv_users(lines), content_type="text/csv; charset=utf-8")
    else:
        pdf = exports.pdf_users(
            office=office, period=period, lines=lines, generated=datetime.now(tz=portal_tz()).date()
        )
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
