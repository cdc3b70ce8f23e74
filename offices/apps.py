from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = "Offices and accounts"

    def ready(self):
        from . import receivers  # noqa: F401 - connects allauth's account events
