"""Thin views: access -> form -> one service -> render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from case_portal.forms import form_errors_apply
from dossiers import selectors as dossier_selectors
from dossiers.models import Application

from . import selectors, services
from .forms import (
    PreferenceForm,
    QuickWatchForm,
    RequestByNumberForm,
    RequestChangeForm,
    RequestForm,
    WatchAddForm,
    WatchOptionsForm,
)
from .models import DocumentRequest, Watch


def _safe_next(request, url: str | None, fallback: str) -> str:
    """A path on this site to go back to. Only one starting with "/": `redirect()` takes any
    other word ("abc") for a view name, and an unknown one was a 500."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    ):
        return url
    return fallback


def _describe(watch: Watch) -> str:
    what = "the family of" if watch.scope == Watch.Scope.FAMILY else ""
    return " ".join(filter(None, [what, services.number_display(watch.application)]))


@csrf_exempt  # one-click from the mail client: the signed token stands in for the session
@login_not_required
def watch_unsubscribe(request, token: str):
    """The e-mail's one-click unsubscribe: the signed token is the credential (mail clients
    POST it without a session, RFC 8058); a person opening the link confirms first."""
    watch = services.watch_from_unsubscribe_token(token)
    if request.method == "POST":
        label = _describe(watch) if watch else ""
        if watch is not None:
            services.watch_delete(watch=watch)
        return render(
            request, "notifications/watch_unsubscribe.html", {"done": True, "label": label}
        )
    return render(
        request,
        "notifications/watch_unsubscribe.html",
        {"watch": watch, "label": _describe(watch) if watch else "", "token": token},
    )


# ------------------------------------------------------------------ watch list


def preferences(request):
    """The person's notification settings (from the header menu): e-mail each notification at
    once or in one daily digest; every notification of the person follows it."""
    current = selectors.delivery_for_user(user=request.user)
    form = PreferenceForm(request.POST or None, initial={"delivery": current})
    if request.method == "POST" and form.is_valid():
        preference = services.preference_save(
            user=request.user, delivery=form.cleaned_data["delivery"]
        )
        saved = _("Settings saved: %(delivery)s.")
        messages.success(request, saved % {"delivery": preference.get_delivery_display()})
        return redirect("notifications:settings")
    overrides = selectors.watch_list_for_user(user=request.user).exclude(
        delivery=Watch.Delivery.SETTINGS
    )
    return render(
        request, "notifications/settings.html", {"form": form, "overrides": list(overrides)}
    )


