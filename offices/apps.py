from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = gettext_lazy("Offices and accounts")

    def ready(self):
        from . import receivers  # noqa: F401 - connects allauth's account events
