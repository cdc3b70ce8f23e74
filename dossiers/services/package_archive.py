import csv
import datetime as dt
import io
import json
import logging
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from offices.services import user_language

from .. import numbers
from ..federation.client import FetchFailed
from ..federation.reads import package_content_path
from ..models import (
    Application,
    Document,
    Package,
    category_label,
)

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# The index drawer may take minutes for thousands of rows; never forever.
DRAW_TIMEOUT_S = 900
_DRAWER = Path(__file__).with_name("index_drawer.py")


@dataclass
class PlannedDocument:
    document: Document
    path: str


@dataclass
class ApplicationPlan:
    application: Application
    members: list[Application]
    documents: list[PlannedDocument] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    examination_date: dt.date | None = None
    # (application display, office code, asked on) of the office's open requests in the family.
    requested: list[tuple[str, str, dt.date]] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)


def citation_rows(documents: list[Document]) -> list[dict]:
    """The citations across the family's shared reports: one row per cited document, with each
    citing office's categories and claims; X before Y before the rest."""
    rows: dict[str, dict] = {}
    for doc in documents:
        code = doc.application.office.code
        for c in doc.citations.all():
            ident = c.cited_key or c.npl_text.strip().lower()
            row = rows.setdefault(
                ident, {"cited": c.cited_display or c.npl_text, "npl": not c.cited_key, "by": {}}
            )
            if len(c.cited_display) > len(row["cited"]) and c.cited_key:
                row["cited"] = c.cited_display  # the fullest spelling (with its kind code)
            cats, claims = row["by"].setdefault(code, ([], []))
            cats.extend(x for x in c.category.replace(",", " ").split() if x not in cats)
            if c.claims and c.claims not in claims:
                claims.append(c.claims)
    out = []
    for row in rows.values():
        every = {x for cats, _ in row["by"].values() for x in cats}
        row["offices"] = [
            (code, ",".join(cats), "; ".join(claims))
            for code, (cats, claims) in sorted(row["by"].items())
        ]
        row["rank"] = ("X" not in every, "Y" not in every, -len(row["by"]), row["cited"])
        out.append(row)
    return sorted(out, key=lambda r: r["rank"])


def _zip_time(when: dt.datetime) -> tuple:
    local = timezone.localtime(when)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def _manifest(package: Package, plans: list[ApplicationPlan], included: set[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "application",
            "application_number",
            "path",
            "document_id",
            "office",
            "source_application",
            "category",
            "date",
            "pages",
            "bytes",
            "sha256",
        ]
    )
    for plan in plans:
        for item in plan.documents:
            if item.path not in included:
                continue
            doc = item.document
            writer.writerow(
                [
                    plan.application.key,
                    plan.application.display,
                    item.path,
                    doc.pk or doc.id,  # a web-service office's document: the office's id
                    doc.application.office.code,
                    doc.application.display,
                    doc.category,
                    f"{doc.date:%Y-%m-%d}",
                    doc.pages,
                    doc.size,
                    doc.sha256,
                ]
            )
    # BOM: Excel, which clerks open this in, otherwise misreads non-ASCII titles.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def index_pdf(*, package: Package, plans: list[ApplicationPlan], included: set[str]) -> bytes:
    with IndexDrawer() as drawer:
        drawer.send(index_html(package=package, plans=plans, included=included))
        return drawer.result()


# An index of this many rows or more is drawn in DRAWERS processes at once, each a run of whole
# applications (each starts on a new page), the footers ("page N of M") and the outline put on
# after; a smaller one in one process, as the stitching costs ~0.2 s.
SPLIT_ROWS = 150
DRAWERS = 2


@dataclass
class IndexHtml:
    """The index as the drawers take it: `parts` (one: the whole document, footers included;
    more: runs of whole pages, without footers) and `footers`, the footer sheet of a split one."""

    parts: list[str]
    footers: str = ""


def _launch() -> tuple[subprocess.Popen, tempfile.TemporaryFile, tempfile.TemporaryFile]:
    out = tempfile.TemporaryFile(prefix="package-index-")
    errors = tempfile.TemporaryFile(prefix="package-index-")
    # -I: the venv's packages only; no PYTHON* variables, no script folder on sys.path.
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-I", str(_DRAWER)],
        stdin=subprocess.PIPE,
        stdout=out,
        stderr=errors,
    )
    return process, out, errors


