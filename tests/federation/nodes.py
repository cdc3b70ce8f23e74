"""A real office node (`manage.py office_node`, gunicorn) in a subprocess, on a free port."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.dossiers.pdf_samples import pdf_bytes
from tests.support import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "node-test-token-7f3a"  # noqa: S105


class Node:
    def __init__(self, *, office: str, root: Path, log: Path):
        self.office = office
        self.root = root
        self.log = log
        self.audit = root / "_audit.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SECRET_KEY": "test-only-not-secret",
            "DJANGO_HTTPS": "0",
        }
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "office_node",
                "--office",
                self.office,
                "--root",
                str(self.root),
                "--port",
                str(self.port),
                "--token",
                TOKEN,
                "--audit-log",
                str(self.audit),
            ],
            cwd=ROOT,
            env=env,
            stdout=open(self.log, "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._answers, 60, f"{self.office} node to start")
        return self

    def _answers(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"node exited: {self.log.read_text()[-2000:]}")
        try:
            httpx.get(self.url + "/changes", timeout=1.0)
        except httpx.HTTPError:
            return False
        return True

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # no goodbye: as if the office went down
            self.proc.wait(10)
        self.proc = None

    def fault(self, name: str = ""):
        path = self.root / "_fault"
        if name:
            path.write_text(name)
        else:
            path.unlink(missing_ok=True)

    def calls(self, fragment: str = "") -> int:
        if not self.audit.exists():
            return 0
        return sum(1 for line in self.audit.read_text().splitlines() if fragment in line)


def application_put(root: Path, number: str, documents: list[dict]) -> dict[str, bytes]:
    """Write an application's folder; documents: id, category, date (+ pages, data). Returns
    the bytes of each file by document id."""
    folder = root / number
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    meta = []
    for d in documents:
        data = d.get("data") or pdf_bytes(d.get("pages", 1), label=f"{number} {d['id']}")
        (folder / f"{d['id']}.pdf").write_bytes(data)
        files[f"{number}.{d['id']}"] = data
        meta.append(
            {
                "id": d["id"],
                "file": f"{d['id']}.pdf",
                "category": d.get("category", "search_report"),
                "date": d.get("date", "2026-03-02"),
                "language": "en",
                "pages": d.get("pages", 1),
            }
        )
    (folder / "metadata.json").write_text(json.dumps({"documents": meta}))
    return files
