from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = gettext_lazy("Offices and accounts")

    def ready(self):
        from case_portal import translations

        from . import receivers  # noqa: F401 - connects allauth's account events

        translations.install()  # the portal's pages translate faster (case_portal/translations.py)
