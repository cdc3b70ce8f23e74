from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # dossiers cannot import us; its family page asks us which members an office requested.
        from dossiers.family_page import family_requests_register
        from dossiers.federation.tracking import interest_register
        from dossiers.services.worklists import documents_requester_register

        from . import receivers, selectors, services, tasks  # noqa: F401

        family_requests_register(_requests_made)
        # The clerk's worklist asks for documents through our request service.
        documents_requester_register(services.request_make)
        # Web-service offices' documents: which applications the change check must list.
        interest_register(selectors.federation_interest)


def _requests_made(office, application_ids) -> dict:
    """{application id: (state in words, date asked)} of the office's active requests."""
    from django.utils import timezone

    from .models import DocumentRequest

    rows = DocumentRequest.objects.filter(
        requesting_office=office,
        application_id__in=application_ids,
        state__in=DocumentRequest.ACTIVE,
    ).only("application_id", "state", "created_at")
    return {
        r.application_id: (r.get_state_display().lower(), timezone.localdate(r.created_at))
        for r in rows
    }