# Drawing processes started ahead of a build (`drawers_warm`): Python and WeasyPrint take
# ~0.5 s of CPU to load, which then is not on a build's way. Per process that builds packages.
_spares: list[tuple[subprocess.Popen, tempfile.TemporaryFile, tempfile.TemporaryFile]] = []


def drawers_warm(count: int = DRAWERS) -> None:
    """Have `count` drawing processes loaded and waiting for the next index (a worker process
    calls this when it starts and after each package build). An idle one is ~50 MiB; it ends
    by itself when this process does (its input closes)."""
    for gone in [d for d in _spares if d[0].poll() is not None]:
        _spares.remove(gone)
        gone[1].close()
        gone[2].close()
    while len(_spares) < count:
        _spares.append(_launch())


def _drawer() -> tuple[subprocess.Popen, tempfile.TemporaryFile, tempfile.TemporaryFile]:
    """A waiting drawing process, else a new one."""
    while _spares:
        process, out, errors = _spares.pop(0)
        if process.poll() is None:
            return process, out, errors
        out.close()
        errors.close()
    return _launch()


def _job(job: dict) -> bytes:
    """A job for index_drawer.py: one frame of JSON."""
    data = json.dumps(job).encode("utf-8")
    return struct.pack(">Q", len(data)) + data


def _frames(data: bytes) -> list[bytes]:
    out, at = [], 0
    while at < len(data):
        (length,) = struct.unpack_from(">Q", data, at)
        out.append(data[at + 8 : at + 8 + length])
        at += 8 + length
    return out


