"""Load a providing office's back file: CSV or JSON lines (or one JSON document in the bulk
endpoint's format), streamed, in chunks written set-based (COPY into staging tables, then one
merge per chunk: dossiers/services/bulk.py). Same parser and rules as POST
/api/v1/applications/bulk; the file format is in docs/api.md ("Loading a back file").

Each chunk commits on its own, so an interrupted load keeps what it wrote, and running the same
file again changes nothing (applications are upserted on their canonical key). Chunks commit
without waiting for the disk flush (synchronous_commit off, this session only): a database
crash may lose the last chunks written, never half of one, and running the file again restores
them; the wait was a tenth of the load's time. Refused lines go
to a reject file, one JSON object a line: {"line": 12, "number": "...", "errors": {...}}.
"""

import csv
import gc
import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import django
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dossiers.models import Application, Family, LookupKey, PriorityClaim, Publication
from dossiers.services import applications, bulk
from dossiers.services.application_input import json_kind, json_text_storable
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
ANALYZE_AFTER = 20_000  # applications created before planner statistics are first refreshed
COLLECT_EVERY = 50_000  # applications written between two garbage collections of the writer
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


def lines_prepare(office: Office, rows: list[tuple[int, str, object]]) -> list[tuple[bool, object]]:
    """Parse one chunk (in a worker process when --jobs > 1): (True, Prepared) for a good line,
    (False, error result) for a refused one. Reads only; no database."""
    out: list[tuple[bool, object]] = []
    for line, kind, raw in rows:
        number = None
        storable = False
        try:
            if kind == "json":
                storable = json_text_storable(raw)
                try:
                    raw = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise ValidationError(
                        {"non_field_errors": f"Not a JSON object: {exc.msg}."}
                    ) from exc
            elif kind == "csv":
                raw = csv_item(raw)
            number = raw.get("number") if isinstance(raw, dict) else None
            kwargs = applications.application_in_parse(raw, office=office, storable=storable)
            out.append((True, bulk.item_prepare(line, kwargs, number=number)))
        except ValidationError as exc:
            out.append((False, bulk.error_result(line, number, bulk.errors_of(exc))))
    return out


def _prepare_chunk(args) -> list[tuple[bool, object]]:
    return lines_prepare(*args)


def _worker_chunk(args) -> list[tuple[bool, object]]:
    """_prepare_chunk in a parse process, without automatic garbage collection: a chunk makes
    some 100,000 objects that all live until it is sent, and the collector scanned them again
    and again while they grew, never finding a cycle among them. One collection before each
    chunk instead (the last one's objects are gone by then), over what the chunks made: the
    objects of the process's start are frozen out of it."""
    if gc.isenabled():  # the first chunk of this process
        gc.disable()
        gc.freeze()
    else:
        gc.collect()
    return lines_prepare(*args)


