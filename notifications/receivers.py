"""Receivers of dossiers' domain events: rows only, inside the sender's transaction."""

from django.dispatch import receiver

from dossiers import signals
from offices import signals as office_signals

from . import services
from .models import Notification


@receiver(signals.document_added, dispatch_uid="notifications_document_added")
def _on_document_added(sender, document, user=None, **kwargs):
    services.notifications_for_document(
        document=document, kind=Notification.Kind.DOCUMENT_ADDED, actor=user
    )
    services.requests_fulfil_for_document(document=document, actor=user)


@receiver(signals.document_withdrawn, dispatch_uid="notifications_document_withdrawn")
def _on_document_withdrawn(sender, document, user=None, **kwargs):
    services.notifications_for_document(
        document=document, kind=Notification.Kind.DOCUMENT_WITHDRAWN, actor=user
    )


@receiver(signals.package_ready, dispatch_uid="notifications_package_ready")
def _on_package_ready(sender, package, user=None, automatic=False, **kwargs):
    services.notification_for_package(package=package, user=user, automatic=automatic)


@receiver(office_signals.user_invited, dispatch_uid="notifications_user_invited")
def _on_user_invited(sender, user, **kwargs):
    services.notification_for_invitation(user=user)