def watch_list(request):
    form = WatchAddForm(
        request.POST or None, user_delivery=selectors.delivery_for_user(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = dossier_selectors.application_find_for_user(
                user=request.user, text=data["number"]
            )
        except ValidationError as exc:
            form_errors_apply(form, exc, "number")
        else:
            watch, created = services.watch_save(
                user=request.user,
                application=app,
                scope=data["scope"],
                categories=data["categories"],
                direction=data["direction"],
                delivery=data["delivery"],
            )
            done = (
                _("You are now watching %(what)s.")
                if created
                else _("Updated your watch on %(what)s.")
            )
            messages.success(request, done % {"what": _describe(watch)})
            return redirect("notifications:watch-list")
    watches = selectors.watch_list_for_user(user=request.user)
    return render(
        request,
        "notifications/watch_list.html",
        {"form": form, "watches": watches, "user_delivery": form.fields["delivery"].choices[0][1]},
    )


@require_POST
def watch_quick(request):
    """One-click Watch from the family page: default choices, adjustable on the watch list."""
    form = QuickWatchForm(request.POST)
    fallback = "notifications:watch-list"
    if not form.is_valid():
        messages.error(request, _("Choose an application or a family to watch."))
        return redirect(fallback)
    data = form.cleaned_data
    if data.get("application"):
        app = dossier_selectors.application_get_for_user(
            user=request.user, application_id=data["application"]
        )
        scope = Watch.Scope.APPLICATION
    else:
        # Anchor a family watch on a member (family ids change on merges): the watcher's own
        # office's application when the family has one, so it reads "the family of AU ...".
        members = Application.objects.visible_to(request.user).filter(family_id=data["family"])
        app = (
            members.filter(office_id=request.user.office_id).order_by("filing_date", "pk").first()
            or members.order_by("filing_date", "pk").first()
        )
        if app is None:
            raise Http404("No such family.")
        scope = Watch.Scope.FAMILY
    existing = Watch.objects.filter(user=request.user, application=app).first()
    watch, _created = services.watch_save(
        user=request.user,
        application=app,
        scope=scope,
        categories=existing.categories if existing else (),
        direction=existing.direction if existing else Watch.Direction.ALL,
        delivery=existing.delivery if existing else Watch.Delivery.SETTINGS,
    )
    messages.success(
        request,
        _("You are now watching %(what)s. Choose categories and e-mail on your watch list.")
        % {"what": _describe(watch)},
    )
    return redirect(_safe_next(request, data.get("next"), "/watch/"))


def watch_edit(request, watch_id: int):
    watch = selectors.watch_get_for_user(user=request.user, watch_id=watch_id)
    form = WatchOptionsForm(
        request.POST or None,
        user_delivery=selectors.delivery_for_user(user=request.user),
        initial={
            "scope": watch.scope,
            "categories": watch.categories,
            "direction": watch.direction,
            "delivery": watch.delivery,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.watch_save(user=request.user, application=watch.application, **form.cleaned_data)
        messages.success(request, _("Updated your watch on %(what)s.") % {"what": _describe(watch)})
        return redirect("notifications:watch-list")
    return render(request, "notifications/watch_edit.html", {"form": form, "watch": watch})


@require_POST
def watch_delete(request, watch_id: int):
    watch = selectors.watch_get_for_user(user=request.user, watch_id=watch_id)
    label = _describe(watch)
    services.watch_delete(watch=watch)
    messages.success(request, _("You no longer watch %(label)s.") % {"label": label})
    return redirect(_safe_next(request, request.POST.get("next"), "/watch/"))


# ------------------------------------------------------------------ notifications


def notification_list(request):
    qs = selectors.notification_list_for_user(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


def notification_open(request, notification_id: int):
    notification = selectors.notification_get_for_user(
        user=request.user, notification_id=notification_id
    )
    services.notification_mark_read(notification=notification)
    return redirect(services.notification_target(notification))


@require_POST
def notification_read(request, notification_id: int):
    notification = selectors.notification_get_for_user(
        user=request.user, notification_id=notification_id
    )
    services.notification_mark_read(notification=notification)
    return redirect(_safe_next(request, request.POST.get("next"), "/notifications/"))


@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "Marked %(count)s notification as read.",
            "Marked %(count)s notifications as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:notification-list")


# ------------------------------------------------------------------ document requests


def request_list(request):
    user = request.user
    handles_queue = selectors.user_handles_queue(user)
    tab = request.GET.get("tab") or ("incoming" if handles_queue else "made")
    if tab == "incoming" and handles_queue:
        qs = selectors.request_list_incoming(user=user)
    else:
        tab = "made"
        qs = selectors.request_list_made(user=user)
    state = request.GET.get("state", "active" if tab == "incoming" else "")
    office = (request.GET.get("office") or "").strip().upper()[:2]
    sort = request.GET.get("sort", "needed" if tab == "incoming" else "")
    qs = selectors.request_list_filter(qs, state=state, office=office, sort=sort)
    qs = qs.prefetch_related("joins")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/request_list.html",
        {
            "page": page,
            "tab": tab,
            "handles_queue": handles_queue,
            "state": state,
            "office": office,
            "sort": sort,
            # the pager keeps the filters
            "pager_query": urlencode({"tab": tab, "state": state, "office": office, "sort": sort})
            + "&",
            "states": DocumentRequest.State.choices,
            "number_form": RequestByNumberForm(),
        },
    )


def _request_by_number(request):
    """ "Request by number": an application the portal holds goes to its form; a valid number
    it does not hold yet can be asked from its office."""
    form = RequestByNumberForm(request.POST or request.GET)
    if not form.is_valid():
        return None, form, None
    line = dossier_selectors.application_find(
        within=Application.objects.visible_to(request.user),
        text=form.cleaned_data["number"],
        fallback_office=getattr(request.user.office, "code", None),
    )
    if line.error:
        form.add_error("number", line.error)
        return None, form, None
    if line.application is not None:
        return line.application, form, None
    try:
        services.request_provider_for_number(user=request.user, number=line.number)
    except ValidationError as exc:
        form_errors_apply(form, exc, "number")
        return None, form, None
    return None, form, line.number


def request_new(request):
    app, number, number_form = None, None, None
    app_id = request.POST.get("application") or request.GET.get("application")
    if app_id:
        if not str(app_id).isdigit():
            raise Http404("No application given.")
        app = dossier_selectors.application_get_for_user(
            user=request.user, application_id=int(app_id)
        )
    elif request.POST.get("number") or request.GET.get("number"):
        app, number_form, number = _request_by_number(request)
        if app is not None and request.method == "GET":
            return redirect(f"{request.path}?application={app.pk}")
        if app is None and number is None:
            return render(request, "notifications/request_number.html", {"form": number_form})
    else:
        raise Http404("No application given.")
    defaults = selectors.request_defaults(user=request.user, application=app)
    elsewhere = (
        selectors.family_reports_elsewhere(user=request.user, application=app) if app else []
    )
    form = RequestForm(
        request.POST or None,
        own_choices=defaults.own_choices,
        family_has_reports=bool(elsewhere),
        initial={
            "own_application": defaults.own.pk if defaults.own else None,
            "needed_by": defaults.needed_by,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        own = next((a for a in defaults.own_choices if a.pk == data.get("own_application")), None)
        try:
            req, outcome = services.request_make(
                user=request.user,
                application=app,
                number=number,
                category=data["category"],
                message=data["message"],
                needed_by=data["needed_by"],
                requester_application=own,
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            shown = services.request_number(req)
            messages.success(
                request,
                {
                    "created": _("%(what)s of %(number)s requested from %(office)s."),
                    "joined": _(
                        "Your office had already asked for %(number)s; you joined that "
                        "request and will be told when it changes."
                    ),
                    "already": _("You had already asked for %(number)s."),
                }[outcome]
                % {
                    "what": req.get_category_display(),
                    "number": shown,
                    "office": req.provider_office.name,
                },
            )
            return redirect("notifications:request-detail", request_id=req.pk)
    existing = (
        selectors.request_active_for(application=app, office=request.user.office) if app else None
    )
    return render(
        request,
        "notifications/request_new.html",
        {
            "form": form,
            "application": app,
            "number": number,
            "existing": existing,
            "elsewhere": elsewhere,
        },
    )


def request_detail(request, request_id: int):
    req = selectors.request_get_for_user(user=request.user, request_id=request_id)
    can_change = req.is_active and services.request_handled_by(user=request.user, request=req)
    form = RequestChangeForm(request.POST or None, initial={"expected_date": req.expected_date})
    if request.method == "POST":
        if not can_change:
            # Requesting office and finished requests: nothing to change here.
            raise Http404("No such request.")
        if form.is_valid():
            try:
                services.request_change(
                    user=request.user,
                    request=req,
                    state=form.cleaned_data["state"],
                    expected_date=form.cleaned_data["expected_date"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form_errors_apply(form, exc)
            else:
                messages.success(request, _("Request updated; the requesters have been notified."))
                return redirect("notifications:request-detail", request_id=req.pk)
    joins = req.joins.select_related("user")
    return render(
        request,
        "notifications/request_detail.html",
        {
            "req": req,
            "joins": joins,
            "form": form,
            "can_change": can_change,
            "shown": services.request_number(req),
            "own_unpublished": selectors.request_provided_unpublished(
                user=request.user, request=req
            ),
        },
    )
