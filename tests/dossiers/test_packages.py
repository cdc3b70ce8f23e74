import csv
import datetime as dt
import io
import subprocess
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from case_portal import jobs
from dossiers import signals
from dossiers.models import Package, PackageItem
from dossiers.services import package_archive, packages, worklists
from dossiers.tasks import package_build_task
from offices.services import user_language_set
from stats.models import UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import UserFactory
from tests.support import wait_for

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def worklist(world, docs):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(
        worklist=wl, text="CA 3000001;2026-12-01\nCA 3000002;2026-12-01\nCA 3000003;2027-01-20"
    )
    return wl


def _build(wl, world, **kwargs):
    package = packages.package_request(worklist=wl, user=world["clerk"], **kwargs)
    packages.package_build(package_id=package.pk)
    package.refresh_from_db()
    return package


def _open(package) -> zipfile.ZipFile:
    with default_storage.open(package.file.name, "rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_package_holds_a_folder_per_application_with_the_foreign_reports_index_and_manifest(
    worklist,
    world,
    docs,
    artifact_dir,
):
    package = _build(worklist, world)
    assert package.state == "ready" and package.done == package.total == 3
    zf = _open(package)
    names = sorted(zf.namelist())
    assert names == [
        "CA3000001/AU2020123456_AU_search-report_2021-03-01.pdf",
        "CA3000001/US16-123456_US_office-action_2021-05-04.pdf",
        "CA3000001/US16-123456_US_search-report_2020-01-10.pdf",
        "index.pdf",
        "manifest.csv",
    ]
    # Stored, not deflated, and byte for byte the provided reports.
    assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    with docs["au_sr"].file.open("rb") as fh:
        assert zf.read("CA3000001/AU2020123456_AU_search-report_2021-03-01.pdf") == fh.read()

    manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
    assert [(r["application"], r["office"], r["category"], r["pages"]) for r in manifest] == [
        # Family members in filing order (the US first filing first), their reports by date.
        ("CA3000001", "US", "search_report", "2"),
        ("CA3000001", "US", "office_action", "1"),
        ("CA3000001", "AU", "search_report", "3"),
    ]
    assert manifest[2]["sha256"] == docs["au_sr"].sha256

    # Index: a cover, then one page per application (three on the worklist).
    index = zf.read("index.pdf")
    folder = artifact_dir("package-index")  # fresh this run: only this render's pages count
    (folder / "index.pdf").write_bytes(index)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(folder / "index.pdf"), str(folder / "index")],
        check=True,
    )
    assert len(list(folder.glob("index-*.png"))) == 4  # every page renders, to be looked at
    reader = PdfReader(io.BytesIO(index))
    assert len(reader.pages) == 4
    text = [p.extract_text() for p in reader.pages]
    assert "Week 49" in text[0] and "3 applications, 3 documents, 6 pages" in text[0]
    assert "CA 3,000,001" in text[1]
    assert "US16-123456_US_search-report_2020-01-10.pdf" in text[1].replace("\n", "")
    assert "AU 2020123456" in text[1]  # family members listed
    assert "No published application of another office is in this family yet" in text[2]


def _outline(reader: PdfReader) -> list:
    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item), item.top

    return list(walk(reader.outline, 0))


