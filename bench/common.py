"""Helpers shared by the benchmarks: timing percentiles and a logged-in test client."""

import socket
import statistics
import subprocess
import time
import urllib.request
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


def free_port() -> int:
    """A free loopback port for a server the benchmark starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until a server we started answers 200, or fail if it dies or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become healthy in time")
