from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = gettext_lazy("Notifications")

    def ready(self) -> None:
        # dossiers cannot import us; its family page asks us which members an office requested.
        from dossiers.family_page import family_requests_register
        from dossiers.federation.tracking import interest_register
        from dossiers.services.worklists import documents_requester_register
        from offices.adapters import account_mail_queue_register

        from . import receivers, selectors, services, tasks  # noqa: F401

        family_requests_register(_requests_made)
        # The clerk's worklist asks for documents through our request service.
        documents_requester_register(services.request_make)
        # Web-service offices' documents: which applications the change check must list.
        interest_register(selectors.federation_interest)
        # Sign-in e-mails (allauth) go through our outbox, sent by a worker.
        account_mail_queue_register(services.account_mail_queue)


def _requests_made(user, application_ids) -> dict:
    """{application id: (state in words, date asked)} of the user's office's active requests
    (the same read as the member actions' "Requested" pills and watches: one query per page)."""
    from django.utils import timezone

    from .selectors import member_states

    made = member_states(user=user, application_ids=application_ids).requests
    return {
        app_id: (request.get_state_display().lower(), timezone.localdate(request.created_at))
        for app_id, request in made.items()
    }
