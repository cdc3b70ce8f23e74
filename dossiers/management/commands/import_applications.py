"""Bulk load applications from a JSON file: the same format and rules as POST
/api/v1/applications/bulk ({"applications": [...]} or a bare list), without its size cap."""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dossiers.services import applications
from offices.models import Office

CHUNK = applications.APPLICATION_BULK_MAX


class Command(BaseCommand):
    help = "Create or update applications of one office from a JSON file (bulk endpoint format)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file, or - for standard input")
        parser.add_argument("--office", help="ST.3 code; else each item's `office` (one office)")
        parser.add_argument("--errors-only", action="store_true", help="Print failed items only.")

    def handle(self, *args, file: str, office: str | None, errors_only: bool, **options):
        try:
            with sys.stdin if file == "-" else open(file, encoding="utf-8") as fh:  # noqa: SIM115
                data = json.load(fh)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}") from exc
        items = data.get("applications") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise CommandError('Expected {"applications": [...]} or a list of applications.')
        code = office or next((i.get("office") for i in items if isinstance(i, dict)), "") or ""
        target = Office.objects.filter(code=code.upper(), provides=True).first()
        if target is None:
            raise CommandError(f"No providing office {code!r}; pass --office.")

        total = len(items)
        results: list[dict] = []
        # Chunks keep each call within the service's cap; items still commit one by one.
        for start in range(0, total, CHUNK):
            chunk = items[start : start + CHUNK]

            def progress(done, start=start):
                self._bar(start + done, total)

            try:
                part = applications.application_bulk_upsert(
                    office=target, items=chunk, progress=progress
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            for r in part:
                r["index"] += start
            results.extend(part)
        if total:
            self.stderr.write("")
        summary = applications.bulk_summary(results)
        shown = [r for r in results if r["status"] == "error"] if errors_only else results
        self.stdout.write(json.dumps({"summary": summary, "results": shown}, indent=2))
        style = self.style.SUCCESS if not summary["error"] else self.style.WARNING
        self.stderr.write(
            style(
                f"{summary['total']} applications: {summary['created']} created, "
                f"{summary['updated']} updated, {summary['error']} refused."
            )
        )

    def _bar(self, done: int, total: int, width: int = 30) -> None:
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stderr.flush()
