"""Receivers of allauth's account events (offices owns accounts)."""

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from . import services


@receiver(password_reset, dispatch_uid="offices_password_reset_verifies_email")
def _on_password_reset(sender, request, user, **kwargs):
    # The link was mailed to the address: setting a password through it proves the address.
    services.user_email_mark_verified(user=user)
    if user.last_login is None:
        # An invited person's first password: the log-in that follows lands on the first-visit
        # page of their role (AccountAdapter.get_login_redirect_url).
        request.session[services.FIRST_VISIT_SESSION_KEY] = True


@receiver(post_save, sender=EmailAddress, dispatch_uid="offices_account_address_is_primary")
def _on_address_saved(sender, instance, created, **kwargs):
    """allauth records an account's own address (user.email) unverified and non-primary when it
    first meets it. Here accounts are never self-made: the address is the one the office admin
    or operator gave the account, so it is the account's verified, primary address. Otherwise
    MFA setup is refused (item 18.1), and changing the address would drop it as the "pending"
    one and tell nobody of the change (18.4)."""
    if not created or (instance.primary and instance.verified):
        return
    user = instance.user
    if instance.email.lower() != (user.email or "").lower():
        return
    if EmailAddress.objects.filter(user=user).exclude(pk=instance.pk).exists():
        return
    EmailAddress.objects.filter(pk=instance.pk).update(primary=True, verified=True)
    instance.primary = instance.verified = True


@receiver(user_logged_in, dispatch_uid="offices_login_remembers_browser_language")
def _on_login(sender, request, user, **kwargs):
    # First login: the language the browser asked for (or the one switched to before logging
    # in) becomes the person's; from then on their own choice wins (UserLanguageMiddleware).
    if not user.language:
        services.user_language_set(
            user=user, language=translation.get_language_from_request(request)
        )
