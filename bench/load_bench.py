"""Load: 64 concurrent examiners against gunicorn with the production settings, over loopback.

The portal runs as it would in production (DJANGO_DEBUG=0, a secret key, PostgreSQL, Redis,
whitenoise's manifest storage, gunicorn gthread workers) in its own database; only TLS is off
(DJANGO_HTTPS=0: loopback has none) and allauth trusts one proxy hop (TRUSTED_PROXY_COUNT=1).
Locust (bench/locustfile.py) logs each user in through the real form and loops search ->
family page -> document download; a second, shorter phase hammers /healthz with the same number
of users: the floor of the same stack under the same concurrency.

`python -m bench.load_bench prepare SCALE` is the data step, run in a child with the load
database's environment (the runner's own Django connection points at the bench database).
"""

import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from .common import free_port, percentiles, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
USERS = 64
DURATION_S = {"full": 300, "small": 30}
FLOOR_S = {"full": 30, "small": 10}
# Every STRIDE-th family carries documents (4 each), spread over the whole number range.
STRIDE = {"full": 125, "small": 20}
REPORTS = [  # (office code, category, file index): one document per row, per family
    ("US", "search_report", 0),
    ("US", "written_opinion", 1),
    ("EP", "search_report", 2),
    ("JP", "office_action", 3),
]


def _env(var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOAD_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="case_portal.settings",
        # As behind a TLS proxy: each simulated examiner sends its own X-Forwarded-For address.
        TRUSTED_PROXY_COUNT="1",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="0",  # loopback has no TLS; everything else is production
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=os.environ.get(
            "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/case_load"
        ),
        REDIS_URL=os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/10"),
        CASE_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "media"),
        STATIC_ROOT=str(var / "staticfiles"),
        LOG_LEVEL="WARNING",
    )
    return env


