"""Load the demo data of every app that has a `demo` module, in INSTALLED_APPS order."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo offices, people, families and documents (idempotent)."

    def handle(self, *args, **options):
        total = 0
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if find_spec(name) is None:
                continue
            changes = import_module(name).load(stdout=self.stdout) or []
            total += len(changes)
            self.stdout.write(f"{config.label}: {len(changes)} change(s)")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({total} change(s))."))
