"""The reference office node: serves a folder of PDFs under the contract (docs/federation.md).

Folder format: `<root>/<application key>/metadata.json` plus the PDFs it names::

    {"documents": [{"id": "sr1", "file": "search.pdf", "category": "search_report",
                    "date": "2026-03-02", "language": "en", "pages": 2}]}

sha256 and size are computed from the files (cached by mtime). A plain WSGI app, served by
gunicorn (threads, so one slow client does not block the others) from `manage.py office_node`.

Faults, for the tests of the portal's client: a file `<root>/_fault` (re-read on every call) or
`--fault` names one of FAULTS; `slow:MS` delays every answer.
"""

import datetime as dt
import hashlib
import hmac
import json
import os
import time
from pathlib import Path
from urllib.parse import parse_qs

from . import contract

FAULTS = ("slow", "error", "wrong-type", "truncate", "hang", "bad-sha", "huge", "no-feed")
_CHUNK = 64 * 1024


class _Files:
    """Per-file sha256 and size, recomputed only when the file changes."""

    def __init__(self):
        self._seen: dict[Path, tuple[float, int, str]] = {}

    def stat(self, path: Path) -> tuple[int, str]:
        st = path.stat()
        hit = self._seen.get(path)
        if hit and hit[0] == st.st_mtime:
            return hit[1], hit[2]
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
        self._seen[path] = (st.st_mtime, st.st_size, digest.hexdigest())
        return st.st_size, digest.hexdigest()