def test_a_large_index_drawn_in_parts_is_the_same_pdf_as_one_drawn_whole(
    worklist, world, monkeypatch, tmp_path
):
    # Every index here is small: lower the size from which the drawing is split.
    monkeypatch.setattr(package_archive, "SPLIT_ROWS", 1)
    package = _build(worklist, world)
    assert package.state == "ready"
    with default_storage.open(package.file.name, "rb") as fh:
        (tmp_path / "package.zip").write_bytes(fh.read())
    zf = zipfile.ZipFile(tmp_path / "package.zip")
    assert zf.testzip() is None
    unzip = subprocess.run(["unzip", "-t", str(tmp_path / "package.zip")], capture_output=True)
    assert unzip.returncode == 0, unzip.stdout
    split = PdfReader(io.BytesIO(zf.read("index.pdf")))

    plans = packages.package_plan(package=package)
    planned = {item.path for plan in plans for item in plan.documents}
    kwargs = {"package": package, "plans": plans, "included": planned}
    assert len(package_archive.index_html(**kwargs).parts) == 2  # as the build drew it
    index = package_archive.index_html(**kwargs, parts=1)
    assert len(index.parts) == 1
    with package_archive.IndexDrawer(1) as drawer:
        drawer.send(index)
        whole = PdfReader(io.BytesIO(drawer.result()))

    assert len(split.pages) == len(whole.pages) == 4
    for n, (a, b) in enumerate(zip(split.pages, whole.pages, strict=True), start=1):
        text = a.extract_text()
        # Built at another minute, perhaps: the cover's "Built" line aside, word for word.
        assert text.split("Built")[0] == b.extract_text().split("Built")[0]
        assert f"Page {n} of 4" in text and f"CASE Portal — package {package.pk}" in text
    assert _outline(split) == _outline(whole)
    assert [t for _d, t, _p, _y in _outline(split)][:3] == [
        "Foreign reports package",
        "Applications",
        "☐ CA 3,000,001",
    ]
    assert split.metadata.title == whole.metadata.title == f"Package {package.pk} — Week 49"


def test_a_part_of_the_index_that_cannot_be_drawn_fails_the_drawing_with_why():
    index = package_archive.IndexHtml(
        ["<p>first</p>", "<p>second</p>"], footers="<body><!--pages--></body>"
    )
    with package_archive.IndexDrawer(2) as drawer:
        drawer._drawers[1][0].kill()  # the second drawing process dies
        drawer.send(index)
        with pytest.raises(RuntimeError, match="drawing the index failed"):
            drawer.result()


def test_an_index_is_drawn_by_the_processes_a_worker_started_ahead():
    package_archive.drawers_warm(2)
    waiting = [d[0].pid for d in package_archive._spares]
    assert len(waiting) == 2
    try:
        with package_archive.IndexDrawer(2) as drawer:
            drawer.send(package_archive.IndexHtml(["<p>Small index</p>"]))
            pdf = drawer.result()
            assert [d[0].pid for d in drawer._drawers] == waiting[:1]
        assert "Small index" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        # The one a small index did not need still waits for the next.
        assert [d[0].pid for d in package_archive._spares] == waiting[1:]
    finally:
        for process, _out, _errors in package_archive._spares:
            process.kill()
            process.wait()
        package_archive.drawers_warm(0)


def test_each_included_document_counts_as_a_bulk_download_for_its_provider(
    worklist,
    world,
):
    _build(worklist, world)
    events = UsageEvent.objects.filter(action="document_download")
    assert events.count() == 3
    assert all(e.bulk and e.office_id == world["office"].pk for e in events)
    by_provider = sorted(e.provider_office.code for e in events)
    assert by_provider == ["AU", "US", "US"]


def test_running_the_build_twice_builds_once_and_counts_once(worklist, world):
    package = _build(worklist, world)
    first_file = package.file.name
    assert packages.package_build(package_id=package.pk) is None
    package_build_task(package.pk)  # a redelivered message
    package.refresh_from_db()
    assert package.file.name == first_file
    assert PackageItem.objects.filter(package=package).count() == 3
    assert UsageEvent.objects.filter(action="document_download").count() == 3


def test_only_new_documents_leaves_out_what_an_earlier_package_delivered(
    worklist,
    world,
):
    _build(worklist, world)
    later = DocumentFactory(
        application=world["au"], category="office_action", date=dt.date(2023, 2, 2)
    )
    package = _build(worklist, world, only_new=True)
    names = [n for n in _open(package).namelist() if n.endswith(".pdf") and "/" in n]
    assert names == ["CA3000001/AU2020123456_AU_office-action_2023-02-02.pdf"]
    assert PackageItem.objects.get(package=package).document == later
    text = PdfReader(io.BytesIO(_open(package).read("index.pdf"))).pages[1].extract_text()
    assert "3 documents already delivered in an earlier package" in text
    # In the clerk's language, whatever the worker's.
    user_language_set(user=world["clerk"], language="fr")
    package = _build(worklist, world, only_new=True)
    text = " ".join(_index_text(package).split())
    assert (
        "4 documents déjà livrés dans un lot précédent (ce lot ne contient que les nouveaux "
        "documents)." in text
    )
    assert "already delivered" not in text


