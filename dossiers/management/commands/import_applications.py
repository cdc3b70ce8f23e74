"""Load a providing office's back file: CSV or JSON lines (or one JSON document in the bulk
endpoint's format), streamed, in chunks written set-based (COPY into staging tables, then one
merge per chunk: dossiers/services/bulk.py). Same parser and rules as POST
/api/v1/applications/bulk; the file format is in docs/api.md ("Loading a back file").

Each chunk commits on its own, so an interrupted load keeps what it wrote, and running the same
file again changes nothing (applications are upserted on their canonical key). Refused lines go
to a reject file, one JSON object a line: {"line": 12, "number": "...", "errors": {...}}.
"""

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dossiers.services import applications, bulk
from offices.models import Office

CSV_COLUMNS = (
    "office",
    "number",
    "filing_date",
    "title",
    "applicants",
    "status",
    "published",
    "examination_date",
    "pct",
    "priorities",
    "publications",
)
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}


def csv_item(row: dict) -> dict:
    """One CSV row as the JSON object the bulk endpoint takes (lists: `;` between entries, `|`
    between an entry's parts: `US|61/711,111|2012-10-09; EP|12345678.9|2012-11-01`)."""
    unknown = set(row) - set(CSV_COLUMNS) - {None}
    if None in row or unknown:
        raise ValidationError({"non_field_errors": "More cells than the header has columns."})
    item: dict = {k: v.strip() for k, v in row.items() if v is not None and v.strip()}
    if "applicants" in item:
        item["applicants"] = [a for a in (x.strip() for x in item["applicants"].split(";")) if a]
    if "published" in item:
        word = item["published"].lower()
        item["published"] = True if word in _TRUE else False if word in _FALSE else word
    for name, parts in (
        ("priorities", ("office", "number", "date")),
        ("publications", ("number", "date")),
    ):
        if name in item:
            entries = []
            for entry in item[name].split(";"):
                cells = [c.strip() for c in entry.split("|")]
                if len(cells) > len(parts):
                    raise ValidationError({name: f"‘{entry.strip()}’: at most {'|'.join(parts)}."})
                if any(cells):
                    entries.append(dict(zip(parts, cells, strict=False)))
            item[name] = entries
    return item


class Command(BaseCommand):
    help = "Create or update the applications of one office from a CSV or JSON-lines back file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (.csv), JSON lines, or a bulk JSON document")
        parser.add_argument("--office", help="ST.3 code; else the first item's `office`")
        parser.add_argument(
            "--rejects", help="where refused lines go (default: FILE.rejects.jsonl)"
        )
        parser.add_argument("--chunk", type=int, default=5000, help="applications per commit")

    def handle(self, *args, file: str, office: str | None, rejects: str | None, chunk: int, **o):
        path = Path(file)
        try:
            size = path.stat().st_size
            fh = path.open(encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        rejects_path = Path(rejects) if rejects else path.with_name(path.name + ".rejects.jsonl")
        with fh, rejects_path.open("w", encoding="utf-8") as rej:
            lines = self._items(fh, path)
            first = next(lines, None)
            code = office or (
                first[1].get("office") if first and isinstance(first[1], dict) else ""
            )
            target = Office.objects.filter(code=str(code or "").upper(), provides=True).first()
            if target is None:
                raise CommandError(f"No providing office {code!r}; pass --office.")
            counts = {"total": 0, "created": 0, "updated": 0, "error": 0}
            started = time.monotonic()
            pending: list[bulk.Prepared] = []

            def flush():
                with transaction.atomic():
                    written = bulk.applications_write(office=target, items=pending)
                    results = [written[p.index] for p in pending]
                    applications.applications_saved_send(results=results)
                for r in results:
                    self._count(counts, r, rej)
                pending.clear()
                self._bar(counts, fh, size, started)

            for line, item in [first, *lines] if first else []:
                number = item.get("number") if isinstance(item, dict) else None
                try:
                    if isinstance(item, ValidationError):
                        raise item
                    kwargs = applications.application_in_parse(item, office=target)
                    pending.append(bulk.item_prepare(line, kwargs, number=number))
                except ValidationError as exc:
                    self._count(counts, bulk.error_result(line, number, bulk.errors_of(exc)), rej)
                if len(pending) >= chunk:
                    flush()
            flush()
        self.stderr.write("")
        if not counts["error"]:
            rejects_path.unlink()
        self.stdout.write(
            json.dumps(
                {
                    "summary": counts,
                    "rejects": str(rejects_path) if counts["error"] else None,
                    "seconds": round(time.monotonic() - started, 1),
                },
                indent=2,
            )
        )
        style = self.style.SUCCESS if not counts["error"] else self.style.WARNING
        self.stderr.write(
            style(
                f"{counts['total']} applications: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['error']} refused"
                + (f" (see {rejects_path})." if counts["error"] else ".")
            )
        )

    def _items(self, fh, path: Path) -> Iterator[tuple[int, object]]:
        """(line number, item) for every application in the file; a line that cannot be read
        yields a ValidationError in place of the item."""
        head = fh.read(1)
        while head and head.isspace():
            head = fh.read(1)
        fh.seek(0)
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(fh)
            missing = {"number"} - set(reader.fieldnames or ())
            if missing:
                raise CommandError(f"The CSV header has no `number` column: {CSV_COLUMNS}.")
            for row in reader:
                try:
                    yield reader.line_num, csv_item(row)
                except ValidationError as exc:
                    yield reader.line_num, exc
            return
        if head == "[" or (head == "{" and self._is_document(fh)):
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path} is not valid JSON: {exc}") from exc
            items = data.get("applications") if isinstance(data, dict) else data
            if not isinstance(items, list):
                raise CommandError('Expected {"applications": [...]} or a list of applications.')
            yield from enumerate(items, start=1)
            return
        for n, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                yield n, json.loads(text)
            except json.JSONDecodeError as exc:
                yield n, ValidationError({"non_field_errors": f"Not a JSON object: {exc.msg}."})

    @staticmethod
    def _is_document(fh) -> bool:
        """A file whose first line is not a whole JSON object is one JSON document."""
        first = fh.readline()
        fh.seek(0)
        try:
            return not isinstance(json.loads(first), dict) or "applications" in json.loads(first)
        except json.JSONDecodeError:
            return True

    @staticmethod
    def _count(counts: dict, result: dict, rej) -> None:
        counts["total"] += 1
        counts[result["status"]] += 1
        if result["status"] == "error":
            rej.write(
                json.dumps(
                    {
                        "line": result["index"],
                        "number": result["number"],
                        "errors": result["errors"],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )

    def _bar(self, counts: dict, fh, size: int, started: float, width: int = 30) -> None:
        try:
            done = fh.buffer.tell() if hasattr(fh, "buffer") else fh.tell()
        except (OSError, ValueError):
            done = size
        share = min(done / size, 1.0) if size else 1.0
        rate = counts["total"] / max(time.monotonic() - started, 1e-6)
        bar = "#" * int(width * share) + "-" * (width - int(width * share))
        self.stderr.write(
            f"\r[{bar}] {share:4.0%} {counts['total']:,} lines, {counts['error']:,} refused, "
            f"{rate:,.0f}/s",
            ending="",
        )
        self.stderr.flush()