class OfficeNode:
    def __init__(self, *, office: str, root, token: str, fault: str = "", audit_log=None):
        self.office = office
        self.root = Path(root)
        self.token = token
        self.fault = fault
        self.audit_log = Path(audit_log) if audit_log else None
        self.files = _Files()

    # --- reading the folder ---

    def _application_dirs(self):
        return sorted(p for p in self.root.iterdir() if (p / "metadata.json").is_file())

    def _entries(self, number: str) -> list[tuple[contract.RemoteDocument, Path]]:
        folder = self.root / number
        if "/" in number or number.startswith(".") or not (folder / "metadata.json").is_file():
            return []
        meta = json.loads((folder / "metadata.json").read_text())
        out = []
        for item in meta.get("documents", []):
            path = folder / item["file"]
            size, sha = self.files.stat(path)
            doc = contract.RemoteDocument(
                id=f"{number}.{item['id']}",
                category=item["category"],
                office_code=self.office,
                date=dt.date.fromisoformat(item["date"]),
                language=item.get("language", "en"),
                pages=int(item.get("pages", 0)),
                size=size,
                sha256=sha,
            )
            out.append((doc, path))
        return out

    def _current_fault(self) -> str:
        path = self.root / "_fault"
        try:
            return path.read_text().strip()
        except FileNotFoundError:
            return self.fault

    # --- WSGI ---

    def __call__(self, environ, start_response):
        fault = self._current_fault()
        if fault.startswith("slow:"):
            time.sleep(int(fault.split(":", 1)[1]) / 1000)
        elif fault == "hang":
            time.sleep(3600)
        if fault == "error":
            return _json(start_response, "500 Internal Server Error", {"error": "node failure"})
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if not hmac.compare_digest(auth.encode(), f"Bearer {self.token}".encode()):
            return _json(start_response, "401 Unauthorized", {"error": "bad credential"})
        self._audit(environ)
        parts = [p for p in environ.get("PATH_INFO", "").split("/") if p]
        if len(parts) == 3 and parts[0] == "applications" and parts[2] == "documents":
            return self._list(environ, start_response, parts[1], fault)
        if len(parts) == 3 and parts[0] == "documents" and parts[2] == "content":
            return self._content(environ, start_response, parts[1], fault)
        if parts == ["changes"] and fault != "no-feed":
            return self._changes(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "no such resource"})

    def _audit(self, environ):
        if self.audit_log is None:
            return
        line = " ".join(
            [
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                environ.get("HTTP_X_CASE_REQUESTING_OFFICE", "-"),
                environ.get("HTTP_X_CASE_REQUESTING_ROLE", "-"),
                environ.get("PATH_INFO", ""),
            ]
        )
        with self.audit_log.open("a") as fh:
            fh.write(line + "\n")

    def _list(self, environ, start_response, number, fault):
        entries = self._entries(number)
        docs = [contract.document_render(d) for d, _p in entries]
        if fault == "bad-sha":
            for d in docs:
                d["sha256"] = "0" * 64
        body = json.dumps({"applicationNumber": number, "documents": docs}).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if environ.get("HTTP_IF_NONE_MATCH") == etag and not fault:
            start_response("304 Not Modified", [("ETag", etag)])
            return [b""]
        ctype = "text/html" if fault == "wrong-type" else "application/json"
        start_response(
            "200 OK", [("Content-Type", ctype), ("ETag", etag), ("Content-Length", str(len(body)))]
        )
        return [body]

    def _content(self, environ, start_response, doc_id, fault):
        number = doc_id.rsplit(".", 1)[0]
        found = [p for d, p in self._entries(number) if d.id == doc_id]
        if not found:
            return _json(start_response, "404 Not Found", {"error": "no such document"})
        path = found[0]
        size = path.stat().st_size
        start, end = 0, size - 1
        status = "200 OK"
        rng = environ.get("HTTP_RANGE", "")
        if rng.startswith("bytes=") and "," not in rng and fault == "":
            first, _, last = rng[6:].partition("-")
            if first.isdigit():
                start = int(first)
                end = min(int(last), size - 1) if last.isdigit() else size - 1
                status = "206 Partial Content"
        headers = [
            ("Content-Type", "text/html" if fault == "wrong-type" else "application/pdf"),
            ("Accept-Ranges", "bytes"),
            ("Content-Length", str(end - start + 1)),
        ]
        if status.startswith("206"):
            headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
        if fault == "huge":
            # Advertises nothing and never stops: the client must cut it off at its cap.
            headers = [(k, v) for k, v in headers if k != "Content-Length"]
            start_response(status, headers)
            return _endless(path)
        start_response(status, headers)
        return _file_range(path, start, end, truncate=fault == "truncate")

    def _changes(self, environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        since = 0.0
        if query.get("since"):
            try:
                since = dt.datetime.fromisoformat(query["since"][0]).timestamp()
            except ValueError:
                return _json(start_response, "400 Bad Request", {"error": "since is not ISO"})
        # "until" is taken before the folders are read: a change made while they are read is
        # reported again next time rather than never.
        now = dt.datetime.now(dt.UTC).isoformat()
        changed = []
        for folder in self._application_dirs():
            # The folder's own time too: a file removed or renamed changes only the folder.
            mtime = max([folder.stat().st_mtime] + [p.stat().st_mtime for p in folder.iterdir()])
            if mtime > since:
                changed.append(folder.name)
        return _json(start_response, "200 OK", {"applications": changed, "until": now})


def _json(start_response, status, data):
    body = json.dumps(data).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _file_range(path: Path, start: int, end: int, *, truncate: bool):
    remaining = end - start + 1
    if truncate:
        remaining //= 2  # promised the whole file, sends half, then the connection closes
    with path.open("rb") as fh:
        fh.seek(start)
        while remaining > 0:
            chunk = fh.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def _endless(path: Path):
    data = path.read_bytes()
    while True:
        yield data


def serve(node: OfficeNode, *, host: str, port: int, threads: int = 16):
    """Run the node under gunicorn (blocks)."""
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("timeout", 0)  # a deliberate hang must not be killed and restarted
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("loglevel", "warning")

        def load(self):
            return node

    os.environ.pop("GUNICORN_CMD_ARGS", None)
    _App().run()
