"""Large "one PDF"s: merged by a task (eager here; tests/dossiers/test_merged_pdfs_worker.py
runs a real worker), access checked again at build time, downloads counted once."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from dossiers.models import MergedPdf
from dossiers.services import merged_pdfs
from dossiers.services.documents import document_withdraw
from stats.models import Action, UsageEvent

pytestmark = pytest.mark.django_db

SMALL = {"ONE_PDF_SYNC_MAX_DOCUMENTS": 2, "ONE_PDF_SYNC_MAX_PAGES": 600}


def _ask(client, w, **params):
    url = reverse("dossiers:family-documents-pdf", args=[w["us"].family_id])
    return client.get(url, {"all": "1", **params})


def _make(client, w, **params):
    """The large selection's page, then its "Make the PDF" button (a POST with its form)."""
    page = _ask(client, w, **params)
    assert page.status_code == 200 and "Make the PDF" in page.content.decode()
    url = reverse("dossiers:family-documents-pdf", args=[w["us"].family_id])
    return client.post(url, {"all": "1", **params})


def test_threshold_is_a_setting_on_documents_and_on_pages(family_world):
    docs = list(family_world["docs"].values())
    assert not merged_pdfs.one_pdf_is_large(docs)
    with override_settings(ONE_PDF_SYNC_MAX_DOCUMENTS=2):
        assert merged_pdfs.one_pdf_is_large(docs)
    with override_settings(ONE_PDF_SYNC_MAX_PAGES=2):
        assert merged_pdfs.one_pdf_is_large(docs)  # three one-page reports


def test_small_selection_is_still_merged_in_the_request(client, family_world):
    client.force_login(family_world["au_examiner"])
    response = _ask(client, family_world)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not MergedPdf.objects.exists()


