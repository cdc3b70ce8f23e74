"""Federation: the family page with two web-service members (node answering in 50 ms) against
the same page with deposited documents; the node down (first page, then breaker open); and a
large document through the portal against the node's direct throughput, with worker memory.

The reference node (`manage.py office_node`, gunicorn) runs as a real process on loopback.
"""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import httpx
from django.conf import settings
from django.core.files.base import ContentFile

from .common import client_for, free_port, percentiles, timed

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-node-token"  # noqa: S105
SIZES = {"full": (40, 50), "small": (15, 20)}  # page samples, large document MB


def _node(root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "office_node",
            "--office",
            "CA",
            "--root",
            str(root),
            "--port",
            str(port),
            "--token",
            TOKEN,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/changes", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the office node did not start")


def _real_pdf(label: str) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf(label: str, size: int = 0) -> bytes:
    """A PDF-headed body of `size` bytes (the portal checks type, size and sha256, not pages)."""
    body = f"%PDF-1.4\n% {label}\n".encode()
    if size:
        chunk = os.urandom(1024 * 1024)
        body += chunk * (size // len(chunk)) + chunk[: size % len(chunk)]
    return body + b"\n%%EOF\n"


def _put(root: Path, key: str, docs: list[tuple[str, bytes]]) -> None:
    folder = root / key
    folder.mkdir(parents=True, exist_ok=True)
    meta = []
    for ident, data in docs:
        (folder / f"{ident}.pdf").write_bytes(data)
        meta.append(
            {
                "id": ident,
                "file": f"{ident}.pdf",
                "category": "search_report",
                "date": "2024-01-02",
                "pages": 1,
            }
        )
    (folder / "metadata.json").write_text(json.dumps({"documents": meta}))


def run(scale: str) -> dict:
    from dossiers.federation import breaker
    from dossiers.services.applications import PriorityIn, application_upsert
    from dossiers.services.documents import document_add
    from offices.demo import load as load_offices
    from offices.models import Office
    from offices.service_models import office_service_save

    samples, big_mb = SIZES.get(scale, SIZES["full"])
    load_offices()
    au, ca = Office.objects.get(code="AU"), Office.objects.get(code="CA")
    prio = [PriorityIn("AU", "AU 2019900001", dt.date(2019, 1, 2))]
    first = application_upsert(
        office=au, number="AU 2019900001", published=True, filing_date=dt.date(2019, 1, 2)
    )
    members = [
        application_upsert(
            office=ca,
            number=f"CA 3,90{i},001",
            published=True,
            priorities=prio,
            filing_date=dt.date(2020, 1, 2),
        )
        for i in (1, 2)
    ]
    tmp = Path(tempfile.mkdtemp(prefix="fed-bench-"))
    settings.FEDERATION_CACHE_DIR = str(tmp / "cache")
    settings.FEDERATION_LIST_TTL = 0  # every page asks the node: the worst case
    root = tmp / "node"
    root.mkdir()
    for m in members:
        _put(root, m.key, [("sr", _pdf(m.key))])
        if not m.documents.exists():
            document_add(
                application=m,
                file=ContentFile(_real_pdf(m.key + " dep"), name="d.pdf"),
                category="search_report",
                date=dt.date(2024, 1, 2),
            )
    proc, url = _node(root)
    client = client_for("examiner@au.demo")
    page = f"/families/{first.family_id}/"
    out: dict = {}
    try:
        office_service_save(office=ca, mode="deposit")
        client.get(page)
        deposited = percentiles(timed(lambda: client.get(page), samples))
        office_service_save(office=ca, mode="web_service", base_url=url, token=TOKEN)
        breaker.breaker_success("CA")
        (root / "_fault").write_text("slow:50")
        client.get(page)
        served = percentiles(timed(lambda: client.get(page), samples))
        (root / "_fault").unlink()
        out["family page, 2 members deposited (floor)"] = deposited
        out["family page, 2 web-service members, node 50 ms"] = served
        out["web-service p50 - deposited p50 (ms, budget 70)"] = round(
            served["p50 ms"] - deposited["p50 ms"], 1
        )

        # A large document: the node directly, then through the portal (cache empty).
        big = _pdf("big", big_mb * 1024 * 1024)
        _put(root, members[0].key, [("sr", _pdf(members[0].key)), ("big", big)])
        t0 = time.perf_counter()
        with httpx.stream(
            "GET",
            f"{url}/documents/{members[0].key}.big/content",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=60,
        ) as r:
            for _ in r.iter_raw(256 * 1024):
                pass
        direct_s = time.perf_counter() - t0
        tracemalloc.start()
        t0 = time.perf_counter()
        response = client.get(f"/documents/remote/{members[0].pk}/{members[0].key}.big/content")
        got = sum(len(c) for c in response.streaming_content)
        portal_s = time.perf_counter() - t0
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert got == len(big), (got, len(big))
        mb = len(big) / 2**20
        out[f"{big_mb} MB document, node direct (MB/s)"] = round(mb / direct_s, 1)
        out[f"{big_mb} MB document, through the portal (MB/s)"] = round(mb / portal_s, 1)
        out["portal / direct throughput (%, floor 80)"] = round(100 * direct_s / portal_s, 1)
        out["portal worker peak Python memory during it (MB)"] = round(peak / 2**20, 1)

        # Node down: the first page pays the connect failure; once open, the breaker answers.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        breaker.breaker_success("CA")
        t0 = time.perf_counter()
        client.get(page)
        out["node down, first page (ms, budget 2500)"] = round((time.perf_counter() - t0) * 1000, 1)
        for _ in range(3):
            client.get(page)
        down = percentiles(timed(lambda: client.get(page), samples))
        out["node down, breaker open"] = down
        out["breaker-open p50 - deposited p50 (ms, budget 5)"] = round(
            down["p50 ms"] - deposited["p50 ms"], 1
        )
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        office_service_save(office=ca, mode="deposit")
    return out
