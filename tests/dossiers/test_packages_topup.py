"""Just in time, visibly: top-up packages, the index PDF as a checklist, and beat building a due
package within the scheduling interval with a real worker."""

import datetime as dt
import io
import os
import subprocess
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from dossiers.models import Citation, Package
from dossiers.services import packages, worklists
from dossiers.services.applications import PriorityIn, application_upsert
from dossiers.tasks import package_build_task
from notifications.models import Notification
from notifications.services import request_make
from tests.celery_fixtures import CELERY, ROOT, RedisServer, Worker, point_celery_at
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import OfficeFactory
from tests.support import wait_for

UTC = dt.UTC
DUE = dt.datetime(2026, 11, 17, 6, tzinfo=UTC)  # 14 days before the 2026-12-01 examinations


@pytest.fixture
def worklist(world, docs):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001 2026-12-01")
    return wl


def _schedule_and_build(when=DUE):
    with time_machine.travel(when):
        made = packages.packages_schedule()
        for package in made:
            package_build_task(package.pk)
    for package in made:
        package.refresh_from_db()
    return made


@pytest.mark.django_db
def test_an_entry_added_after_its_dates_package_comes_in_a_top_up(worklist, world):
    [first] = _schedule_and_build()
    assert (first.trigger, first.state) == ("just_in_time", "ready")
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000002 2026-12-01")
    [top_up] = _schedule_and_build(DUE + dt.timedelta(hours=3))
    assert top_up.trigger == "top_up" and top_up.for_examination_date == dt.date(2026, 12, 1)
    assert top_up.application_ids == [world["ca2"].pk]  # only the newcomer
    assert _schedule_and_build(DUE + dt.timedelta(hours=4)) == []  # and only once


@pytest.mark.django_db
def test_a_report_arriving_after_the_package_makes_a_top_up_of_only_it_and_tells_the_clerk(
    worklist, world
):
    [first] = _schedule_and_build()
    assert first.done == 3
    late = DocumentFactory(
        application=world["au"], category="office_action", date=dt.date(2026, 11, 20)
    )
    [top_up] = _schedule_and_build(DUE + dt.timedelta(days=3))
    assert (top_up.trigger, top_up.only_new, top_up.state) == ("top_up", True, "ready")
    with default_storage.open(top_up.file.name, "rb") as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    assert [n for n in names if n.endswith(".pdf") and n != "index.pdf"] == [
        "CA3000001/AU2020123456_AU_office-action_2026-11-20.pdf"
    ]
    assert top_up.items.get().document == late
    notice = Notification.objects.filter(user=world["clerk"], package=top_up).get()
    assert notice.kind == "package_top_up"
    assert notice.text == (
        "1 new report for the examination of CA 3,000,001 on 2026-12-01 arrived after the "
        "package of 2026-11-17 was built: AU 2020123456 examination report / office action "
        "of 2026-11-20"
    )
    # Nothing new: nothing more; after the examination: nothing at all.
    assert _schedule_and_build(DUE + dt.timedelta(days=4)) == []
    with time_machine.travel(dt.datetime(2026, 12, 5, 6, tzinfo=UTC)):
        DocumentFactory(
            application=world["us"], category="office_action", date=dt.date(2026, 12, 5)
        )
    assert _schedule_and_build(dt.datetime(2026, 12, 6, 6, tzinfo=UTC)) == []


@pytest.mark.django_db
def test_a_failed_build_is_not_topped_up_around(worklist, world):
    with time_machine.travel(DUE):
        [package] = packages.packages_schedule()
    Package.objects.filter(pk=package.pk).update(state="failed", error="disk full")
    assert _schedule_and_build(DUE + dt.timedelta(hours=1)) == []