class Command(BaseCommand):
    help = "Create or update the applications of one office from a CSV or JSON-lines back file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (.csv), JSON lines, or a bulk JSON document")
        parser.add_argument("--office", help="ST.3 code; else the first item's `office`")
        parser.add_argument(
            "--rejects", help="where refused lines go (default: FILE.rejects.jsonl)"
        )
        parser.add_argument("--chunk", type=int, default=5000, help="applications per commit")
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="processes that parse numbers while this one writes (default: cores, up to 4)",
        )

    def handle(self, *args, file, office, rejects, chunk, jobs, **options):
        path = Path(file)
        try:
            size = path.stat().st_size
            fh = path.open(encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        rejects_path = Path(rejects) if rejects else path.with_name(path.name + ".rejects.jsonl")
        self._read = 0
        with fh:
            rows = self._rows(fh, path, size)
            first = next(rows, None)
            target = self._office(office, first)
            counts = {"total": 0, "created": 0, "updated": 0, "error": 0}
            started = time.monotonic()
            chunks = self._chunks([first, *rows] if first else [], chunk, target)
            pool = None
            if jobs > 1:
                # spawn, not fork: a worker must not share this process's database socket. The
                # initializer is django.setup itself: this module imports models, so a worker can
                # only load it once Django is set up.
                pool = multiprocessing.get_context("spawn").Pool(jobs, django.setup)
                parsed = self._in_pool(pool, chunks, window=2 * jobs)
            else:
                parsed = map(_prepare_chunk, chunks)
            with connection.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
                cur.execute(
                    "SELECT greatest(reltuples, 0) FROM pg_class WHERE relname = %s",
                    [Application._meta.db_table],
                )
                known = (cur.fetchone() or (0,))[0]
            # No automatic collection while chunks are in memory (see _worker_chunk: here the
            # parse processes' chunks are unpickled, by the pool's result thread); one between
            # chunks every COLLECT_EVERY applications, for the cycles writing may leave, over
            # what the load made (what the process held before it is frozen out of the scan).
            # Each one still scans the chunks in flight: not after every chunk.
            collecting = gc.isenabled()
            gc.disable()
            gc.freeze()
            collect_at = COLLECT_EVERY
            try:
                with rejects_path.open("w", encoding="utf-8") as rej:
                    for part in parsed:
                        self._write(target, part, counts, rej)
                        del part
                        if counts["total"] >= collect_at:
                            gc.collect()
                            collect_at = counts["total"] + COLLECT_EVERY
                        self._bar(counts, size, started)
                        if counts["created"] > max(ANALYZE_AFTER, known):
                            known = self._analyze(counts["created"])
            finally:
                gc.unfreeze()
                if collecting:
                    gc.enable()
                with connection.cursor() as cur:
                    cur.execute("RESET synchronous_commit")
                if pool is not None:
                    pool.terminate()
                    pool.join()
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

    @staticmethod
    def _analyze(created: int) -> int:
        """Planner statistics for tables this load has outgrown. Taken on a near-empty table (a
        fresh database, autovacuum behind), they make the merge's lookups scan whole tables: a
        load then slows down chunk after chunk. Doubling, so a few times per load."""
        with connection.cursor() as cur:
            for model in (Application, LookupKey, PriorityClaim, Publication, Family):
                cur.execute(f"ANALYZE {model._meta.db_table}")
        return 2 * created

    @staticmethod
    def _office(code: str | None, first) -> Office:
        if not code and first:
            item = first[2]
            if first[1] == "json":
                try:
                    item = json.loads(item)
                except json.JSONDecodeError:
                    item = None
            code = item.get("office") if isinstance(item, dict) else None
            if code is not None and not isinstance(code, str):
                raise CommandError(
                    f'The first item\'s office must be text, e.g. "CA", not {json_kind(code)};'
                    " pass --office."
                )
        target = Office.objects.filter(code=(code or "").strip().upper(), provides=True).first()
        if target is None:
            raise CommandError(f"No providing office ‘{code or ''}’; pass --office.")
        return target

    @staticmethod
    def _in_pool(pool, chunks: Iterator[tuple], window: int) -> Iterator[list]:
        """Results in file order with at most `window` chunks in flight (Pool.imap would read
        the whole file ahead into memory)."""
        flying: deque = deque()
        for args in chunks:
            flying.append(pool.apply_async(_worker_chunk, (args,)))
            if len(flying) >= window:
                yield flying.popleft().get()
        while flying:
            yield flying.popleft().get()

    @staticmethod
    def _chunks(rows: Iterable, size: int, office: Office) -> Iterator[tuple]:
        rows = iter(rows)
        while part := list(islice(rows, size)):
            yield office, part

    def _write(self, office: Office, part: list, counts: dict, rej) -> None:
        """One chunk, one transaction: what was written stays if a later chunk fails."""
        good = [item for ok, item in part if ok]
        with transaction.atomic():
            written = bulk.applications_write(office=office, items=good)
            applications.applications_saved_send(results=[written[p.index] for p in good])
        for ok, item in part:
            self._count(counts, written[item.index] if ok else item, rej)

    def _rows(self, fh, path: Path, size: int) -> Iterator[tuple[int, str, object]]:
        """(line number, kind, raw) for every application in the file, undecoded: the workers
        decode and parse."""
        head = fh.read(1)
        while head and head.isspace():
            head = fh.read(1)
        fh.seek(0)
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(self._counted(fh))
            if "number" not in (reader.fieldnames or ()):
                raise CommandError(f"The CSV header has no `number` column: {CSV_COLUMNS}.")
            for row in reader:
                yield reader.line_num, "csv", row
            return
        if head == "[" or (head == "{" and self._is_document(fh)):
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path} is not valid JSON: {exc}") from exc
            self._read = size
            items = data.get("applications") if isinstance(data, dict) else data
            if not isinstance(items, list):
                raise CommandError('Expected {"applications": [...]} or a list of applications.')
            for n, item in enumerate(items, start=1):
                yield n, "item", item
            return
        for n, text in enumerate(self._counted(fh), start=1):
            if text.strip():
                yield n, "json", text

    def _counted(self, fh) -> Iterator[str]:
        for text in fh:
            self._read += len(text)  # characters: bytes for the ASCII most back files are
            yield text

    @staticmethod
    def _is_document(fh) -> bool:
        """A file whose first line is not a whole JSON object is one JSON document."""
        first = fh.readline()
        fh.seek(0)
        try:
            data = json.loads(first)
        except json.JSONDecodeError:
            return True
        return not isinstance(data, dict) or "applications" in data

    @staticmethod
    def _count(counts: dict, result: dict, rej) -> None:
        counts["total"] += 1
        counts[result["status"]] += 1
        if result["status"] == "error":
            line = {"line": result["index"], "number": result["number"], "errors": result["errors"]}
            rej.write(json.dumps(line, ensure_ascii=False) + "\n")

    def _bar(self, counts: dict, size: int, started: float, width: int = 30) -> None:
        share = min(self._read / size, 1.0) if size else 1.0
        rate = counts["total"] / max(time.monotonic() - started, 1e-6)
        filled = int(width * share)
        self.stderr.write(
            f"\r[{'#' * filled}{'-' * (width - filled)}] {share:4.0%} {counts['total']:,} lines,"
            f" {counts['error']:,} refused, {rate:,.0f}/s",
            ending="",
        )
        self.stderr.flush()
