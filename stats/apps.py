from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "Usage statistics"

    def ready(self) -> None:
        # tasks: registered by name in every process, so services can enqueue them by name.
        from . import receivers, tasks  # noqa: F401
