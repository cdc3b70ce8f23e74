"""Fault survival with real parts: a private redis-server that is stopped, a Celery worker
subprocess that is SIGKILLed, a gunicorn server whose PostgreSQL backend is terminated, and a
storage that runs out of space. In each case the user gets a clear answer, nothing committed is
lost, nothing is delivered twice and the system recovers by itself.

Faults covered elsewhere (not repeated here), in tests/notifications/test_outbox_worker.py:
broker down during an upload, worker killed mid-send, SMTP down."""

import concurrent.futures
import datetime as dt
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import redis as redis_py
import requests
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers import tasks
from dossiers.models import Document, Package, PackageItem
from dossiers.services import packages, worklists
from dossiers.services.applications import application_upsert
from dossiers.services.documents import document_add
from offices.services import api_key_create
from stats.models import UsageEvent
from tests.celery_fixtures import RedisServer, Worker, point_celery_at
from tests.dossiers.pdf_samples import pdf_bytes
from tests.offices.factories import UserFactory
from tests.support import free_port, wait_for

# Real workers and brokers: on the same xdist worker as the other queue tests.
pytestmark = pytest.mark.xdist_group("celery-redis")

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _db_url() -> str:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}@{host}/{db['NAME']}"


def _stored(settings, folder: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _worklist_of(world):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01\nCA 3000002;2026-12-01")
    return wl


def _add_reports(app, count: int, size: int = 0) -> list[Document]:
    """`count` distinct real PDFs on `app`; `size` pads each (in its metadata) to about that."""
    docs = []
    for i in range(count):
        label = f"{app.key} report {i} " + ("x" * size)
        docs.append(
            document_add(
                application=app,
                file=_named(pdf_bytes(label=label)),
                category="search_report" if i % 2 else "office_action",
                date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            )
        )
    return docs


def _named(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("report.pdf", data, "application/pdf")


# --- Redis stopped while a clerk asks for a package ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_package_asked_for_while_the_broker_is_down_is_queued_and_built_once_it_is_back(
    tmp_path,
    settings,
    monkeypatch,
    smtp_server,
    real_celery,
    world,
):
    _add_reports(world["us"], 3)
    wl = _worklist_of(world)
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    redis.stop()  # the broker goes down

    clerk = Client()
    clerk.force_login(world["clerk"])
    started = time.monotonic()
    response = clerk.post(reverse("dossiers:package-create", args=[wl.pk]), follow=True)
    assert time.monotonic() - started < 15  # the clerk is not held hostage by the broker
    assert response.status_code == 200
    package = Package.objects.get()
    assert package.state == Package.State.QUEUED  # committed, waiting for its build
    page = response.content.decode()
    assert f"Package {package.pk}" in page and "Queued" in page

    redis.start()  # the broker is back, a worker starts, beat runs the re-queue sweep
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    worker = Worker(broker=redis.url, smtp_port=smtp_server[1], log=tmp_path / "worker.log")
    real_celery.insert(0, worker)
    Package.objects.filter(pk=package.pk).update(
        created_at=timezone.now() - packages.QUEUED_GRACE - dt.timedelta(seconds=1)
    )
    tasks.packages_requeue_task.delay()
    tasks.packages_requeue_task.delay()  # twice, as two beats might: still built once
    wait_for(
        lambda: Package.objects.get(pk=package.pk).state == Package.State.READY,
        90,
        "the package to be built",
    )
    worker.wait_idle()  # both sweeps and the builds they sent are done: a second would show
    package.refresh_from_db()
    assert package.done == package.total == 3
    assert len(_stored(settings, "packages")) == 1
    assert PackageItem.objects.filter(package=package).count() == 3
    assert UsageEvent.objects.filter(action="document_download", bulk=True).count() == 3


# --- A worker killed in the middle of a package build -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_build_the_package_completes_exactly_once_after_restart(
    tmp_path,
    settings,
    monkeypatch,
    smtp_server,
    real_celery,
    world,
):
    count = 120
    _add_reports(world["us"], count, size=400_000)
    wl = _worklist_of(world)
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    worker = Worker(broker=redis.url, smtp_port=smtp_server[1], log=tmp_path / "w1.log")
    try:
        package = packages.package_request(worklist=wl, user=world["clerk"])

        def building():
            row = Package.objects.get(pk=package.pk)
            return row.state == Package.State.BUILDING and row.done > 0

        wait_for(building, 60, "the worker to be mid-build")
        worker.kill()
    finally:
        worker.kill()
    package.refresh_from_db()
    assert package.state == Package.State.BUILDING, "the build finished before the kill"
    # Killed after some documents, possibly after all of them while the index PDF is made.
    assert 0 < package.done <= count
    assert _stored(settings, "packages") == []  # nothing half-written is ever published
    assert not PackageItem.objects.exists()
    assert not UsageEvent.objects.filter(action="document_download").exists()

    # acks_late + reject_on_worker_lost: the message is still the broker's, unacknowledged.
    # It becomes visible again after the visibility timeout (1 h) and the claim goes stale
    # after packages.STALE_AFTER; fast-forward both clocks instead of waiting.
    broker = redis_py.Redis(port=redis.port)
    unacked = broker.zrange("unacked_index", 0, -1, withscores=True)
    assert len(unacked) == 1
    broker.zadd("unacked_index", {tag: score - 3700 for tag, score in unacked})
    Package.objects.filter(pk=package.pk).update(
        started_at=timezone.now() - packages.STALE_AFTER - dt.timedelta(minutes=1)
    )
    worker = Worker(broker=redis.url, smtp_port=smtp_server[1], log=tmp_path / "w2.log")
    real_celery.insert(0, worker)
    tasks.packages_requeue_task.delay()  # beat's sweep runs too: still one build
    wait_for(
        lambda: Package.objects.get(pk=package.pk).state == Package.State.READY,
        120,
        "the package to be rebuilt",
    )
    worker.wait_idle()  # the restored message and the sweep are done: a second would show
    package.refresh_from_db()
    assert package.done == package.total == count
    assert len(_stored(settings, "packages")) == 1
    assert PackageItem.objects.filter(package=package).count() == count
    events = UsageEvent.objects.filter(action="document_download", bulk=True)
    assert events.count() == count
    assert len(set(events.values_list("document_id", flat=True))) == count


