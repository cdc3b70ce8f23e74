from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = gettext_lazy("Dossiers")

    def ready(self) -> None:
        # Registered by name in every process, so services can enqueue them by name.
        # stats cannot import dossiers; it asks us for the numbers behind application ids.
        from offices.service_models import connection_tester_register
        from stats.selectors import application_labels_register

        from . import family_reads, tasks  # noqa: F401 - family_reads: the offices' change marks
        from .federation.offices import connection_test_row

        application_labels_register(_application_labels)
        connection_tester_register(connection_test_row)  # the admin's "test connection"


def _application_labels(ids) -> dict[int, str]:
    from .models import Application

    return dict(Application.objects.filter(pk__in=ids).values_list("pk", "display"))
