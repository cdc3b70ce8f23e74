"""Family page and statistics page with reads on a real streaming replica, beside the same pages
reading the primary, in one run on the same data.

The replica is made from the local cluster with scripts/pg_replica.sh (pg_basebackup, started on
a free port, removed after). Data: the families and statistics benchmarks' (generated first
when missing). Measured sequentially (one client) and with THREADS clients at once, whose
database work then splits between two servers.
"""

import copy
import random
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, router
from django.test.utils import CaptureQueriesContext

from .common import client_for, free_port, percentiles, timed

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "pg_replica.sh"
THREADS = 4
REQUESTS = {"family": 200, "stats": 20}


def _ensure_data(scale: str) -> None:
    from dossiers.models import Family
    from stats.models import UsageEvent

    if not Family.objects.exists():
        from . import families_bench

        families_bench.run(scale)
    if not UsageEvent.objects.exists():
        from . import stats_bench

        stats_bench.run(scale)


def _lsn(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _sync() -> None:
    target = _lsn("default", "SELECT pg_current_wal_lsn()::text")
    for _ in range(600):
        if _lsn("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.1)
    raise RuntimeError("the replica did not catch up")


class _Routing:
    """Turns the replica router on or off for this process, as DATABASE_REPLICA_URL would."""

    def __init__(self, port: int):
        conf = copy.deepcopy(connections["default"].settings_dict)
        conf.update(HOST="127.0.0.1", PORT=str(port))
        settings.DATABASES["replica"] = conf
        connections.settings["replica"] = conf

    @staticmethod
    def on(enabled: bool) -> None:
        from case_portal.db_router import ReplicaRouter

        router.routers = [ReplicaRouter()] if enabled else []

    @staticmethod
    def close() -> None:
        router.routers = []
        connections["replica"].close()
        # connections.settings is settings.DATABASES, configured: one key to drop.
        settings.DATABASES.pop("replica", None)
        connections.settings.pop("replica", None)


def _throughput(make_get, n: int) -> dict:
    """n requests by one client, then by THREADS clients at once: requests per second."""
    get = make_get()
    timed(get, 3)
    one = timed(get, n)
    per_thread = max(1, n // THREADS)
    getters = [make_get() for _ in range(THREADS)]
    for g in getters:
        g()
    barrier = threading.Barrier(THREADS + 1)

    def work(g):
        barrier.wait()
        for _ in range(per_thread):
            g()
        connections.close_all()

    threads = [threading.Thread(target=work, args=(g,)) for g in getters]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {
        **percentiles(one),
        "req/s, 1 client": round(1000 * len(one) / sum(one), 1),
        f"req/s, {THREADS} clients": round(THREADS * per_thread / wall, 1),
    }


def _split(get) -> dict:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        get()
    return {
        "on primary": len(primary.captured_queries),
        "on replica": len(replica.captured_queries),
    }


def run(scale: str) -> dict:
    from dossiers.models import Application, Family
    from stats.models import UsageEvent
    from stats.selectors import Period

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL (set BENCH_DATABASE_URL).")
    _ensure_data(scale)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.REQUIRE_MFA = False
    families = Family.objects.count()
    fam_ids = [random.Random(g).randint(1, families) for g in range(400)]
    period = Period.last_months(12)
    params = {"start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}"}

    def family_get():
        client = client_for("examiner@au.demo")
        it = iter(fam_ids * 10)

        def get():
            assert client.get(f"/families/{next(it)}/").status_code == 200

        return get

    def stats_get():
        client = client_for("admin@au.demo")
        return lambda: client.get("/statistics/", params).status_code == 200 or 1 / 0

    workdir = tempfile.mkdtemp(prefix="case-bench-replica-")
    port = free_port()
    began = time.perf_counter()
    subprocess.run(["bash", str(SCRIPT), "start", workdir, str(port)], check=True)  # noqa: S603,S607
    setup_s = time.perf_counter() - began
    routing = _Routing(port)
    figures = {
        "data": {
            "applications": Application.objects.count(),
            "families": families,
            "usage events": UsageEvent.objects.count(),
        },
        "replica set-up (pg_basebackup + start), s": round(setup_s, 1),
    }
    try:
        _sync()
        for label, make_get, n in (
            ("family page", family_get, REQUESTS["family"]),
            ("statistics page, one office, 12 months", stats_get, REQUESTS["stats"]),
        ):
            routing.on(False)
            figures[f"{label}, reads on the primary (floor)"] = _throughput(make_get, n)
            routing.on(True)
            figures[f"{label}, reads on the replica"] = _throughput(make_get, n)
            figures[f"{label}, SQL queries per request with the replica"] = _split(make_get())
        figures["replica replay lag after the run, bytes"] = int(
            _lsn(
                "replica",
                f"SELECT pg_wal_lsn_diff('{_lsn('default', 'SELECT pg_current_wal_lsn()::text')}',"
                " pg_last_wal_replay_lsn())",
            )
        )
    finally:
        try:
            routing.close()
        finally:
            subprocess.run(["bash", str(SCRIPT), "stop", workdir], check=False)  # noqa: S603,S607
            shutil.rmtree(workdir, ignore_errors=True)
    return figures