def _create_database(url: str) -> None:
    import environ
    import psycopg

    db = environ.Env.db_url_config(url)
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    dsn = f"host={host} port={port} user={db['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (db["NAME"],)
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # its own session: the master and its workers
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _locust(env: dict, host: str, user_class: str, seconds: int, out: Path) -> dict:
    """One headless locust phase; returns its stats (CSV totals) and our exact samples."""
    result = out / f"{user_class}.json"
    result.unlink(missing_ok=True)
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(USERS),
        "-r",
        "16",
        "-t",
        f"{seconds + 420}s",  # a bound only: the locustfile stops itself after the window
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(out / user_class),
        "--exit-code-on-error",
        "0",
        user_class,
    ]
    started = time.monotonic()
    proc = subprocess.run(
        cmd,
        env={
            **env,
            "LOAD_RESULT": str(result),
            "LOAD_USERS": str(USERS),
            "LOAD_SECONDS": str(seconds),
        },
        capture_output=True,
        text=True,
        timeout=seconds + 600,
        cwd=ROOT,
    )
    (out / f"{user_class}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0 or not result.exists():
        raise RuntimeError(
            f"locust {user_class} failed ({proc.returncode}):\n{proc.stderr[-2000:]}"
        )
    data = json.loads(result.read_text())
    rows = _read_csv(out / f"{user_class}_stats.csv")
    failures = _read_csv(out / f"{user_class}_failures.csv")
    return {
        "samples": data["samples"],
        "window s": (data["window"]["last"] or 0)
        - (data["window"].get("all logged in") or data["window"]["first"] or 0),
        "rows": rows,
        "failures": failures,
        "wall s": time.monotonic() - started,
    }


def _read_csv(path: Path) -> list[dict]:
    import csv

    if not path.exists():
        return []
    with path.open() as fh:
        return list(csv.DictReader(fh))


def _phase_figures(phase: dict) -> dict:
    samples = phase["samples"]
    every = [ms for name in samples for ms in samples[name]]
    window = phase["window s"] or 1
    out = {}
    for name, values in sorted(samples.items()):
        out[name] = {**percentiles(values), "requests/s": round(len(values) / window, 1)}
    if len(samples) > 1:
        out["all requests"] = {**percentiles(every), "requests/s": round(len(every) / window, 1)}
    errors = sum(int(row["Failure Count"]) for row in phase["rows"] if row["Name"] == "Aggregated")
    return {"figures": out, "errors": errors, "requests": len(every), "window": window}


def run(scale: str) -> dict:
    from importlib.metadata import version  # importing locust would monkey-patch this process

    from .families_bench import SIZES

    var = Path(os.environ.get("CASE_VAR_DIR", ROOT / "var" / "bench")) / "load"
    out = var / "locust"
    out.mkdir(parents=True, exist_ok=True)
    env = _env(var)
    _create_database(env["DATABASE_URL"])
    prep = subprocess.run(
        [sys.executable, "-m", "bench.load_bench", "prepare", scale],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if prep.returncode != 0:
        raise RuntimeError(f"load data preparation failed:\n{prep.stderr[-3000:]}")
    data = json.loads(prep.stdout.strip().splitlines()[-1])

    workers = min(4, max(2, os.cpu_count() or 2))
    threads = 4
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    families = SIZES.get(scale, SIZES["full"]) // 4
    locust_env = {
        **env,
        "LOAD_FAMILIES": str(families),
        "LOAD_STRIDE": str(STRIDE.get(scale, STRIDE["full"])),
    }
    gunicorn_log = (var / "gunicorn.log").open("w")
    server = None
    try:
        server = subprocess.Popen(  # noqa: S603 (our own venv's gunicorn)
            [
                str(BIN / "gunicorn"),
                "case_portal.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-k",
                "gthread",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                # Longer than a user's idle between its log-in and the window: with gunicorn's
                # 2 s a connection closed as the client reused it failed a request (status 0).
                "--keep-alive",
                "75",
            ],
            env=env,
            cwd=ROOT,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_healthy(f"{host}/healthz", server)
        main = _locust(locust_env, host, "Examiner", DURATION_S.get(scale, 300), out)
        floor = _locust(locust_env, host, "Health", FLOOR_S.get(scale, 30), out)
    finally:
        _stop(server)
        gunicorn_log.close()
    log = (var / "gunicorn.log").read_text()
    server_errors = log.count("Traceback") + log.count("[CRITICAL]")

    loop, base = _phase_figures(main), _phase_figures(floor)
    login = next((r for r in main["rows"] if r["Name"] == "login (post)"), {})
    kinds = Counter()
    for row in main["failures"] + floor["failures"]:
        # One line per kind: the numbers and URLs in the messages would make thousands.
        error = re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", row["Error"])[:100]
        kinds[f"{row['Name']}: {error}"] += int(row["Occurrences"])
    failure_kinds = [f"{n}× {kind}" for kind, n in kinds.most_common(10)]
    all_p50 = loop["figures"]["all requests"]["p50 ms"]
    return {
        "setup": {
            "locust": version("locust"),
            "gunicorn": f"{workers} workers × {threads} threads (gthread), production settings",
            "users": USERS,
            "duration s (search/family/download)": DURATION_S.get(scale, 300),
            "duration s (healthz floor)": FLOOR_S.get(scale, 30),
            "think time": "none (closed loop)",
        },
        "data": data,
        **{f"load · {k}": v for k, v in loop["figures"].items()},
        "load · requests measured": loop["requests"],
        "login through the form, before the window": {
            "logins": int(login.get("Request Count", 0)),
            "p50 ms": float(login.get("50%", 0) or 0),
            "p95 ms": float(login.get("95%", 0) or 0),
            "max ms": float(login.get("Max Response Time", 0) or 0),
        },
        "load · errors (failed requests, incl. logins)": loop["errors"],
        "floor · /healthz, same users": base["figures"].get("/healthz (floor)", {}),
        "floor · errors": base["errors"],
        "server tracebacks in gunicorn log": server_errors,
        "failures": "; ".join(failure_kinds) or "none",
        "ratio all-requests p50 / healthz p50": round(
            all_p50 / max(base["figures"]["/healthz (floor)"]["p50 ms"], 0.001), 1
        ),
        **_shares(loop["figures"], base["figures"].get("/healthz (floor)", {})),
    }


def _shares(figures: dict, floor: dict) -> dict:
    """Issue 20's lines: each page's throughput as a share of /healthz's under the same users
    (a closed loop of search -> family -> download, so each kind gets a third of the turns),
    and the tail: p99 over p50 per kind (goal <= 10)."""
    out = {}
    floor_rate = floor.get("requests/s") or 0
    all_rate = figures.get("all requests", {}).get("requests/s", 0)
    for name, fig in figures.items():
        if name == "all requests":
            continue
        if floor_rate:
            out[f"share of /healthz throughput · {name} (%)"] = round(
                100 * fig["requests/s"] / floor_rate, 1
            )
        out[f"ratio p99 / p50 · {name}"] = round(fig["p99 ms"] / max(fig["p50 ms"], 0.001), 2)
    if floor_rate:
        out["share of /healthz throughput · all requests (%)"] = round(
            100 * all_rate / floor_rate, 1
        )
    return out


# --- data step (child process, load database) ---------------------------------------------------

DOCUMENTS_SQL = """
INSERT INTO dossiers_document (application_id, category, code, date, language, direction, pages,
    size, sha256, file, original_name, created_at, withdrawn_reason, removed_content)
SELECT a.id, r.category, '', a.filing_date + 400, 'en', 'outgoing', r.pages, r.size, r.sha256,
       r.file, r.name, now(), '', '[]'::jsonb
FROM dossiers_application a
JOIN offices_office o ON o.id = a.office_id
JOIN (SELECT * FROM jsonb_to_recordset(%(reports)s::jsonb) AS x(office text, category text,
      pages int, size bigint, sha256 text, file text, name text)) r ON r.office = o.code
WHERE a.family_id %% %(stride)s = 0;
ANALYZE dossiers_document;
"""


def _pdfs(media: Path) -> list[dict]:
    """A handful of real small reports, stored once; thousands of rows point at them."""
    import weasyprint
    from pypdf import PdfReader

    folder = media / "documents" / "LOAD"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, title in enumerate(
        [
            "Search report",
            "Written opinion",
            "European search report",
            "Notice of reasons for refusal",
        ]
    ):
        path = folder / f"report-{i}.pdf"
        if not path.exists():
            rows = "".join(
                f"<tr><td>X</td><td>US {8_131_731 + j:,} B2</td><td>claims 1-{j + 3}</td></tr>"
                for j in range(40)
            )
            html = f"<h1>{title}</h1><p>Generated for the load benchmark.</p><table>{rows}</table>"
            path.write_bytes(weasyprint.HTML(string=html).write_pdf())
        body = path.read_bytes()
        out.append(
            {
                "pages": len(PdfReader(path).pages),
                "size": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "file": str(path.relative_to(media)),
                "name": f"{title.lower().replace(' ', '-')}.pdf",
            }
        )
    return out


def prepare(scale: str) -> dict:
    """Migrate, collect static files, load offices and generate families and documents."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from offices.demo import load as load_offices

    from .families_bench import GENERATE, SIZES

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    load_offices()
    applications = SIZES.get(scale, SIZES["full"])
    stride = STRIDE.get(scale, STRIDE["full"])
    pdfs = _pdfs(Path(settings.MEDIA_ROOT))
    reports = [
        {"office": office, "category": category, **pdfs[index]}
        for office, category, index in REPORTS
    ]
    expected_docs = (applications // 4 // stride) * len(REPORTS)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM dossiers_application")
        if cur.fetchone()[0] != applications:
            cur.execute(GENERATE, {"families": applications // 4})
        cur.execute("SELECT count(*) FROM dossiers_document")
        if cur.fetchone()[0] != expected_docs:
            cur.execute("TRUNCATE dossiers_document RESTART IDENTITY CASCADE")
            cur.execute(DOCUMENTS_SQL, {"reports": json.dumps(reports), "stride": stride})
        cur.execute("SELECT count(*) FROM dossiers_document")
        documents = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM dossiers_lookupkey")
        keys = cur.fetchone()[0]
    return {
        "applications": applications,
        "families": applications // 4,
        "lookup keys": keys,
        "documents (rows)": documents,
        "families with documents": applications // 4 // stride,
        "distinct PDF files": len(pdfs),
        "PDF sizes (bytes)": ", ".join(str(p["size"]) for p in pdfs),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "prepare":
        print(json.dumps(prepare(sys.argv[2])))
    else:
        sys.exit("usage: python -m bench.load_bench prepare small|full")
