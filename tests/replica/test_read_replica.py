"""Reads on a real streaming replica; writes, and what a person just wrote, from the primary."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from case_portal.db_router import PIN_COOKIE, REPLICA, ReplicaPinMiddleware
from dossiers.models import Application, Document
from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.offices.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("pg-replica")]
ROOT = Path(__file__).resolve().parents[2]


def _family_url(app) -> str:
    return reverse("dossiers:family-detail", args=[app.family_id])


def _queries(alias):
    return CaptureQueriesContext(connections[alias])


def test_search_family_page_and_statistics_read_from_the_replica(
    replica, client, examiner, world, docs, admin_user
):
    replica.sync()
    client.force_login(examiner)
    with _queries(REPLICA) as on_replica, _queries("default") as on_primary:
        found = client.get(reverse("dossiers:search"), {"q": "US 16/123,456"})
        page = client.get(_family_url(world["us"]))
    assert found.status_code == 302 and found["Location"].startswith(_family_url(world["us"]))
    assert page.status_code == 200 and "Folding bicycle hinge" in page.content.decode()
    read_there = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "dossiers_lookupkey" in read_there and "dossiers_document" in read_there
    on_primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    # The primary only saw who is logged in and the counting of the search and the view.
    assert "dossiers_document" not in on_primary_sql
    assert 'INSERT INTO "stats_usageevent"' in on_primary_sql
    assert PIN_COOKIE not in page.cookies  # counting a use does not pin anyone

    client.force_login(admin_user)
    with _queries(REPLICA) as on_replica, _queries("default") as on_primary:
        stats = client.get("/statistics/", {"office": "CA", "start": "2026-01", "end": "2026-12"})
    assert stats.status_code == 200
    assert "stats_usage" in " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "stats_usage" not in " ".join(q["sql"] for q in on_primary.captured_queries)


def test_while_the_replica_lags_the_uploader_sees_their_report_and_others_see_it_later(
    replica, client, world, examiner, settings
):
    replica.sync()
    replica.pause()  # the replica stops replaying: it lags from here on
    clerk = world["clerk"]
    client.force_login(clerk)
    upload = client.post(
        reverse("dossiers:provide-document-upload", args=[world["ca1"].pk]),
        {
            "category": "search_report",
            "code": "ISR",
            "date": "2026-02-03",
            "language": "en",
            "direction": "outgoing",
            "files": [_pdf()],
        },
    )
    assert upload.status_code == 302
    doc = Document.objects.get()
    pin = upload.cookies[PIN_COOKIE]
    assert pin["max-age"] == 10 and pin["httponly"]
    link = reverse("dossiers:document-detail", args=[doc.pk])

    # The uploader, pinned to the primary, sees the new report at once.
    assert link in client.get(_family_url(world["ca1"])).content.decode()
    # Another examiner reads the lagging replica: not there yet, and no error either.
    other = client_class_for(examiner)
    page = other.get(_family_url(world["ca1"]))
    assert page.status_code == 200 and link not in page.content.decode()

    replica.resume()
    replica.sync()
    assert link in other.get(_family_url(world["ca1"])).content.decode()


def test_a_lagging_replica_logs_nobody_out(replica, client, world):
    replica.sync()
    replica.pause()
    newcomer = UserFactory(office=world["office"], role="examiner", email="new@ca.test")
    client.force_login(newcomer)  # session and user exist on the primary only
    page = client.get(_family_url(world["us"]))
    assert page.status_code == 200 and "Folding bicycle hinge" in page.content.decode()


def test_the_replica_streams_through_its_own_slot_and_keeps_up(replica, world):
    """The primary keeps the WAL this standby has not received (a slot), so a checkpoint on the
    busy shared primary cannot strand it; what is committed here reaches it."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT s.active, r.state FROM pg_replication_slots s"
            " JOIN pg_stat_replication r ON r.pid = s.active_pid WHERE s.slot_name = %s",
            [replica.slot],
        )
        assert cursor.fetchall() == [(True, "streaming")]
    Application.objects.filter(pk=world["ca2"].pk).update(title="Seen on the replica")
    replica.sync()
    assert Application.objects.using(REPLICA).get(pk=world["ca2"].pk).title == (
        "Seen on the replica"
    )


def test_reads_after_a_write_in_the_same_request_go_to_the_primary(replica, world):
    app = world["ca2"]
    replica.sync()
    replica.pause()
    seen = {}

    def view(request):
        seen["before"] = Application.objects.get(pk=app.pk).title
        Application.objects.filter(pk=app.pk).update(title="Renamed while lagging")
        seen["after"] = Application.objects.get(pk=app.pk).title
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    response = ReplicaPinMiddleware(view)(request)
    assert seen == {"before": "Lonely invention", "after": "Renamed while lagging"}
    assert PIN_COOKIE in response.cookies  # and this person's next pages read the primary
    # Posts never read the replica, even before they write.
    seen.clear()
    ReplicaPinMiddleware(view)(RequestFactory().post("/"))
    assert seen["before"] == "Renamed while lagging"


def test_the_environment_alone_adds_the_replica_and_its_router():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://case@db.example:5432/case",
        "DATABASE_REPLICA_URL": "postgres://case_ro@replica.example:5433/case",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "r = s.DATABASES['replica']; print(r['HOST'], r['PORT'], r['USER'], s.DATABASE_ROUTERS)"
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "case_portal.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[:3] == ["replica.example", "5433", "case_ro"]
    assert "case_portal.db_router.ReplicaRouter" in out[3]
    env.pop("DATABASE_REPLICA_URL")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(list(s.DATABASES), s.DATABASE_ROUTERS)"
    )
    alone = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "case_portal.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert alone.strip() == "['default'] []"


def client_class_for(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("report.pdf", report_pdf_bytes("Lagging replica"), "application/pdf")
