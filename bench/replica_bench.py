"""Family page and statistics page with reads on a real streaming replica, beside the same pages
reading the primary and the /healthz floor, in one run on the same data.

The replica is made from the local cluster by tests/replica/standby.py (scripts/pg_replica.sh:
pg_basebackup through a replication slot, started on a free port, removed after, also when the
benchmark fails or is killed). Data: the families and statistics benchmarks' (generated first
when missing). Measured sequentially (one client) and with THREADS clients at once, whose
database work then splits between two servers; on one machine both servers share its cores, so
the figures show what reading a replica costs, not the capacity a second host would add.
"""

import copy
import random
import threading
import time

from django.conf import settings
from django.db import connection, connections, router
from django.test.utils import CaptureQueriesContext

from tests.replica.standby import Standby

from .common import client_for, percentiles, timed

THREADS = 4
REQUESTS = {"family": 200, "stats": 20, "healthz": 300}


def _ensure_data(scale: str) -> None:
    from dossiers.models import Family
    from stats.models import UsageEvent

    if not Family.objects.exists():
        from . import families_bench

        families_bench.run(scale)
    from . import stats_bench

    # Not "any events": the families benchmark's page views leave a few hundred.
    if UsageEvent.objects.count() < stats_bench.TOTALS[scale]:
        stats_bench.run(scale)


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
    # Families an examiner can open (a published member), by their real ids: other benchmarks
    # in the same database leave gaps in the numbering.
    shown = list(
        Application.objects.filter(published=True)
        .values_list("family_id", flat=True)
        .order_by("family_id")
        .distinct()[:20000]
    )
    fam_ids = [random.Random(g).choice(shown) for g in range(400)]
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

    def healthz_get():
        client = client_for("examiner@au.demo")
        return lambda: client.get("/healthz").status_code == 200 or 1 / 0

    began = time.perf_counter()
    standby = Standby()  # has replayed all the data when it returns
    figures = {
        "data": {
            "applications": Application.objects.count(),
            "families": Family.objects.count(),
            "usage events": UsageEvent.objects.count(),
        },
        "replica set-up (pg_basebackup + start + catch-up), s": round(
            time.perf_counter() - began, 1
        ),
    }
    routing = None
    try:
        routing = _Routing(standby.port)
        routing.on(True)
        floor = _throughput(healthz_get, REQUESTS["healthz"])
        figures["floor: /healthz, same middleware"] = floor
        for label, make_get, n in (
            ("family page", family_get, REQUESTS["family"]),
            ("statistics page, one office, 12 months", stats_get, REQUESTS["stats"]),
        ):
            routing.on(False)
            primary = _throughput(make_get, n)
            routing.on(True)
            replica = _throughput(make_get, n)
            figures[f"{label}, reads on the primary (floor)"] = primary
            figures[f"{label}, reads on the replica"] = replica
            figures[f"{label}, SQL queries per request with the replica"] = _split(make_get())
            figures[f"{label}, ratios"] = _ratios(primary, replica, floor)
        began = time.perf_counter()
        standby.sync()
        figures["replica caught up with the primary after the run, s"] = round(
            time.perf_counter() - began, 1
        )
    finally:
        try:
            if routing is not None:
                routing.close()
        finally:
            standby.stop()
    return figures


def _ratios(primary: dict, replica: dict, floor: dict) -> dict:
    out = {}
    for key in ("req/s, 1 client", f"req/s, {THREADS} clients"):
        out[f"replica / primary {key}"] = round(replica[key] / primary[key], 2)
        out[f"replica / healthz {key}"] = round(replica[key] / floor[key], 3)
    return out
