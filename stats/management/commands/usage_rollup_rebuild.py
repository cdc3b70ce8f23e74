"""`manage.py usage_rollup_rebuild`: recompute every statistics rollup from the raw events."""

import time

from django.core.management.base import BaseCommand

from stats.services import usage_rollup_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the statistics rollups from the usage events, set-based, one month per "
        "transaction (a few minutes for 10 M events). Run it after loading events in bulk, after "
        "a repair, or after changing TIME_ZONE. New events wait while their month is rebuilt."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        usage_rollup_rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Rollups rebuilt in {seconds:.1f} s."))