class IndexDrawer:
    """WeasyPrint in its own Python processes (index_drawer.py): started first, sent the
    rendered HTML (`index_html`: the database and the translations are done here) when it is
    ready, its PDF taken with `result()` once the files are copied. Drawing 500 rows is ~2.5 s
    of CPU and ~100 MiB: in a thread it took the GIL from the copy and left the memory in the
    worker; in one process it was the longest step of a build, so a large index is drawn in
    parts at once, and a thread hands each finished part to the first process, which puts the
    pages together while the files are still being copied."""

    def __init__(self, processes: int = DRAWERS) -> None:
        self._drawers = [_drawer() for _ in range(max(1, processes))]
        self._used = 1
        self._relay: threading.Thread | None = None
        self._relay_failed: Exception | None = None
        self._deadline = time.monotonic() + DRAW_TIMEOUT_S

    def send(self, index: "IndexHtml") -> None:
        parts = index.parts
        if len(parts) > len(self._drawers):
            raise ValueError(f"{len(parts)} parts for {len(self._drawers)} drawing processes")
        self._used = len(parts)
        # Not needed (a small index): left waiting for the next one.
        _spares.extend(self._drawers[self._used :])
        del self._drawers[self._used :]
        self._deadline = time.monotonic() + DRAW_TIMEOUT_S
        if len(parts) == 1:
            self._write(0, _job({"html": parts[0]}), close=True)
            return
        self._write(0, _job({"html": parts[0], "rest": len(parts) - 1, "footers": index.footers}))
        for i, part in enumerate(parts[1:], start=1):
            self._write(i, _job({"html": part, "part": True}), close=True)
        self._relay = threading.Thread(target=self._pass_parts, daemon=True)
        self._relay.start()

    def _pass_parts(self) -> None:
        """Each later part, once drawn, to the first process (then its input is closed)."""
        try:
            for i in range(1, self._used):
                self._write(0, self._output(i, self._deadline))
        except RuntimeError as exc:
            self._relay_failed = exc
        finally:
            self._write(0, b"", close=True)

    def _write(self, i: int, data: bytes, *, close: bool = False) -> None:
        pipe = self._drawers[i][0].stdin
        try:
            pipe.write(data)
            if close:
                pipe.close()
        except (BrokenPipeError, ValueError):
            pass  # it has stopped (or the build has): result() says why

    def _output(self, i: int, deadline: float) -> bytes:
        process, out, errors = self._drawers[i]
        try:
            code = process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"drawing the index took over {DRAW_TIMEOUT_S:.0f} s") from None
        if code:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"drawing the index failed: {lines[-1] if lines else code}")
        out.seek(0)
        return out.read()

    def result(self, timeout: float = DRAW_TIMEOUT_S) -> bytes:
        deadline = min(self._deadline, time.monotonic() + timeout)
        if self._relay is not None:
            self._relay.join(max(0.0, deadline - time.monotonic()))
            if self._relay_failed is not None:
                raise self._relay_failed
        frames = _frames(self._output(0, deadline))
        if len(frames) != 1:
            raise RuntimeError("drawing the index failed: no PDF came back")
        return frames[0]

    def close(self) -> None:
        for process, _out, _errors in self._drawers:
            if process.poll() is None:  # the build stopped before the index was taken
                process.kill()
                process.wait()
        if self._relay is not None:
            self._relay.join()  # quick: every process it waits on has ended
        for process, out, errors in self._drawers:
            if process.stdin and not process.stdin.closed:
                try:
                    process.stdin.close()
                except BrokenPipeError:
                    pass
            out.close()
            errors.close()

    def __enter__(self) -> "IndexDrawer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def index_html(
    *, package: Package, plans: list[ApplicationPlan], included: set[str], parts: int = DRAWERS
) -> IndexHtml:
    """The index's HTML, in `parts` runs of whole applications when it is large enough to be
    drawn by several processes at once (see IndexDrawer)."""
    sections = []
    for plan in plans:
        docs = [
            {
                "path": item.path,
                "name": item.path.split("/", 1)[1],
                "office": item.document.application.office.code,
                "office_name": item.document.application.office.name,
                "source": item.document.application.display,
                "category": category_label(item.document.category),
                "date": item.document.date,
                "pages": item.document.pages,
            }
            for item in plan.documents
            if item.path in included
        ]
        sections.append(
            {
                "plan": plan,
                "docs": docs,
                "pages": sum(d["pages"] for d in docs),
                "folder": numbers.file_name_form(plan.application.display),
            }
        )
    with translation.override(user_language(package_reader(package))):
        context = _index_context(package, sections)
        runs = _runs(sections, parts)
        if len(runs) == 1:
            return IndexHtml([_index_html(context, sections, cover=True, footers=True)])
        return IndexHtml(
            [_index_html(context, run, cover=i == 0) for i, run in enumerate(runs)],
            footers=_index_html(context, [], sheet=True, footers=True),
        )


def _rows(section: dict) -> int:
    """About how many lines a section of the index lays out."""
    plan = section["plan"]
    listed = (plan.members, plan.requested, plan.citations, plan.unavailable)
    return 10 + len(section["docs"]) + sum(len(x) for x in listed)


def _runs(sections: list[dict], parts: int) -> list[list[dict]]:
    """The sections in at most `parts` consecutive runs of about equal rows (the cover, a row per
    application, goes with the first); one run when the index is small."""
    total = len(sections) + sum(_rows(s) for s in sections)
    if parts < 2 or len(sections) < 2 or total < SPLIT_ROWS:
        return [sections]
    runs: list[list[dict]] = [[]]
    done = len(sections)  # the cover
    for section in sections:
        rows = _rows(section)
        if runs[-1] and len(runs) < parts and done + rows / 2 > total * len(runs) / parts:
            runs.append([])
        runs[-1].append(section)
        done += rows
    return runs


def package_reader(package: Package):
    """Who reads the index: the clerk who asked (or who made the worklist, for packages that
    beat builds). A worker builds it in their language."""
    return package.created_by or package.worklist.created_by


def _index_context(package: Package, sections: list[dict]) -> dict:
    return {
        "package": package,
        "worklist": package.worklist,
        "office": package.office,
        "built_at": timezone.localtime(),
        "sections": sections,
        "documents": sum(len(s["docs"]) for s in sections),
        "pages": sum(s["pages"] for s in sections),
    }


