"""Package build benchmark: 500 documents totalling about 1 GB ("full"; 50 docs ~50 MB "small").

Each document is a valid PDF padded with an incompressible stream (real reports are scans:
compressed images), provided through dossiers.services.document_add like any upload. The build
runs in a separate Python process exactly as a Celery worker would run it (package_build on a
queued row), so its peak RSS is the worker's memory for the build: VmRSS once Django is loaded,
then VmHWM (reset to it first) after the build; ru_maxrss would carry this bench process's own
peak across fork and exec. The index drawer process's peak is reported beside it. The floor is
`zip -0` of the same stored files, timed in the same run. The bench's rows and files are removed
afterwards.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"full": (500, 2 * 1024 * 1024), "small": (50, 1024 * 1024)}

_CHILD = """
import json, os, sys, threading, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")
import django
django.setup()
from dossiers.services import packages
import weasyprint  # noqa: F401  (a worker has it loaded after its first build; ~0.8 s cold)
from dossiers.services import package_archive

# As a worker process does when it starts (dossiers/tasks.py: worker_process_init): the index
# drawing processes are loaded and waiting before the first build.
package_archive.drawers_warm()
time.sleep(2)


def kib(pid, field):
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))


drawer_peak, building = [0], True


def watch():  # the index drawer's own peak, sampled while it runs
    while building:
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/children") as fh:
                    for pid in fh.read().split():
                        drawer_peak[0] = max(drawer_peak[0], kib(pid, "VmHWM"))
            except (OSError, StopIteration):
                pass
        time.sleep(0.05)


# ru_maxrss is inherited across fork and exec (it would be the bench process's peak): this
# process's own peak is reset to its current RSS, then read after the build.
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
before = kib("self", "VmRSS")
watcher = threading.Thread(target=watch, daemon=True)
watcher.start()
t = time.perf_counter()
package = packages.package_build(package_id=int(sys.argv[1]))
seconds = time.perf_counter() - t
after = kib("self", "VmHWM")
building = False
print(json.dumps({"seconds": seconds, "rss_before_kib": before, "rss_peak_kib": after,
                  "drawer_peak_kib": drawer_peak[0],
                  "state": package.state, "error": package.error, "size": package.size}))
