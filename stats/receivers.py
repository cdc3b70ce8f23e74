from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .models import Action
from .services import usage_record


@receiver(user_logged_in, dispatch_uid="stats_login")
def _on_login(sender, request, user, **kwargs):
    usage_record(action=Action.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="stats_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        usage_record(action=Action.LOGOUT, user=user)
