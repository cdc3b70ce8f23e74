"""Receivers of dossiers' domain events: rows only, inside the sender's transaction."""

from django.dispatch import receiver

from dossiers import signals
from offices import signals as office_signals

from . import services


@receiver(signals.document_added, dispatch_uid="notifications_document_added")
def _on_document_added(sender, document, user=None, **kwargs):
    services.document_added_notify(document=document, actor=user)


@receiver(signals.document_corrected, dispatch_uid="notifications_document_corrected")
def _on_document_corrected(sender, document, before, user=None, **kwargs):
    services.document_corrected_notify(document=document, before=before, actor=user)


@receiver(signals.document_withdrawn, dispatch_uid="notifications_document_withdrawn")
def _on_document_withdrawn(sender, document, user=None, **kwargs):
    services.document_withdrawn_notify(document=document, actor=user)


@receiver(signals.application_saved, dispatch_uid="notifications_application_saved")
def _on_application_saved(sender, application, **kwargs):
    services.requests_attach_for_applications(application_ids=[application.pk])


@receiver(signals.applications_saved, dispatch_uid="notifications_applications_saved")
def _on_applications_saved(sender, application_ids, **kwargs):
    services.requests_attach_for_applications(application_ids=application_ids)


@receiver(signals.package_ready, dispatch_uid="notifications_package_ready")
def _on_package_ready(sender, package, user=None, automatic=False, **kwargs):
    services.notification_for_package(package=package, user=user, automatic=automatic)


@receiver(signals.packages_flagged, dispatch_uid="notifications_packages_flagged")
def _on_packages_flagged(sender, changes, **kwargs):
    services.notifications_for_package_changes(changes=changes)


@receiver(office_signals.user_invited, dispatch_uid="notifications_user_invited")
def _on_user_invited(sender, user, **kwargs):
    services.notification_for_invitation(user=user)
