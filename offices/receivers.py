"""Receivers of allauth's account events (offices owns accounts)."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from . import services


@receiver(password_reset, dispatch_uid="offices_password_reset_verifies_email")
def _on_password_reset(sender, request, user, **kwargs):
    # The link was mailed to the address: setting a password through it proves the address.
    services.user_email_mark_verified(user=user)
