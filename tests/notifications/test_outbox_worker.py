"""The outbox with a real Celery worker (a subprocess) and real Redis — nothing eager here."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from case_portal.celery import app as celery_app
from notifications import tasks
from notifications.models import Notification, Watch
from tests.factories import UserFactory
from tests.notifications.conftest import free_port, upload

# Real workers and brokers: on the same xdist worker as the other queue tests (see
# tests/dossiers/test_packages.py), never interleaved with them in two processes.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery-redis")]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


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
    def __init__(self, *, broker: str, smtp_port: int, log: Path):
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


def point_celery_at(url: str) -> None:
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = url
    # Drop (not close) the pools made for the previous broker URL: closing one that something
    # still holds makes the next send fail with "Acquire on closed pool".
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def real_celery():
    old = celery_app.conf.broker_url
    started = []
    yield started
    for thing in started:
        thing.stop()
    point_celery_at(old)
    celery_app.conf.task_always_eager = True


@pytest.fixture
def watchers(office, foreign_app):
    people = [UserFactory(office=office, email=f"watcher{i}@ca.test") for i in range(3)]
    for person in people:
        Watch.objects.create(user=person, application=foreign_app)
    return people


def test_upload_with_the_broker_down_succeeds_and_every_email_goes_out_once_it_is_back(
    tmp_path, smtp_server, real_celery, watchers, foreign_app, clerk
):
    inbox, smtp_port = smtp_server
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    redis.stop()  # the broker goes down

    started = time.monotonic()
    doc = upload(foreign_app, "search_report", user=clerk)
    assert time.monotonic() - started < 15  # the upload is not held hostage by the broker
    assert doc.pk and Notification.objects.filter(sent_at=None).count() == 3

    redis.start()  # the broker is back; a worker starts; beat's sweep runs (twice, even)
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "worker.log")
    real_celery.insert(0, worker)
    tasks.outbox_sweep.delay(0)
    tasks.outbox_sweep.delay(0)
    wait_for(lambda: not Notification.objects.filter(sent_at=None).exists(), 60, "all e-mails sent")
    time.sleep(2)  # room for a duplicate to show up, if there were one
    assert sorted(r for m in inbox.messages for r in m["to"]) == [
        "watcher0@ca.test",
        "watcher1@ca.test",
        "watcher2@ca.test",
    ]


def test_worker_killed_mid_send_the_sweep_delivers_it_exactly_once(
    tmp_path, smtp_server, real_celery, watchers, foreign_app, clerk
):
    inbox, smtp_port = smtp_server
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    # A mail server that accepts the connection and never answers: the worker hangs mid-send.
    tarpit = socket.socket()
    tarpit.bind(("127.0.0.1", 0))
    tarpit.listen(16)
    try:
        worker = Worker(
            broker=redis.url, smtp_port=tarpit.getsockname()[1], log=tmp_path / "w1.log"
        )
        upload(foreign_app, "office_action", user=clerk)
        wait_for(
            lambda: Notification.objects.filter(claimed_at__isnull=False).exists(),
            30,
            "the worker to claim a notification",
        )
        worker.kill()
    finally:
        tarpit.close()
    assert inbox.messages == []
    assert Notification.objects.filter(sent_at=None).count() == 3

    # The claim timeout passes; a new worker starts; beat runs the sweep.
    Notification.objects.filter(claimed_at__isnull=False).update(
        claimed_at=timezone.now() - timezone.timedelta(hours=1)
    )
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "w2.log")
    real_celery.insert(0, worker)
    tasks.outbox_sweep.delay(0)
    wait_for(lambda: not Notification.objects.filter(sent_at=None).exists(), 60, "all e-mails sent")
    time.sleep(2)
    assert sorted(r for m in inbox.messages for r in m["to"]) == [
        "watcher0@ca.test",
        "watcher1@ca.test",
        "watcher2@ca.test",
    ]