@override_settings(**SMALL)
def test_large_selection_is_built_by_a_task_and_downloaded_with_every_page(
    client, family_world, eager_celery, django_capture_on_commit_callbacks
):
    w = family_world
    client.force_login(w["au_examiner"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _make(client, w)
    job = MergedPdf.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:merged-pdf", args=[job.pk])
    job.refresh_from_db()
    assert job.state == MergedPdf.State.READY and job.done == job.total == 3
    page = client.get(response["Location"]).content.decode()
    assert "Download PDF" in page and "3 pages of reports" in page
    status = client.get(reverse("dossiers:merged-pdf-status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["download_url"]
    got = client.get(status["download_url"])
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert f'filename="family-{w["us"].family_id}-' in got["Content-Disposition"]
    reader = PdfReader(io.BytesIO(b"".join(got.streaming_content)))
    assert len(reader.pages) == 1 + 3
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles == [
        "Contents",
        "US 13/926,335 — Search report 2014-02-01",
        "EP 13844704.0 — Search report 2014-03-01",
        "EP 13844704.0 — Written opinion 2014-03-01",
    ]


@override_settings(**SMALL)
def test_asking_again_gives_the_same_pdf_not_a_second_build(client, family_world):
    client.force_login(family_world["au_examiner"])
    first = _make(client, family_world)["Location"]
    assert _make(client, family_world)["Location"] == first
    assert MergedPdf.objects.count() == 1


@override_settings(**SMALL)
def test_looking_starts_nothing_and_only_the_forms_post_with_its_token_makes_the_pdf(
    family_world,
):
    from django.test import Client

    w = family_world
    client = Client(enforce_csrf_checks=True)
    client.force_login(w["au_examiner"])
    url = reverse("dossiers:family-documents-pdf", args=[w["us"].family_id])
    page = client.get(url, {"all": "1", "from": w["us"].pk})
    for _ in range(2):  # reload, back: still only a page
        page = client.get(url, {"all": "1", "from": w["us"].pk})
    assert page.status_code == 200 and not MergedPdf.objects.exists()
    text = page.content.decode()
    assert "This selection of 3 documents (3 pages) is too large to merge while you wait." in text
    assert client.post(url, {"all": "1"}).status_code == 403  # no token: another site's form
    assert not MergedPdf.objects.exists()
    token = page.context["csrf_token"]
    made = client.post(url, {"all": "1", "from": w["us"].pk, "csrfmiddlewaretoken": token})
    job = MergedPdf.objects.get()
    assert made["Location"] == reverse("dossiers:merged-pdf", args=[job.pk])
    assert job.total == 3 and job.heading == "Reports of the family of US 13/926,335"


def _fail_once(w, job):
    """The build fails as it would on a damaged file in storage (not a PDF); returns a function
    that puts the file right again."""
    doc = w["docs"]["ep_sr"]
    with doc.file.open("rb") as fh:
        good = fh.read()
    with doc.file.open("wb") as fh:
        fh.write(b"not a PDF at all")
    failed = merged_pdfs.merged_pdf_build(merged_pdf_id=job.pk)
    assert failed.state == MergedPdf.State.FAILED and failed.error

    def repair():
        with doc.file.open("wb") as fh:
            fh.write(good)

    return repair


def test_a_failed_pdf_offers_try_again_which_builds_the_same_pdf_once(
    client, family_world, eager_celery, django_capture_on_commit_callbacks
):
    w = family_world
    job = _queue(w, w["au_examiner"])
    repair = _fail_once(w, job)
    client.force_login(w["au_examiner"])
    page_url = reverse("dossiers:merged-pdf", args=[job.pk])
    retry_url = reverse("dossiers:merged-pdf-retry", args=[job.pk])
    page = client.get(page_url).content.decode()
    assert "Try again" in page and "The PDF could not be made" in page
    assert client.get(retry_url).status_code == 405  # a look never rebuilds
    repair()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(retry_url, follow=True)
    assert "The PDF is being made again." in again.content.decode()
    job.refresh_from_db()
    assert job.state == MergedPdf.State.READY and job.error == ""
    assert MergedPdf.objects.count() == 1 and job.done == job.total == 3
    page = client.get(page_url).content.decode()
    assert 'data-role="retry" hidden' in page and "Download PDF" in page
    # A second press (double click, another tab) changes nothing.
    with django_capture_on_commit_callbacks(execute=True) as sent:
        client.post(retry_url)
    assert not sent
    before = job.finished_at
    job.refresh_from_db()
    assert job.state == MergedPdf.State.READY and job.finished_at == before


def test_only_the_requester_can_try_again(client, family_world):
    w = family_world
    job = _queue(w, w["au_examiner"])
    _fail_once(w, job)
    client.force_login(w["ca_examiner"])
    assert client.post(reverse("dossiers:merged-pdf-retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == MergedPdf.State.FAILED


def _queue(w, user):
    docs = list(w["docs"].values())
    return merged_pdfs.merged_pdf_request(
        user=user,
        family_id=w["us"].family_id,
        documents=docs,
        heading="Reports of the family of AU 2013331234",
        title="Fluid coupling",
        file_name="family.pdf",
    )


def test_a_document_no_longer_visible_at_build_time_is_left_out_and_named_on_the_cover(
    family_world,
):
    w = family_world
    job = _queue(w, w["au_examiner"])
    document_withdraw(document=w["docs"]["ep_wo"], reason="wrong file")
    ep = w["offices"]["EP"]  # EP stops sharing with AU: its search report goes too
    ep.shares_with_all = False
    ep.save()
    job = merged_pdfs.merged_pdf_build(merged_pdf_id=job.pk)
    assert job.state == MergedPdf.State.READY and job.total == 1
    assert job.left_out == [
        "EP 13844704.0 Search report of 2014-03-01 (you can no longer see it)",
        "EP 13844704.0 Written opinion of 2014-03-01 (you can no longer see it)",
    ]
    with job.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    assert len(reader.pages) == 1 + 1
    cover = " ".join(reader.pages[0].extract_text().split())  # lines wrap
    assert "Left out of this PDF: EP 13844704.0 Search report of 2014-03-01 (you can no" in cover
    assert "EP 13844704.0 Written opinion of 2014-03-01 (you can no longer see it)" in cover
    assert "US search" in reader.pages[1].extract_text()


def test_downloads_are_counted_once_per_merged_document_as_single_downloads_are(family_world):
    w = family_world
    job = _queue(w, w["au_examiner"])
    merged_pdfs.merged_pdf_build(merged_pdf_id=job.pk)
    assert merged_pdfs.merged_pdf_build(merged_pdf_id=job.pk) is None  # a second message
    counted = UsageEvent.objects.filter(action=Action.DOCUMENT_DOWNLOAD, user=w["au_examiner"])
    assert sorted(counted.values_list("document_id", flat=True)) == sorted(
        d.pk for d in w["docs"].values()
    )
    assert {e.provider_office.code for e in counted} == {"US", "EP"}


def test_only_the_requester_sees_the_page_status_and_file(client, family_world):
    w = family_world
    job = merged_pdfs.merged_pdf_build(merged_pdf_id=_queue(w, w["au_examiner"]).pk)
    client.force_login(w["ca_examiner"])
    names = ("dossiers:merged-pdf", "dossiers:merged-pdf-status", "dossiers:merged-pdf-download")
    for name in names:
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_expired_files_are_removed_by_the_cleanup_command(client, family_world):
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.utils import timezone

    w = family_world
    job = merged_pdfs.merged_pdf_build(merged_pdf_id=_queue(w, w["au_examiner"]).pk)
    name = job.file.name
    assert default_storage.exists(name)
    MergedPdf.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("documents_cleanup", "--delete", stdout=out)
    assert "Removed 1 expired one-PDF file(s)." in out.getvalue()
    assert not default_storage.exists(name)
    client.force_login(w["au_examiner"])
    page = client.get(reverse("dossiers:merged-pdf", args=[job.pk])).content.decode()
    assert "Expired — make it again" in page
    assert client.get(reverse("dossiers:merged-pdf-download", args=[job.pk])).status_code == 404


def test_a_web_service_offices_report_is_named_as_left_out_with_where_to_read_it(family_world):
    import datetime as dt

    from dossiers.federation.contract import RemoteDocument
    from dossiers.federation.reads import FederatedDocument

    w = family_world
    remote = FederatedDocument(
        remote=RemoteDocument(
            id="r1",
            category="office_action",
            office_code="JP",
            date=dt.date(2016, 5, 17),
            language="ja",
            pages=4,
            size=1000,
            sha256="0" * 64,
        ),
        application=w["jp"],
    )
    job = merged_pdfs.merged_pdf_request(
        user=w["au_examiner"],
        family_id=w["us"].family_id,
        documents=[w["docs"]["us_sr"], remote],
        heading="Reports",
        title="",
        file_name="family.pdf",
    )
    job = merged_pdfs.merged_pdf_build(merged_pdf_id=job.pk)
    assert job.state == MergedPdf.State.READY and job.total == 1
    assert job.left_out == [
        "JP 2015-512345 Examination report / office action of 2016-05-17 (served by JP's own "
        "service; open it from the family page)"
    ]