@pytest.mark.django_db
def test_the_index_pdf_is_a_checklist_with_dates_requests_and_citations(
    worklist, world, docs, artifact_dir
):
    jp_office = OfficeFactory(code="JP", name="Japan Patent Office")
    jp = application_upsert(
        office=jp_office,
        number="JP 2020-123456",
        priorities=[PriorityIn("US", "US 16/123,456", dt.date(2019, 3, 1))],
        published=True,
    )
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=UTC)):
        request_make(user=world["clerk"], application=jp)
    Citation.objects.create(
        document=docs["us_sr"],
        cited_key="US8131731",
        cited_display="US 8,131,731 B2",
        category="X",
        claims="1-5",
    )
    Citation.objects.create(
        document=docs["au_sr"], cited_key="US8131731", cited_display="US 8,131,731", category="Y"
    )
    Citation.objects.create(document=docs["au_sr"], npl_text="Smith, Hinges (2011)", category="A")
    [package] = _schedule_and_build()
    with default_storage.open(package.file.name, "rb") as fh:
        index = zipfile.ZipFile(io.BytesIO(fh.read())).read("index.pdf")
    folder = artifact_dir("package-index-checklist")
    (folder / "index.pdf").write_bytes(index)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", str(folder / "index.pdf"), str(folder / "index")],
        check=True,
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(index)).pages)
    flat = " ".join(text.split())
    assert "Examination: 2026-12-01" in flat
    assert "Requested, not yet received" in flat
    assert "JP 2020-123456 (JP), asked 2026-11-10" in flat
    assert "US 8,131,731 B2" in flat and "AU: Y; US: X (1-5)" in flat
    assert "Smith, Hinges (2011)" in flat
    assert "IP Australia" in flat and "USPTO" in flat  # office codes with their meaning
    assert flat.index("US 8,131,731 B2") < flat.index("Smith, Hinges")  # X before A


def _env(broker: str, every: int) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": broker,
        "DJANGO_SECRET_KEY": "test-only-not-secret",
        "DJANGO_HTTPS": "0",
        "PACKAGE_SCHEDULE_SECONDS": str(every),
    }


class Beat:
    """`celery beat` as deployed, with its own schedule file; stopped with the test."""

    def __init__(self, *, broker: str, every: int, tmp_path):
        self.log = tmp_path / "beat.log"
        self.proc = subprocess.Popen(  # noqa: S603
            [CELERY, "-A", "case_portal", "beat", "-l", "info", "--max-interval", "1"]
            + ["-s", str(tmp_path / "beat-schedule")],
            cwd=ROOT,
            env=_env(broker, every),
            stdout=open(self.log, "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


@pytest.mark.xdist_group("celery-redis")
@pytest.mark.django_db(transaction=True)
def test_beat_builds_a_package_due_today_within_the_scheduling_interval(
    world, docs, tmp_path, real_celery, monkeypatch, smtp_server
):
    every = 6
    _inbox, smtp_port = smtp_server
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    today = timezone.localdate()
    exam = today + dt.timedelta(days=world["office"].package_lead_days)  # due today
    wl = worklists.worklist_create(user=world["clerk"], name="Due today")
    worklists.worklist_lines_add(worklist=wl, text=f"CA 3000001 {exam:%Y-%m-%d}")

    monkeypatch.setenv("PACKAGE_SCHEDULE_SECONDS", str(every))
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "worker.log")
    real_celery.insert(0, worker)
    beat = Beat(broker=redis.url, every=every, tmp_path=tmp_path)
    real_celery.insert(0, beat)
    wait_for(lambda: "beat: Starting" in beat.log.read_text(), 60, "beat to start")
    started = timezone.now()
    wait_for(
        lambda: Package.objects.filter(worklist=wl, state="ready").exists(),
        every + 40,
        "beat to schedule and the worker to build the due package",
    )
    package = Package.objects.get(worklist=wl)
    assert package.trigger == "just_in_time" and package.for_examination_date == exam
    assert package.done == 3
    # Queued by the first scheduling run after beat started: within one interval (+ slack for
    # a loaded machine).
    assert (package.created_at - started).total_seconds() < every + 5, beat.log.read_text()
