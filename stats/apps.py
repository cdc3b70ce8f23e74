from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = gettext_lazy("Usage statistics")

    def ready(self) -> None:
        # tasks: registered by name in every process, so services can enqueue them by name.
        from . import receivers, tasks  # noqa: F401
