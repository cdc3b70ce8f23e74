"""Office admin pages: accounts, API keys, settings and the access policy of the admin's own
office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from case_portal.forms import form_errors_apply

from . import selectors, services
from .decorators import office_admin_required
from .forms import (
    AccessPolicyForm,
    ApiKeyForm,
    InviteForm,
    OfficeSettingsForm,
    RequestContactsForm,
    RoleForm,
)


def _error_messages(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def welcome(request):
    """The first-visit page (after setting a password from an invitation): what this role does
    here and where. Open any time; LoginRequiredMiddleware keeps it to signed-in people."""
    return render(request, "offices/welcome.html", selectors.welcome_for(user=request.user))


@office_admin_required
def user_list(request):
    users = selectors.user_list_for_admin(admin=request.user)
    return render(request, "offices/user_list.html", {"users": users, "invite_form": InviteForm()})


@office_admin_required
def user_invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(
                admin=request.user, office=request.user.office, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            email = user.email if user else form.cleaned_data["email"].strip().lower()
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("offices:user-list")
    return render(request, "offices/user_invite.html", {"form": form})


@office_admin_required
def user_detail(request, user_id: int):
    user = selectors.user_get_for_admin(admin=request.user, user_id=user_id)
    form = RoleForm(request.POST or None, initial={"role": user.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_role(admin=request.user, user=user, role=form.cleaned_data["role"])
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.")
                % {"email": user.email, "role": user.get_role_display().lower()},
            )
            return redirect("offices:user-list")
    return render(request, "offices/user_detail.html", {"account": user, "form": form})


@office_admin_required
@require_POST
def user_set_active(request, user_id: int):
    user = selectors.user_get_for_admin(admin=request.user, user_id=user_id)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(admin=request.user, user=user, active=active)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        done = (
            _("%(email)s has been reactivated.") if active else _("%(email)s has been deactivated.")
        )
        messages.success(request, done % {"email": user.email})
    return redirect("offices:user-detail", user_id=user.pk)


@office_admin_required
def api_key_list(request):
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            key, new_key = services.api_key_create(
                office=request.user.office, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            form = ApiKeyForm()
    keys = selectors.api_key_list_for_admin(admin=request.user)
    response = render(
        request, "offices/api_key_list.html", {"keys": keys, "form": form, "new_key": new_key}
    )
    if new_key:
        response["Cache-Control"] = "no-store"  # the key must not linger in any cache
    return response


@office_admin_required
@require_POST
def api_key_revoke(request, key_id: int):
    key = selectors.api_key_get_for_admin(admin=request.user, key_id=key_id)
    services.api_key_revoke(admin=request.user, key=key)
    messages.success(
        request, _("API key “%(name)s” revoked; it no longer works.") % {"name": key.name}
    )
    return redirect("offices:api-key-list")


@office_admin_required
def access_policy(request):
    office = selectors.office_get_providing_for_admin(admin=request.user)
    initial = {
        "shares_with_all": "1" if office.shares_with_all else "0",
        "shares_with": office.shares_with.all(),
    }
    form = AccessPolicyForm(request.POST or None, office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.office_policy_update(admin=request.user, office=office, **form.cleaned_data)
        messages.success(request, _("Access policy saved."))
        return redirect("offices:access-policy")
    return render(request, "offices/access_policy.html", {"form": form, "office": office})


def _office_form_page(request, *, office, form, update, saved: str, url: str, template: str):
    """An office admin's page of one office form: a valid form goes to `update` (the service,
    whose rule errors land on their fields), then back to the page with `saved`."""
    if request.method == "POST" and form.is_valid():
        try:
            update(admin=request.user, office=office, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, saved)
            return redirect(url)
    return render(request, template, {"form": form, "office": office})


@office_admin_required
def request_contacts(request):
    """Who of the office hears of other offices' document requests."""
    office = selectors.office_get_providing_for_admin(admin=request.user)
    initial = {
        "request_inbox": office.request_inbox,
        "request_contacts": office.request_contacts.all(),
    }
    return _office_form_page(
        request,
        office=office,
        form=RequestContactsForm(request.POST or None, office=office, initial=initial),
        update=services.office_request_contacts_update,
        saved=_("Request contacts saved."),
        url="offices:request-contacts",
        template="offices/request_contacts.html",
    )


@office_admin_required
def office_settings(request):
    """The admin's own office: how worklist dates are read and when packages are built."""
    office = request.user.office
    initial = {
        "worklist_date_order": office.worklist_date_order,
        "package_lead_days": office.package_lead_days,
    }
    return _office_form_page(
        request,
        office=office,
        form=OfficeSettingsForm(request.POST or None, initial=initial),
        update=services.office_settings_update,
        saved=_("Office settings saved."),
        url="offices:office-settings",
        template="offices/office_settings.html",
    )


@login_not_required
@require_POST
def language_set(request):
    """Django's set_language (cookie, then back to the page), remembered on the profile of a
    signed-in person so e-mails and notifications follow too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and services.language_supported(language):
        services.user_language_set(user=request.user, language=language)
    return response
