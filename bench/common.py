"""Helpers shared by the benchmarks: timing percentiles and a logged-in test client."""

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {
        "p50 ms": round(pct(50), 3),
        "p95 ms": round(pct(95), 3),
        "p99 ms": round(pct(99), 3),
        "mean ms": round(statistics.fmean(ordered), 3),
        "samples": len(ordered),
    }


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def query_count(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def client_for(email: str):
    from django.test import Client

    from offices.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return client
