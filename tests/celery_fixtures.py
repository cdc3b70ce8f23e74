"""Celery in tests, defined once (a plugin listed in tests/conftest.py): eager in-process runs,
a broker nobody listens on, and real redis-server and worker subprocesses for the queue tests."""

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis as redis_py
from django.db import connection

from case_portal.celery import app as celery_app
from tests.support import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).with_name("celery"))


def point_celery_at(url: str) -> None:
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = url
    # Drop (not close) the pools made for the previous broker URL: closing one that something
    # still holds makes the next send fail with "Acquire on closed pool".
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _own_broker_db(url: str, worker: str) -> str:
    """The shared test Redis, one database per xdist process: a worker started in one process
    must not take (and run against its own database) tasks another process's tests sent. Counted
    from the run's own database, so two runs given different ones (TEST_REDIS_URL) stay apart."""
    base, _, db = url.rpartition("/")
    if not worker.startswith("gw") or not db.isdigit():
        return url
    return f"{base}/{(int(db) + 1 + int(worker[2:]) % 15) % 16}"


def pytest_configure(config):
    url = str(celery_app.conf.broker_url or "")
    if url.startswith("redis://"):
        point_celery_at(_own_broker_db(url, os.environ.get("PYTEST_XDIST_WORKER", "")))


@pytest.fixture(autouse=True)
def _queue_emptied(request):
    """A queue test starts with an empty queue: tasks earlier tests in this process sent with no
    worker running would otherwise go first, and a solo worker drains them before the test's own."""
    marker = request.node.get_closest_marker("xdist_group")
    url = str(celery_app.conf.broker_url)
    if marker and marker.args[:1] == ("celery-redis",) and url.startswith("redis://"):
        redis = redis_py.Redis.from_url(url)
        try:
            redis.flushdb()
        finally:
            redis.close()


@pytest.fixture(autouse=True)
def _celery_state_restored():
    """Tests about the queue point Celery at their own broker or switch eager mode; whatever they
    do, the next test in this process starts with the app as configured."""
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    yield
    if (celery_app.conf.task_always_eager, celery_app.conf.broker_url) != (eager, broker):
        point_celery_at(broker)
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def eager_celery():
    """Tasks run in-process, as soon as they are sent (with no worker in the run)."""
    celery_app.conf.task_always_eager = True


@pytest.fixture
def broker_down():
    """A broker nobody listens on: sending fails at once, as when Redis is stopped."""
    point_celery_at("redis://127.0.0.1:1/0")


@pytest.fixture
def real_celery():
    """Append the RedisServer/Worker a test starts; they are stopped (in order) when it ends."""
    started = []
    yield started
    for thing in started:
        thing.stop()


class RedisServer:
    """A private redis-server on its own port, to stop and start during a test."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def up():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False

        wait_for(up, 10, "redis-server")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


class Worker:
    """A `celery worker` subprocess (solo pool, logging each task) against `broker`."""

    def __init__(self, *, broker: str, smtp_port: int, log: Path):
        self.broker = broker
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            ),
            "REDIS_URL": broker,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DJANGO_SECRET_KEY": "test-only-not-secret",
            "DJANGO_HTTPS": "0",
        }
        self.log = log
        self.proc = subprocess.Popen(  # noqa: S603
            [
                CELERY,
                "-A",
                "case_portal",
                "worker",
                "-P",
                "solo",
                "-l",
                "info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(log, "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: "ready." in log.read_text(), 60, "celery worker to start")

    def idle(self) -> bool:
        """Nothing is queued or unacknowledged at the broker and every task this worker received
        has finished, by its own log: whatever was sent has had its effect."""
        redis = redis_py.Redis.from_url(self.broker)
        try:
            if redis.llen("celery") or redis.hlen("unacked"):
                return False
        finally:
            redis.close()
        log = self.log.read_text()
        finished = sum(log.count(f"] {word}") for word in ("succeeded in", "raised", "retry:"))
        return log.count("] received") == finished

    def wait_idle(self, timeout: float = 60.0) -> None:
        # Twice in a row: a message taken off the queue is not in `unacked` for an instant.
        seen = []
        wait_for(lambda: seen.append(self.idle()) or seen[-2:] == [True, True], timeout, "idle")

    def kill(self):
        """SIGKILL: no clean shutdown, no ack — as if the host died."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