def _index_text(package) -> str:
    reader = PdfReader(io.BytesIO(_open(package).read("index.pdf")))
    return "\n".join(p.extract_text() for p in reader.pages)


def test_a_selection_packages_only_the_ticked_applications(worklist, world):
    package = _build(worklist, world, application_ids=[world["ca1"].pk])
    assert package.application_ids == [world["ca1"].pk]
    assert package.state == "ready" and package.done == package.total == 3
    assert {n.split("/")[0] for n in _open(package).namelist() if "/" in n} == {"CA3000001"}
    text = _index_text(package)
    assert "CA 3,000,001" in text and "CA 3,000,002" not in text and "CA 3,000,003" not in text


def test_ticking_only_an_application_without_foreign_reports_leaves_the_others_out(worklist, world):
    # CA 3,000,001's three foreign reports are on the worklist too, but it is not ticked.
    package = _build(worklist, world, application_ids=[world["ca2"].pk])
    assert package.application_ids == [world["ca2"].pk]
    assert package.total == 0 and package.state == "ready"
    assert sorted(_open(package).namelist()) == ["index.pdf", "manifest.csv"]
    text = _index_text(package)
    assert "CA 3,000,002" in text and "CA 3,000,001" not in text
    assert "No published application of another office is in this family yet" in text


def test_a_clerk_cannot_package_another_offices_applications(worklist, world):
    package = _build(worklist, world, application_ids=[world["au"].pk, world["ca1"].pk])
    assert package.application_ids == [world["ca1"].pk]


