"""Writes for offices, accounts and API keys. Every rule an office admin is bound by lives here."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .models import ApiKey, Office, User

logger = logging.getLogger(__name__)

# Set when an invited person sets their first password; the next log-in redirect reads it.
FIRST_VISIT_SESSION_KEY = "offices_first_visit"


def _require_admin_of(admin: User, office: Office) -> None:
    if not (admin.is_operator or (admin.is_office_admin and admin.office_id == office.pk)):
        raise PermissionDenied("You can only manage your own office.")


def _other_active_admins(user: User):
    return User.objects.filter(
        office_id=user.office_id, role=User.Role.OFFICE_ADMIN, is_active=True
    ).exclude(pk=user.pk)


def user_invitation_url(*, user: User) -> str:
    """The link where an invited person sets their own password (allauth's reset-from-key page).
    Made when the mail is sent, so the token is fresh."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def user_invitation_email(*, user: User) -> tuple[str, str]:
    """Subject and body of the invitation; the notifications outbox sends it."""
    context = {
        "user": user,
        "office": user.office,
        "invited_by": user.invited_by,
        "password_reset_url": user_invitation_url(user=user),
    }
    subject = render_to_string("offices/email/invitation_subject.txt", context).strip()
    body = render_to_string("offices/email/invitation_message.txt", context)
    return subject, body


@transaction.atomic
def user_invite(
    *,
    admin: User,
    office: Office,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> User | None:
    """The invited person, or None when the address has an account at another office (the
    caller answers the same either way)."""
    _require_admin_of(admin, office)
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.office_id == office.pk:
        raise ValidationError({"email": _("Your office already has an account with this address.")})
    if existing is not None:
        # Answered like any invitation, so one office never learns who has accounts elsewhere;
        # nothing is sent and the operator, told here, resolves a real conflict.
        logger.warning(
            "Invitation of %s by %s (%s) not sent: the address has an account at another office.",
            email,
            admin.email,
            office.code,
        )
        return None
    user = User(
        email=email,
        office=office,
        role=role,
        first_name=first_name,
        last_name=last_name,
        invited_by=admin,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    # The outbox row is written in this transaction and sent after commit, by a worker.
    signals.user_invited.send(sender=User, user=user)
    return user


@transaction.atomic
def user_change_role(*, admin: User, user: User, role: str) -> User:
    _require_admin_of(admin, user.office)
    if role not in User.Role.values:
        raise ValidationError({"role": _("Choose examiner, clerk or office admin.")})
    if (
        user.role == User.Role.OFFICE_ADMIN
        and role != User.Role.OFFICE_ADMIN
        and not _other_active_admins(user).exists()
    ):
        raise ValidationError(_("An office needs at least one active office admin."))
    user.role = role
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_set_active(*, admin: User, user: User, active: bool) -> User:
    _require_admin_of(admin, user.office)
    if not active and user.pk == admin.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if (
        not active
        and user.role == User.Role.OFFICE_ADMIN
        and not _other_active_admins(user).exists()
    ):
        raise ValidationError(_("An office needs at least one active office admin."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _end_sessions(user)
    return user


def user_email_mark_verified(*, user: User) -> None:
    """The person proved `user.email` (a mailed link was used): allauth lets them enrol MFA."""
    from allauth.account.models import EmailAddress

    address, _ = EmailAddress.objects.get_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def user_mfa_blocker(user: User) -> str | None:
    """Why allauth would refuse this person a TOTP authenticator, or None if it would not."""
    from allauth.mfa.internal.flows.add import validate_can_add_authenticator

    try:
        validate_can_add_authenticator(user)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _end_sessions(user: User) -> None:
    """A deactivated person is logged out everywhere at once, not at session expiry."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


@transaction.atomic
def office_policy_update(
    *, admin: User, office: Office, shares_with_all: bool, shares_with: Iterable[Office]
) -> Office:
    _require_admin_of(admin, office)
    office.shares_with_all = shares_with_all
    office.save(update_fields=["shares_with_all"])
    office.shares_with.set([] if shares_with_all else [o for o in shares_with if o.pk != office.pk])
    return office


@transaction.atomic
def office_request_contacts_update(
    *, admin: User, office: Office, request_inbox: str, request_contacts: Iterable[User]
) -> Office:
    """The office's request inbox and the clerks/admins e-mailed about document requests."""
    _require_admin_of(admin, office)
    people = list(request_contacts)
    if any(
        u.office_id != office.pk or u.role not in (User.Role.CLERK, User.Role.OFFICE_ADMIN)
        for u in people
    ):
        raise ValidationError({"request_contacts": _("Choose clerks and admins of your office.")})
    office.request_inbox = (request_inbox or "").strip().lower()
    office.full_clean(exclude=["shares_with", "request_contacts"])
    office.save(update_fields=["request_inbox"])
    office.request_contacts.set(people)
    return office


# Lead time of just-in-time packages: at least a day, at most about a quarter (reports that come
# later still arrive as top-ups).
LEAD_DAYS_MIN, LEAD_DAYS_MAX = 1, 90


@transaction.atomic
def office_settings_update(
    *, admin: User, office: Office, worklist_date_order: str, package_lead_days: int
) -> Office:
    """The office's worklist date order and the lead time of its just-in-time packages."""
    _require_admin_of(admin, office)
    errors = {}
    if worklist_date_order not in Office.DateOrder.values:
        errors["worklist_date_order"] = "Choose how your clerks write dates."
    if not LEAD_DAYS_MIN <= int(package_lead_days) <= LEAD_DAYS_MAX:
        errors["package_lead_days"] = (
            f"Give a number of days between {LEAD_DAYS_MIN} and {LEAD_DAYS_MAX}."
        )
    if errors:
        raise ValidationError(errors)
    office.worklist_date_order = worklist_date_order
    office.package_lead_days = int(package_lead_days)
    office.save(update_fields=["worklist_date_order", "package_lead_days"])
    return office


@transaction.atomic
def api_key_create(
    *, office: Office, name: str, scopes: Iterable[str], created_by: User | None = None
) -> tuple[ApiKey, str]:
    """Returns the row and the raw key; the raw key is never stored and cannot be shown again."""
    if created_by is not None:
        _require_admin_of(created_by, office)
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(ApiKey.Scope.values):
        raise ValidationError({"scopes": _("Choose at least one of: access, provide.")})
    if ApiKey.Scope.PROVIDE in scopes and not office.provides:
        raise ValidationError(
            {"scopes": _("%(office)s does not provide data.") % {"office": office.code}}
        )
    raw = ApiKey.generate()
    key = ApiKey(
        office=office,
        name=name.strip() or "API key",
        prefix=raw[5 : 5 + ApiKey.PREFIX_LEN],
        key_hash=ApiKey.hash(raw),
        scopes=scopes,
        created_by=created_by,
    )
    key.full_clean()
    key.save()
    return key, raw


@transaction.atomic
def api_key_revoke(*, admin: User, key: ApiKey) -> ApiKey:
    _require_admin_of(admin, key.office)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(raw: str) -> ApiKey | None:
    key = ApiKey.objects.live().select_related("office").filter(key_hash=ApiKey.hash(raw)).first()
    if key is not None:
        # One cheap UPDATE; last_used_at helps admins find keys nobody uses.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def language_supported(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def user_language_set(*, user: User, language: str) -> None:
    """Remember a person's interface language: their pages, e-mails and notifications."""
    if not language_supported(language):
        raise ValidationError({"language": f"Unknown language {language!r}."})
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


def user_language(user: User | None) -> str:
    """The language to write to `user` in (an e-mail, a notification): their choice, else the
    portal's default."""
    language = getattr(user, "language", "") or ""
    return language if language_supported(language) else settings.LANGUAGE_CODE