# --- PostgreSQL connection dropped ------------------------------------------------------------


class Gunicorn:
    """The portal under gunicorn with production settings (one sync worker, so its one
    persistent database connection is the one we cut)."""

    def __init__(self, log: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _db_url(),
            # The same secret as this process: the session we log in with is signed with it.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_HTTPS": "0",
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DB_CONN_MAX_AGE": "600",
            # Production settings, but without needing a collectstatic run first.
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        }
        env.pop("REDIS_URL", None)
        self.log = log
        self.proc = subprocess.Popen(  # noqa: S603
            [
                GUNICORN,
                "case_portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(log, "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )

        def up():
            try:
                return requests.get(self.url("/healthz"), timeout=1).status_code < 500
            except requests.RequestException:
                return False

        wait_for(up, 30, "gunicorn")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


def _portal_backends(db) -> list[int]:
    """Backends of the test database other than this test's own connections."""
    rows = db.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND pid <> %s",
        [connection.cursor().connection.info.backend_pid],
    ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_gives_one_clean_error_page_and_the_next_request_works(
    tmp_path, examiner, family_app
):
    server = Gunicorn(tmp_path / "gunicorn.log")
    browser = requests.Session()
    client = Client()
    client.force_login(examiner)
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    search = server.url(reverse("dossiers:search") + "?q=CA+2,123,456")
    db = psycopg.connect(_db_url().replace("postgres://", "postgresql://"), autocommit=True)
    try:
        first = browser.get(search, timeout=30)
        assert first.status_code == 200 and "CA 2,123,456" in first.text, first.text[-3000:]

        # Between requests: the server's pooled connection is cut (a failover, a DBA's kill).
        victims = _portal_backends(db)
        assert victims, "the server keeps its connection between requests"
        for pid in victims:
            db.execute("SELECT pg_terminate_backend(%s)", [pid])
        again = browser.get(search, timeout=30)
        assert again.status_code == 200 and "CA 2,123,456" in again.text

        # Mid-request: hold the session table so the request waits inside PostgreSQL, cut its
        # connection there, then let go.
        with db.transaction():
            db.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                pending = pool.submit(browser.get, search, timeout=30)

                def waiting():
                    return db.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'"
                    ).fetchone()[0]

                wait_for(waiting, 20, "the request to wait on the lock")
                for (pid,) in db.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                ).fetchall():
                    db.execute("SELECT pg_terminate_backend(%s)", [pid])
                cut = pending.result()
        assert cut.status_code == 500
        assert "Something went wrong" in cut.text
        assert "Traceback" not in cut.text and "OperationalError" not in cut.text

        after = browser.get(search, timeout=30)
        assert after.status_code == 200 and "CA 2,123,456" in after.text
    finally:
        db.close()
        server.stop()


