"""Thin views: access -> form -> one service -> render or redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from case_portal.forms import form_errors_apply
from dossiers import selectors as dossier_selectors
from dossiers.models import Application

from . import selectors, services
from .forms import (
    QuickWatchForm,
    RequestChangeForm,
    RequestForm,
    WatchAddForm,
    WatchOptionsForm,
)
from .models import DocumentRequest, Watch


def _safe_next(request, url: str | None, fallback: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return fallback


def _describe(watch: Watch) -> str:
    what = "the whole family of" if watch.scope == Watch.Scope.FAMILY else ""
    return " ".join(filter(None, [what, services.number_display(watch.application)]))


# ------------------------------------------------------------------ watch list


def watch_list(request):
    form = WatchAddForm(request.POST or None)
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
            verb = "You are now watching" if created else "Updated your watch on"
            messages.success(request, f"{verb} {_describe(watch)}.")
            return redirect("notifications:watch-list")
    watches = selectors.watch_list_for_user(user=request.user)
    return render(request, "notifications/watch_list.html", {"form": form, "watches": watches})


@require_POST
def watch_quick(request):
    """One-click Watch from the family page: default choices, adjustable on the watch list."""
    form = QuickWatchForm(request.POST)
    fallback = "notifications:watch-list"
    if not form.is_valid():
        messages.error(request, "Choose an application or a family to watch.")
        return redirect(fallback)
    data = form.cleaned_data
    if data.get("application"):
        app = dossier_selectors.application_get_for_user(
            user=request.user, application_id=data["application"]
        )
        scope = Watch.Scope.APPLICATION
    else:
        # Anchor a family watch on its oldest visible member: family ids change on merges.
        app = (
            Application.objects.visible_to(request.user)
            .filter(family_id=data["family"])
            .order_by("filing_date", "pk")
            .first()
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
        delivery=existing.delivery if existing else Watch.Delivery.IMMEDIATE,
    )
    messages.success(
        request,
        f"You are now watching {_describe(watch)}. "
        "Choose categories and e-mail on your watch list.",
    )
    return redirect(_safe_next(request, data.get("next"), "/watch/"))


def watch_edit(request, watch_id: int):
    watch = selectors.watch_get_for_user(user=request.user, watch_id=watch_id)
    form = WatchOptionsForm(
        request.POST or None,
        initial={
            "scope": watch.scope,
            "categories": watch.categories,
            "direction": watch.direction,
            "delivery": watch.delivery,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.watch_save(user=request.user, application=watch.application, **form.cleaned_data)
        messages.success(request, f"Updated your watch on {_describe(watch)}.")
        return redirect("notifications:watch-list")
    return render(request, "notifications/watch_edit.html", {"form": form, "watch": watch})


@require_POST
def watch_delete(request, watch_id: int):
    watch = selectors.watch_get_for_user(user=request.user, watch_id=watch_id)
    label = _describe(watch)
    services.watch_delete(watch=watch)
    messages.success(request, f"You no longer watch {label}.")
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
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
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
    state = request.GET.get("state", "")
    if state == "active":
        qs = qs.filter(state__in=DocumentRequest.ACTIVE)
    elif state in DocumentRequest.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/request_list.html",
        {
            "page": page,
            "tab": tab,
            "handles_queue": handles_queue,
            "state": state,
            "states": DocumentRequest.State.choices,
        },
    )


def request_new(request):
    app_id = request.POST.get("application") or request.GET.get("application")
    if not app_id or not str(app_id).isdigit():
        raise Http404("No application given.")
    app = dossier_selectors.application_get_for_user(user=request.user, application_id=int(app_id))
    existing = selectors.request_active_for(application=app, office=request.user.office)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req, outcome = services.request_make(
                user=request.user, application=app, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            shown = services.number_display(app)
            messages.success(
                request,
                {
                    "created": f"Documents for {shown} requested from {app.office.name}.",
                    "joined": f"Your office had already asked for {shown}; you joined that "
                    "request and will be told when it changes.",
                    "already": f"You had already asked for {shown}.",
                }[outcome],
            )
            return redirect("notifications:request-detail", request_id=req.pk)
    return render(
        request,
        "notifications/request_new.html",
        {"form": form, "application": app, "existing": existing},
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
                messages.success(request, "Request updated; the requesters have been notified.")
                return redirect("notifications:request-detail", request_id=req.pk)
    joins = req.joins.select_related("user")
    return render(
        request,
        "notifications/request_detail.html",
        {"req": req, "joins": joins, "form": form, "can_change": can_change},
    )