"""


def _pdf(size: int) -> bytes:
    """A one-page PDF with an unreferenced random stream making it `size` bytes long."""
    content = b"BT /F1 12 Tf 72 720 Td (CASE Portal benchmark report) Tj ET"
    pad = secrets.token_bytes(max(0, size - 700))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(pad) + pad + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _data(count: int, size: int):
    import datetime as dt

    from django.core.files.base import ContentFile

    from dossiers.services.applications import PriorityIn, application_upsert
    from dossiers.services.documents import document_add
    from offices.models import Office, User

    ca, _ = Office.objects.get_or_create(code="CA", defaults={"name": "CIPO"})
    foreign = [
        Office.objects.get_or_create(code=c, defaults={"name": c})[0]
        for c in ("AU", "US", "EP", "JP", "KR")
    ]
    tag = secrets.randbelow(900_000) + 100_000
    clerk = User.objects.create_user(
        email=f"bench-clerk-{tag}@ca.bench", office=ca, role=User.Role.CLERK
    )
    apps, docs = [], []
    # Ten CA applications, each in a family whose foreign members carry the reports.
    t = f"{tag % 1000:03d}"
    per_family = max(1, count // 10)
    for f in range(10):
        prio = [PriorityIn("US", f"US 63/{t},{f:03d}", dt.date(2022, 1, 1))]
        apps.append(application_upsert(office=ca, number=f"CA 3,{t},{f:03d}", priorities=prio))
        numbers = {
            "US": f"US 63/{t},{f:03d}",
            "AU": f"AU 2022{t}{f:03d}",
            "EP": f"EP 22{t}{f:03d}",
            "JP": f"JP 2022-{t}{f:03d}",
            "KR": f"KR 10-2022-0{t}{f:03d}",
        }
        members = [
            application_upsert(
                office=office,
                number=numbers[office.code],
                priorities=[] if office.code == "US" else prio,
                published=True,
            )
            for office in foreign
        ]
        wanted = per_family if f < 9 else count - len(docs)
        for i in range(wanted):
            docs.append(
                document_add(
                    application=members[i % len(members)],
                    file=ContentFile(_pdf(size), name="report.pdf"),
                    category="search_report" if i % 2 == 0 else "office_action",
                    date=dt.date(2023, 1, 1) + dt.timedelta(days=i),
                )
            )
    return ca, clerk, apps, docs


def _cleanup(clerk, apps, docs, package) -> None:
    from django.core.files.storage import default_storage

    from dossiers.models import Application, Document, Worklist
    from stats.models import UsageEvent

    if package is not None and package.file:
        default_storage.delete(package.file.name)
    Worklist.objects.filter(pk=package.worklist_id if package else None).delete()
    UsageEvent.objects.filter(document_id__in=[d.pk for d in docs]).delete()
    members = {d.application_id for d in docs}
    for d in docs:
        default_storage.delete(d.file.name)
    Document.objects.filter(pk__in=[d.pk for d in docs]).delete()
    Application.objects.filter(pk__in={a.pk for a in apps} | members).delete()
    # Families left without members are removed by the services on the next write; the empty
    # rows do no harm to later runs.
    clerk.delete()


def run(scale: str) -> dict:
    from django.conf import settings

    from dossiers.models import Package
    from dossiers.services import worklists

    count, size = SIZES[scale]
    started = time.perf_counter()
    ca, clerk, apps, docs = _data(count, size)
    setup_s = time.perf_counter() - started
    package = None
    try:
        worklist = worklists.worklist_create(user=clerk, name=f"Bench {scale}")
        worklists.worklist_lines_add(
            worklist=worklist, text="\n".join(f"{a.display};2030-01-01" for a in apps)
        )
        # Queued directly (no broker): the build below is what the worker task would run.
        package = Package.objects.create(
            worklist=worklist,
            office=ca,
            created_by=clerk,
            application_ids=[a.pk for a in apps],
        )
        env = dict(os.environ)
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, str(package.pk)],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(Path(__file__).resolve().parents[1]),
            check=True,
        )
        build = json.loads(child.stdout.strip().splitlines()[-1])
        package.refresh_from_db()

        files = [str(Path(settings.MEDIA_ROOT) / d.file.name) for d in docs]
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "floor.zip"
            t = time.perf_counter()
            subprocess.run(["zip", "-0", "-q", str(target), *files], check=True)
            zip_s = time.perf_counter() - t
            zip_size = target.stat().st_size
        total_bytes = sum(d.size for d in docs)
        return {
            "documents": len(docs),
            "documents total (MB)": round(total_bytes / 1e6, 1),
            "applications in package": len(apps),
            "build state": build["state"] + (f" ({build['error']})" if build["error"] else ""),
            "package build (s)": round(build["seconds"], 2),
            "zip -0 of the same files (s)": round(zip_s, 2),
            "ratio package build / zip -0": round(build["seconds"] / zip_s, 2) if zip_s else None,
            "package size (MB)": round(build["size"] / 1e6, 1),
            "zip -0 size (MB)": round(zip_size / 1e6, 1),
            "build throughput (MB/s)": round(total_bytes / 1e6 / build["seconds"], 1),
            "worker RSS after Django loaded (MiB)": round(build["rss_before_kib"] / 1024, 1),
            "worker peak RSS during build (MiB)": round(build["rss_peak_kib"] / 1024, 1),
            "package worker RSS growth MiB": round(
                (build["rss_peak_kib"] - build["rss_before_kib"]) / 1024, 1
            ),
            # A separate process for the build's duration only (sampled every 50 ms).
            "index drawer process peak RSS (MiB)": round(build["drawer_peak_kib"] / 1024, 1),
            "data setup (s)": round(setup_s, 1),
        }
    finally:
        _cleanup(clerk, apps, docs, package)