@pytest.fixture
def family_app(office):
    return application_upsert(
        office=office,
        number="CA 2,123,456",
        filing_date=dt.date(2013, 10, 11),
        title="Fluid coupling",
        published=True,
    )


# --- Storage full during an upload ------------------------------------------------------------


class FullDiskStorage(FileSystemStorage):
    """A real file system storage on a disk that fills up after the first 1,000 bytes of a file:
    part of the file is written, then the write fails with ENOSPC, as on a full disk."""

    def _save(self, name, content):
        class Filling:
            def __init__(self, inner):
                self.inner = inner
                self.written = 0

            def chunks(self, chunk_size=None):
                for chunk in self.inner.chunks():
                    if self.written + len(chunk) > 1000:
                        yield chunk[: 1000 - self.written]
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    self.written += len(chunk)
                    yield chunk

        return super()._save(name, Filling(content))


@pytest.fixture
def full_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FullDiskStorage"},
    }
    # Django's setting_changed receiver resets default_storage, on the way in and out.
    return settings


STORAGE_FULL = (
    "The portal could not store the file (storage full or unavailable); nothing was saved. "
    "Try again later."
)


@pytest.fixture
def provider_app(office):
    return application_upsert(
        office=office, number="CA 2,123,456", filing_date=dt.date(2013, 10, 11), published=True
    )


@pytest.mark.django_db
def test_upload_form_on_a_full_disk_says_so_and_keeps_no_row_and_no_partial_file(
    client, office, provider_app, full_disk
):
    client.force_login(UserFactory(office=office, role="clerk", email="clerk@ca.test"))
    data = {
        "category": "search_report",
        "code": "ISR",
        "date": "2014-02-03",
        "language": "en",
        "direction": "outgoing",
        "files": [_named(pdf_bytes(pages=3, label="full disk " + "y" * 5000))],
    }
    response = client.post(
        reverse("dossiers:provide-document-upload", args=[provider_app.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert STORAGE_FULL in response.content.decode()
    assert not Document.objects.exists()
    assert _stored(full_disk, "documents") == []
    assert not UsageEvent.objects.filter(action="upload").exists()


@pytest.mark.django_db
def test_api_upload_on_a_full_disk_is_a_clear_503_and_keeps_nothing(
    client, office, provider_app, full_disk
):
    raw = api_key_create(office=office, name="test", scopes=("provide",))[1]
    response = client.post(
        reverse("v1:application-documents", args=["CA", "2123456"]),
        {
            "file": _named(pdf_bytes(pages=2, label="api full disk " + "z" * 5000)),
            "category": "search_report",
            "date": "2014-02-03",
        },
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 503, response.content
    assert response.json()["message"] == STORAGE_FULL
    assert not Document.objects.exists()
    assert _stored(full_disk, "documents") == []