def test_download_and_status_are_404_for_another_offices_clerk(client, worklist, world):
    package = _build(worklist, world)
    au_clerk = UserFactory(office=world["other_office"], role="clerk")
    client.force_login(au_clerk)
    for name in ("package-download", "package-status"):
        assert client.get(reverse(f"dossiers:{name}", args=[package.pk])).status_code == 404
    assert client.post(reverse("dossiers:package-retry", args=[package.pk])).status_code == 404
    client.force_login(world["clerk"])
    response = client.get(reverse("dossiers:package-download", args=[package.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None


def test_build_button_queues_a_package_and_status_reports_progress(
    client,
    worklist,
    world,
    django_capture_on_commit_callbacks,
):
    client.force_login(world["clerk"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("dossiers:package-create", args=[worklist.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1  # the build is enqueued only after commit
    package = Package.objects.get()
    status = client.get(reverse("dossiers:package-status", args=[package.pk])).json()
    assert (status["state"], status["percent"], status["download_url"]) == ("queued", 0, "")
    packages.package_build(package_id=package.pk)
    status = client.get(reverse("dossiers:package-status", args=[package.pk])).json()
    assert (status["state"], status["done"], status["total"], status["percent"]) == (
        "ready",
        3,
        3,
        100,
    )
    assert status["download_url"].endswith(f"/packages/{package.pk}/download/")


def test_a_failed_build_says_why_and_can_be_retried(worklist, world, docs, monkeypatch):
    package = packages.package_request(worklist=worklist, user=world["clerk"])

    def broken(self, timeout=None):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(package_archive.IndexDrawer, "result", broken)
        packages.package_build(package_id=package.pk)
    package.refresh_from_db()
    assert package.state == "failed" and "disk full" in package.error
    assert not UsageEvent.objects.filter(action="document_download").exists()
    packages.package_retry(package=package)
    packages.package_build(package_id=package.pk)
    package.refresh_from_db()
    assert package.state == "ready" and package.error == ""


def test_a_report_whose_file_is_gone_is_listed_as_not_available(worklist, world, docs):
    default_storage.delete(docs["us_oa"].file.name)
    package = _build(worklist, world)
    assert package.state == "ready"
    zf = _open(package)
    assert not any("office-action" in n for n in zf.namelist())
    text = PdfReader(io.BytesIO(zf.read("index.pdf"))).pages[1].extract_text()
    assert "could not be read from storage" in text


def test_packages_expire_after_the_configured_days(client, worklist, world, settings):
    settings.PACKAGE_EXPIRY_DAYS = 7
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=UTC), tick=False):
        package = _build(worklist, world)
    name = package.file.name
    assert package.expires_at == dt.datetime(2026, 11, 8, 9, tzinfo=UTC)
    with time_machine.travel(dt.datetime(2026, 11, 7, 9, tzinfo=UTC)):
        assert jobs.expire(packages.JOB) == 0
    with time_machine.travel(dt.datetime(2026, 11, 8, 9, 1, tzinfo=UTC)):
        assert jobs.expire(packages.JOB) == 1
    package.refresh_from_db()
    assert package.state == "expired" and not package.file
    assert not default_storage.exists(name)
    client.force_login(world["clerk"])
    assert client.get(reverse("dossiers:package-download", args=[package.pk])).status_code == 404
    # The delivery record stays, so "only new" still knows what was delivered.
    assert PackageItem.objects.filter(package=package).count() == 3


# The clerk's e-mail goes through the notifications outbox:
# tests/notifications/test_package_notifications.py.
def test_just_in_time_builds_lead_days_before_examination(
    worklist,
    world,
):
    # Lead 14 days: 2026-12-01 examinations are due on 2026-11-17, not a day earlier.
    with time_machine.travel(dt.datetime(2026, 11, 16, 23, tzinfo=UTC)):
        assert packages.packages_schedule() == []
    with time_machine.travel(dt.datetime(2026, 11, 17, 6, tzinfo=UTC)):
        created = packages.packages_schedule()
        assert len(created) == 1
        package = created[0]
        assert package.trigger == "just_in_time"
        assert package.for_examination_date == dt.date(2026, 12, 1)
        assert sorted(package.application_ids) == sorted([world["ca1"].pk, world["ca2"].pk])
        assert packages.packages_schedule() == []  # the next beat does not build it again
        package_build_task(package.pk)
    package.refresh_from_db()
    assert package.state == "ready" and package.done == 3
    finished = package.finished_at
    package_build_task(package.pk)  # a second delivery of the message builds nothing
    package.refresh_from_db()
    assert package.finished_at == finished


def test_office_lead_days_setting_moves_the_just_in_time_day(worklist, world):
    world["office"].package_lead_days = 30
    world["office"].save()
    with time_machine.travel(dt.datetime(2026, 11, 1, 6, tzinfo=UTC)):
        assert len(packages.packages_schedule()) == 1
    with time_machine.travel(dt.datetime(2026, 12, 21, 6, tzinfo=UTC)):
        # The 2027-01-20 entry of CA 3,000,003 is now 30 days out.
        [package] = packages.packages_schedule()
        assert package.application_ids == [world["ca3"].pk]


def test_package_ready_signal_tells_receivers_who_to_notify(worklist, world):
    got = []

    def receiver(sender, package, user, automatic, **kwargs):
        got.append((package.pk, user, automatic))

    signals.package_ready.connect(receiver)
    try:
        with time_machine.travel(dt.datetime(2026, 11, 17, 6, tzinfo=UTC)):
            [package] = packages.packages_schedule()
            package_build_task(package.pk)
    finally:
        signals.package_ready.disconnect(receiver)
    assert got == [(package.pk, world["clerk"], True)]
    assert mail.outbox == []  # a listener (the notifications app) sends the e-mail itself


# Each xdist process has its own broker database (tests/celery_fixtures.py); the group still
# keeps real workers on one process, so two never race for the same test's tasks.
@pytest.mark.xdist_group("celery-redis")
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_builds_the_package_from_redis(world, docs, settings):
    from celery.contrib.testing.worker import start_worker

    from case_portal.celery import app

    if app.conf.task_always_eager or not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (a real broker)")
    wl = worklists.worklist_create(user=world["clerk"], name="Queue")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01")
    app.control.purge()  # nothing left over from an earlier run
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        with transaction.atomic():
            package = packages.package_request(worklist=wl, user=world["clerk"])
        wait_for(
            lambda: Package.objects.get(pk=package.pk).state in ("ready", "failed"), 60, "build"
        )
        package.refresh_from_db()
    assert package.state == "ready", package.error
    assert package.done == package.total == 3
    assert len([n for n in _open(package).namelist() if n.startswith("CA3000001/")]) == 3
