"""Reads for offices and accounts, always scoped to what the asking person may see."""

from django.http import Http404

from case_portal.selectors import one_or_404

from .models import ApiKey, Office, User


def user_list_for_admin(*, admin: User):
    if not admin.is_office_admin:
        return User.objects.none()
    return User.objects.in_office(admin.office).order_by("-is_active", "email")


def user_get_for_admin(*, admin: User, user_id: int) -> User:
    """Another office's user and a missing user give the same 404."""
    users = user_list_for_admin(admin=admin).select_related("office")
    return one_or_404(users, user_id, "user in your office")


def api_key_list_for_admin(*, admin: User):
    if not admin.is_office_admin:
        return ApiKey.objects.none()
    return ApiKey.objects.filter(office=admin.office).select_related("created_by")


def api_key_get_for_admin(*, admin: User, key_id: int) -> ApiKey:
    return one_or_404(api_key_list_for_admin(admin=admin), key_id, "API key in your office")


def office_get_providing_for_admin(*, admin: User) -> Office:
    """The admin's own office, for pages that only a providing office has (access policy,
    request contacts); others get a 404."""
    office = admin.office
    if not office.provides:
        raise Http404("Your office does not provide documents.")
    return office


def office_list_accessing(*, exclude: Office | None = None):
    qs = Office.objects.active().filter(accesses=True)
    return qs.exclude(pk=exclude.pk) if exclude else qs


def welcome_for(*, user: User) -> dict:
    """What the first-visit page shows this person: their role's work, and whether the
    second factor is still to be set up (office admins and operators need it)."""
    from allauth.mfa.utils import is_mfa_enabled

    needs_mfa = user.is_operator or user.role == User.Role.OFFICE_ADMIN
    return {
        "office": user.office,
        "role": "operator" if user.is_operator else user.role,
        "can_provide": user.can_provide,
        "needs_mfa": needs_mfa,
        "mfa_enabled": needs_mfa and is_mfa_enabled(user),
    }
