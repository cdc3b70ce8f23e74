"""A large one PDF through the real machinery: a redis-server and a `celery worker` subprocess
build it from the queue, and the examiner downloads every page of it."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from dossiers.models import MergedPdf
from dossiers.services.documents import document_add
from tests.celery_fixtures import RedisServer, Worker, point_celery_at
from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.support import wait_for


@pytest.mark.xdist_group("celery-redis")
@pytest.mark.django_db(transaction=True)
@override_settings(ONE_PDF_SYNC_MAX_PAGES=20)
def test_a_real_worker_builds_a_large_one_pdf_that_the_examiner_downloads(
    client, family_world, tmp_path, real_celery, monkeypatch, settings, smtp_server
):
    w = family_world
    long = document_add(
        application=w["ep"],
        file=ContentFile(report_pdf_bytes("EP examination", pages=25), name="long.pdf"),
        category="office_action",
        date=dt.date(2015, 6, 1),
    )
    assert long.pages == 25
    _inbox, smtp_port = smtp_server
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))  # the worker writes where we read
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "worker.log")
    real_celery.insert(0, worker)

    client.force_login(w["au_examiner"])
    url = reverse("dossiers:family-documents-pdf", args=[w["us"].family_id])
    assert "Make the PDF" in client.get(url, {"all": "1"}).content.decode()
    asked = client.post(url, {"all": "1"})
    job = MergedPdf.objects.get()
    assert asked["Location"] == reverse("dossiers:merged-pdf", args=[job.pk])
    wait_for(lambda: MergedPdf.objects.get(pk=job.pk).state in ("ready", "failed"), 60, "build")
    job.refresh_from_db()
    assert job.state == "ready", job.error
    assert job.done == job.total == 4 and job.pages == 1 + 1 + 1 + 25

    status = client.get(reverse("dossiers:merged-pdf-status", args=[job.pk])).json()
    got = client.get(status["download_url"])
    reader = PdfReader(io.BytesIO(b"".join(got.streaming_content)))
    assert len(reader.pages) == 1 + 28  # the cover, then every page of every report
    assert "EP examination" in reader.pages[-1].extract_text()
    worker.wait_idle()