def _index_html(
    context: dict, run: list[dict], *, cover: bool = False, footers: bool = False, sheet=False
) -> str:
    """The index's HTML: the cover and `run`'s applications, or (`sheet`) the page footers alone
    on blank pages for a split index."""
    return render_to_string(
        "dossiers/worklists/package_index.html",
        {**context, "app_sections": run, "cover": cover, "footers": footers, "sheet": sheet},
    )


def _copy(src, dst, buffer: bytearray) -> None:
    """`src` into `dst` through one reused buffer: a new 1 MiB bytes object per read costs
    more than copying it (its pages are mapped and faulted in each time)."""
    readinto = getattr(src, "readinto", None)
    if readinto is None:  # a storage's file object without it
        while chunk := src.read(len(buffer)):
            dst.write(chunk)
        return
    view = memoryview(buffer)
    while n := readinto(buffer):
        dst.write(view[:n])


def _add_document(
    zf: zipfile.ZipFile, item: PlannedDocument, *, office, buffer: bytearray | None = None
) -> str:
    """Write one document into the ZIP; "" when it is in, else why it is missing. A web-service
    office's document is fetched through the federation client first (whole, sha256 checked):
    an entry is only ever started on a verified file, so the ZIP never holds half of one."""
    doc = item.document
    if doc.pk is None:
        try:
            path = package_content_path(office=office, document=doc)
        except FetchFailed as exc:
            return not_included(exc)
        source, when = partial(path.open, "rb"), timezone.now()
    else:
        source, when = partial(doc.file.open, "rb"), doc.created_at
    info = zipfile.ZipInfo(item.path, _zip_time(when))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = doc.size  # lets zipfile choose ZIP64 up front for files over 2 GiB
    try:
        with source() as src, zf.open(info, "w") as dst:
            _copy(src, dst, buffer if buffer is not None else bytearray(CHUNK))
    except (FileNotFoundError, OSError):
        logger.warning("%s unreadable for a package", item.path)
        return unreadable()
    return ""


def not_included(exc: FetchFailed) -> str:
    """Why a web-service office's document is missing from a ZIP or a merged PDF."""
    return _("%(why)s; not included, try again later.") % {"why": exc}


def unreadable() -> str:
    """Why a stored document is missing from a ZIP or a merged PDF."""
    return _("the file could not be read from storage; try again later.")


class _Sink:
    """A write-only file for zipfile: it keeps what was written until taken. With no seek(),
    zipfile writes sizes after each member (data descriptors), so nothing is ever rewound."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._pos = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def zip_stream(items, *, trailer=None, remote_path=None):
    """Yield a stored ZIP of `items` (PlannedDocument) chunk by chunk, never holding more than
    one chunk: for responses streamed to the browser. A web-service office's document comes
    from `remote_path(document)` (a verified local copy; FetchFailed says why not), so an entry
    is only started on a whole file. `trailer(included_paths, missing)` ({path: reason}) returns
    the (name, bytes) entries written last, e.g. an index of what made it in."""
    sink = _Sink()
    included: set[str] = set()
    missing: dict[str, str] = {}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for item in items:
            doc = item.document
            try:
                if doc.pk is None:
                    if remote_path is None:
                        raise FetchFailed(f"{doc.application.office.code} serves it itself")
                    src, when = remote_path(doc).open("rb"), timezone.now()
                else:
                    src, when = doc.file.open("rb"), doc.created_at
            except FetchFailed as exc:
                missing[item.path] = not_included(exc)
                continue
            except (FileNotFoundError, OSError):
                logger.warning("Document %s file %s unreadable for a ZIP", doc.pk, doc.file.name)
                missing[item.path] = unreadable()
                continue
            info = zipfile.ZipInfo(item.path, _zip_time(when))
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = doc.size
            with src, zf.open(info, "w") as dst:
                while chunk := src.read(CHUNK):
                    dst.write(chunk)
                    yield sink.take()
            included.add(item.path)
            yield sink.take()
        now = _zip_time(timezone.now())
        for name, content in trailer(included, missing) if trailer else []:
            zf.writestr(zipfile.ZipInfo(name, now), content)
            yield sink.take()
    yield sink.take()
