"""Remove stored report files that no Document row references (strays of failed uploads), and
with --delete the files of large "one PDF"s past their expiry (as the periodic task does)."""

import datetime as dt

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from case_portal import jobs
from dossiers.models import Document
from dossiers.services import merged_pdfs

ROOT = "documents"


def _walk(storage, path: str):
    # Object storage has no folders: a prefix with nothing under it lists empty, a disk raises.
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}"
    for name in dirs:
        yield from _walk(storage, f"{path}/{name}")


class Command(BaseCommand):
    help = "List (or with --delete remove) files under documents/ that no document references."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove them (default: list).")
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=60,
            help="Leave younger files alone: their upload may still be committing.",
        )

    def handle(self, *args, delete: bool, min_age_minutes: int, **options):
        storage = default_storage
        if delete:
            self.stdout.write(f"Removed {jobs.expire(merged_pdfs.JOB)} expired one-PDF file(s).")
        known = set(Document.objects.values_list("file", flat=True))
        cutoff = timezone.now() - dt.timedelta(minutes=min_age_minutes)
        strays = []
        for name in _walk(storage, ROOT):
            if name in known:
                continue
            try:
                if storage.get_modified_time(name) > cutoff:
                    continue
            except NotImplementedError:
                pass
            strays.append(name)
        if not known and not strays:
            self.stdout.write("No stored documents.")
            return
        for name in strays:
            if delete:
                storage.delete(name)
            self.stdout.write(("removed " if delete else "stray ") + name)
        verb = "Removed" if delete else "Found"
        hint = "" if delete or not strays else " (run with --delete to remove them)"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(strays)} stray file(s){hint}."))
