from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from dossiers.services.worklists import documents_requester_register

        from . import receivers, services, tasks  # noqa: F401

        # The clerk's worklist asks for documents through our request service.
        documents_requester_register(services.request_make)
