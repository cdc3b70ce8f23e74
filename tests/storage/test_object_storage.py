"""Report files, packages and statistics PDFs in an S3-compatible bucket (a real moto server)."""

import datetime as dt
import io
import os
import subprocess
import sys
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from botocore.config import Config
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from dossiers.models import Document
from dossiers.services import packages, worklists
from dossiers.services.applications import application_upsert
from dossiers.services.documents import STORAGE_UNAVAILABLE, StorageUnavailable, document_add
from stats import export_builds
from stats.forms import period_from_query
from tests.dossiers.factories import DocumentFactory
from tests.dossiers.pdf_samples import report_pdf_bytes

from .conftest import keys

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("s3-server")]
ROOT = Path(__file__).resolve().parents[2]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_upload_lands_in_the_bucket_and_downloads_streamed_from_it(
    s3_server, bucket, client, examiner, world, settings
):
    doc = DocumentFactory(application=world["us"], text="Streamed from the bucket")
    assert keys(s3_server, bucket) == [doc.file.name]
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing on this host's disk
    stored = s3_server.client().get_object(Bucket=bucket, Key=doc.file.name)["Body"].read()
    assert stored.startswith(b"%PDF-") and len(stored) == doc.size

    client.force_login(examiner)
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(doc.size)
    assert response["Content-Disposition"].startswith("attachment;")
    assert _body(response) == stored
    inline = client.get(reverse("dossiers:document-content", args=[doc.pk]), {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline;") and _body(inline) == stored


def test_signed_urls_send_the_browser_to_the_bucket_after_the_access_check(
    s3_server, bucket, client, examiner, world, other_office, settings
):
    settings.S3_SIGNED_URLS = True
    doc = DocumentFactory(application=world["us"])
    secret = application_upsert(office=other_office, number="AU 2021999999", published=False)
    hidden = DocumentFactory(application=secret)
    client.force_login(examiner)

    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(s3_server.url) and "X-Amz-Signature" in url
    with urllib.request.urlopen(url) as answer:  # noqa: S310 (the loopback S3 server)
        assert answer.read() == doc.file.storage.open(doc.file.name).read()
        assert answer.headers["Content-Type"] == "application/pdf"
        assert "attachment" in answer.headers["Content-Disposition"]
    # The viewer embeds the file on our own origin: inline stays streamed, not redirected.
    inline = client.get(reverse("dossiers:document-content", args=[doc.pk]), {"inline": "1"})
    assert inline.status_code == 200
    # No access, no URL: the check comes first.
    refused = client.get(reverse("dossiers:document-content", args=[hidden.pk]))
    assert refused.status_code == 404 and "Location" not in refused
    # The bucket itself refuses an unsigned request.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{s3_server.url}/{bucket}/{doc.file.name}")  # noqa: S310


def test_signed_urls_live_as_long_as_configured(
    s3_server, bucket, client, examiner, world, settings
):
    settings.S3_SIGNED_URLS = True
    settings.S3_SIGNED_URL_SECONDS = 30
    settings.STORAGES = {**settings.STORAGES}  # the storage reads the lifetime when made
    doc = DocumentFactory(application=world["us"])
    client.force_login(examiner)
    url = client.get(reverse("dossiers:document-content", args=[doc.pk]))["Location"]
    assert "X-Amz-Expires=30&" in url
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response["Cache-Control"] == "private, no-store"


def test_each_signed_url_is_made_for_the_download_and_expires_soon(
    s3_server, bucket, client, examiner, world, settings
):
    """A link copied from the address bar stops working S3_SIGNED_URL_SECONDS after it was made
    (moto serves expired and tampered signatures alike, so refusal itself is not tested here)."""
    settings.S3_SIGNED_URLS = True
    doc = DocumentFactory(application=world["us"])
    client.force_login(examiner)
    now = dt.datetime.now(dt.UTC)
    url = client.get(reverse("dossiers:document-content", args=[doc.pk]))["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]  # the default lifetime
    signed_at = dt.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=dt.UTC
    )
    assert abs((signed_at - now).total_seconds()) < 5  # signed now, not cached from earlier


def test_with_signed_urls_a_report_gone_from_the_bucket_is_our_404_not_the_buckets(
    s3_server, bucket, client, examiner, world, settings
):
    settings.S3_SIGNED_URLS = True
    doc = DocumentFactory(application=world["us"])
    s3_server.client().delete_object(Bucket=bucket, Key=doc.file.name)
    client.force_login(examiner)
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 404 and "Location" not in response
    assert "There is nothing here" in response.content.decode()  # our page, not the bucket's XML


def test_a_report_gone_from_the_bucket_is_a_friendly_404(
    s3_server, bucket, client, examiner, world
):
    doc = DocumentFactory(application=world["us"])
    s3_server.client().delete_object(Bucket=bucket, Key=doc.file.name)
    client.force_login(examiner)
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 404
    assert b"Traceback" not in response.content
    # The download's own words, in the reader's language.
    assert "The file of this document is missing" in response.content.decode()
    examiner.language = "fr"
    examiner.save(update_fields=["language"])
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 404 and "Le fichier de ce document" in response.content.decode()


def _upload_peak(tmp_path, mib: int) -> int:
    big = tmp_path / f"big-{mib}.bin"
    with big.open("wb") as fh:
        for i in range(mib):
            fh.write(bytes([i % 256]) * (1024 * 1024))  # every MiB different
    tracemalloc.start()
    try:
        with big.open("rb") as fh:
            name = default_storage.save(f"documents/big-{mib}.bin", File(fh))
        return tracemalloc.get_traced_memory()[1], name
    finally:
        tracemalloc.stop()


def test_uploads_stream_to_the_bucket_in_parts_without_holding_the_file(
    s3_server, bucket, tmp_path
):
    small_peak, _ = _upload_peak(tmp_path, 16)
    big_peak, name = _upload_peak(tmp_path, 64)
    # Four times the file, not four times the memory: it goes up part by part.
    assert big_peak < small_peak * 1.5 + 4 * 2**20, (small_peak / 2**20, big_peak / 2**20)
    assert big_peak < 48 * 2**20
    head = s3_server.client().head_object(Bucket=bucket, Key=name)
    assert head["ContentLength"] == 64 * 1024 * 1024
    assert "-" in head["ETag"]  # a multipart upload
    got = s3_server.client().get_object(Bucket=bucket, Key=name, Range="bytes=39845888-39845891")
    assert got["Body"].read() == bytes([38]) * 4


DOWN_EN = "cannot reach its file storage right now"
DOWN_FR = "ne joint pas son stockage de fichiers"


def _storage_down(settings) -> None:
    """The bucket's endpoint moved to a port nothing listens on: the storage does not answer."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {
                **settings.STORAGES["default"]["OPTIONS"],
                "endpoint_url": "http://127.0.0.1:9",
                "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1),
            },
        },
    }


def test_storage_down_means_nothing_saved_and_a_clear_message(world, settings, s3_server, bucket):
    _storage_down(settings)
    pdf = ContentFile(report_pdf_bytes("Never stored"), name="report.pdf")
    with pytest.raises(StorageUnavailable) as refused:
        document_add(
            application=world["ca1"], file=pdf, category="search_report", date=dt.date(2026, 1, 5)
        )
    assert str(refused.value) == STORAGE_UNAVAILABLE
    assert not Document.objects.exists()


def test_packages_and_statistics_pdfs_are_built_into_and_served_from_the_bucket(
    s3_server, bucket, client, docs, world, admin_user, settings
):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01")
    package = packages.package_request(worklist=wl, user=world["clerk"])
    packages.package_build(package_id=package.pk)
    package.refresh_from_db()
    assert package.file.name in keys(s3_server, bucket)
    client.force_login(world["clerk"])
    response = client.get(reverse("dossiers:package-download", args=[package.pk]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    assert any(n.endswith(".pdf") and n.startswith("CA") for n in names), names

    form, period, metric = period_from_query({"office": "CA", "start": "2024-01", "end": "2025-12"})
    report = export_builds.report_request(
        user=admin_user, office=admin_user.office, period=period, metric=metric
    )
    export_builds.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.file.name in keys(s3_server, bucket)
    client.force_login(admin_user)
    download = client.get(reverse("stats:report-download", args=[report.pk]))
    assert download.status_code == 200 and _body(download).startswith(b"%PDF-")

    # The bucket stops answering: each download is a page that says so, not a server error.
    _storage_down(settings)
    down = client.get(reverse("stats:report-download", args=[report.pk]))
    assert down.status_code == 503 and DOWN_EN in down.content.decode()
    client.force_login(world["clerk"])
    down = client.get(reverse("dossiers:package-download", args=[package.pk]))
    assert down.status_code == 503 and DOWN_EN in down.content.decode()


@pytest.mark.django_db(transaction=True)
def test_cleanup_command_finds_and_removes_strays_in_the_bucket_by_environment_alone(
    s3_server, bucket, world
):
    kept = DocumentFactory(application=world["us"])
    client = s3_server.client()
    old = "documents/2020/01/stray-from-a-failed-upload.pdf"
    client.put_object(Bucket=bucket, Key=old, Body=b"%PDF-1.4 stray")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "AWS_"))},
        **s3_server.env(bucket),
        "DATABASE_URL": _database_url(),
    }

    def run(*args):
        return subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", "documents_cleanup", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout

    listed = run("--min-age-minutes", "0")
    assert f"stray {old}" in listed and kept.file.name not in listed
    assert "Found 1 stray file(s)" in listed
    removed = run("--delete", "--min-age-minutes", "0")
    assert f"removed {old}" in removed
    assert keys(s3_server, bucket) == [kept.file.name]
    # A young stray may still be an upload that is committing: left alone.
    client.put_object(Bucket=bucket, Key="documents/2026/young.pdf", Body=b"%PDF-")
    assert "Removed 0 stray file(s)" in run("--delete")
    assert "documents/2026/young.pdf" in keys(s3_server, bucket)


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_the_api_serves_a_report_from_the_bucket_and_a_missing_one_as_json(
    s3_server, bucket, client, world, other_office
):
    from offices.services import api_key_create

    doc = DocumentFactory(application=world["us"])
    raw = api_key_create(office=other_office, name="batch", scopes=["access"])[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT": "application/pdf"}
    response = client.get(f"/api/v1/documents/{doc.pk}/content", **auth)
    assert response.status_code == 200
    assert (
        _body(response)
        == s3_server.client().get_object(Bucket=bucket, Key=doc.file.name)["Body"].read()
    )
    s3_server.client().delete_object(Bucket=bucket, Key=doc.file.name)
    gone = client.get(f"/api/v1/documents/{doc.pk}/content", **auth)
    assert gone.status_code == 404 and gone["Content-Type"] == "application/json"
    assert "missing" in gone.json()["detail"]


@pytest.mark.parametrize("signed", [False, True])
def test_storage_down_during_a_download_is_a_503_page_that_says_so(
    s3_server, bucket, client, examiner, world, settings, signed
):
    from stats.models import UsageEvent

    settings.S3_SIGNED_URLS = signed
    doc = DocumentFactory(application=world["us"])
    client.force_login(examiner)
    before = UsageEvent.objects.count()
    _storage_down(settings)
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 503 and "Location" not in response
    page = response.content.decode()
    assert DOWN_EN in page and "Traceback" not in page
    assert response["Retry-After"]
    assert UsageEvent.objects.count() == before  # nothing was downloaded, nothing counted

    examiner.language = "fr"
    examiner.save(update_fields=["language"])
    response = client.get(reverse("dossiers:document-content", args=[doc.pk]))
    assert response.status_code == 503 and DOWN_FR in response.content.decode()


def test_storage_down_during_a_family_zip_is_the_same_503_page(
    s3_server, bucket, client, examiner, world, settings
):
    from stats.models import UsageEvent

    doc = DocumentFactory(application=world["us"])
    client.force_login(examiner)
    url = reverse("dossiers:family-documents-zip", args=[world["us"].family_id])
    ok = client.get(url, {"doc": [doc.pk]})
    assert ok.status_code == 200 and ok.streaming
    names = zipfile.ZipFile(io.BytesIO(_body(ok))).namelist()
    assert len(names) == 2 and "index.pdf" in names  # the report and the index
    before = UsageEvent.objects.count()
    _storage_down(settings)
    response = client.get(url, {"doc": [doc.pk]})
    assert response.status_code == 503 and not response.streaming
    assert DOWN_EN in response.content.decode() and response["Retry-After"]
    assert UsageEvent.objects.count() == before


def test_storage_down_through_the_api_is_a_json_503(
    s3_server, bucket, client, world, other_office, settings
):
    from offices.services import api_key_create

    doc = DocumentFactory(application=world["us"])
    raw = api_key_create(office=other_office, name="batch", scopes=["access"])[1]
    _storage_down(settings)
    response = client.get(
        f"/api/v1/documents/{doc.pk}/content",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT="application/pdf",
    )
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert DOWN_EN in response.json()["message"]
