import datetime as dt
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def pct_family(demo_people):
    """A US first filing, its PCT application and EP/AU national phases, with reports."""
    from dossiers.models import Citation
    from dossiers.services.applications import PriorityIn, application_upsert
    from dossiers.services.documents import document_add
    from offices.models import Office

    o = {c: Office.objects.get(code=c) for c in ["US", "EP", "AU"]}
    prio = [PriorityIn("US", "US 13/926,335", dt.date(2013, 6, 26))]
    us = application_upsert(
        office=o["US"],
        number="US 13/926,335",
        filing_date=dt.date(2013, 6, 26),
        title="Self-aligning fluid coupling",
        applicants=["Acme Fluidics Inc."],
        published=True,
    )
    ep = application_upsert(
        office=o["EP"],
        number="EP13844704",
        filing_date=dt.date(2013, 10, 10),
        priorities=prio,
        pct="PCT/US2013/064552",
        published=True,
        title="Self-aligning fluid coupling",
    )
    application_upsert(
        office=o["AU"],
        number="AU 2013331234",
        filing_date=dt.date(2015, 4, 2),
        priorities=prio,
        pct="PCT/US2013/064552",
        published=True,
    )

    sr = document_add(
        application=ep,
        file=ContentFile(report_pdf_bytes("European search report"), name="a.pdf"),
        category="search_report",
        date=dt.date(2014, 3, 1),
        code="EPO Form 1503",
    )
    document_add(
        application=us,
        file=ContentFile(report_pdf_bytes("Non-final rejection"), name="b.pdf"),
        category="office_action",
        date=dt.date(2014, 9, 1),
        code="CTNF",
    )
    Citation.objects.create(
        document=sr,
        cited_key="US8131731",
        cited_display="US 8,131,731 B2",
        category="X",
        claims="1-5",
    )
    return ep


def test_examiner_pastes_three_spellings_opens_the_family_views_and_downloads_a_report(
    page, pct_family, shot
):
    login(page, "examiner@au.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Application, publication or priority numbers").fill(
        "US 13/926,335\nWO2013US64552\nEP.13844704.A\nnot-a-number"
    )
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("results")
    expect(results.locator("tbody tr")).to_have_count(4)
    expect(results).to_contain_text("PCT/US2013/064552")
    expect(results).to_contain_text("EP 13844704.0")
    expect(results.locator("tbody tr").nth(3)).to_contain_text("Not a valid number")
    shot(page, "examiner-01-search-results")

    results.get_by_role("link", name="Family of EP 13844704.0").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family of EP 13844704.0")
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li")).to_have_count(3)
    expect(timeline.locator("li").first).to_contain_text("US 13/926,335")
    expect(page.get_by_test_id("citations")).to_contain_text("US 8,131,731 B2")
    shot(page, "examiner-02-family")

    page.get_by_role("link", name="View Search report of EP 13844704.0, 2014-03-01").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search report of EP 13844704.0")
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true")
    expect(viewer.get_by_role("region", name="Page 1 of 1")).to_be_visible()
    expect(viewer).to_contain_text("1 page")
    shot(page, "examiner-03-viewer")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename == "EP13844704.0_EP_search-report_2014-03-01.pdf"
    path = download.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"


@pytest.fixture
def opinion_family(pct_family):
    """pct_family plus a two-page written opinion at the EPO with a word to find on page 2."""
    from dossiers.services.documents import document_add

    document_add(
        application=pct_family,
        file=ContentFile(
            report_pdf_bytes(
                "European search opinion",
                lines=("The claimed coupling lacks novelty over D1.", "Rotameter"),
                pages=2,
            ),
            name="wo.pdf",
        ),
        category="written_opinion",
        date=dt.date(2014, 3, 2),
        code="EPO Form 1703",
    )
    return pct_family


def test_examiner_filters_downloads_all_reads_finds_and_prints_every_page(
    page, opinion_family, shot
):
    login(page, "examiner@au.demo")
    page.goto(f"/families/{opinion_family.family_id}/?from={opinion_family.pk}")
    docs = page.get_by_test_id("documents")
    expect(docs.locator("tbody tr")).to_have_count(3)
    # Codes are explained in words, with the code beside them.
    expect(docs).to_contain_text("Non-final rejection CTNF")
    expect(docs).to_contain_text("European search opinion EPO Form 1703")
    filters = page.get_by_test_id("doc-filters")
    filters.get_by_label("Office").select_option("EP")
    filters.get_by_role("button", name="Filter").click()
    expect(docs.locator("tbody tr")).to_have_count(2)
    assert "office=EP" in page.url  # the filter is kept in the URL
    shot(page, "examiner-10-family-filtered")

    with page.expect_download() as info:
        page.get_by_test_id("download-all").click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    names = sorted(archive.namelist())
    assert names == [
        "EP 13844704.0/Search report 2014-03-01 EPO Form 1503.pdf",
        "EP 13844704.0/Written opinion 2014-03-02 EPO Form 1703.pdf",
        "index.pdf",
    ]
    assert archive.testzip() is None

    page.get_by_role("link", name="View Written opinion of EP 13844704.0, 2014-03-02").click()
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true")
    expect(viewer.locator(".pdf-page")).to_have_count(2)
    expect(viewer.locator(".pdf-page").first.locator(".textLayer span").first).to_be_attached()
    # The text is text: select-and-copy and find work on it.
    expect(viewer.locator(".textLayer").first).to_contain_text("claimed coupling lacks novelty")
    page.keyboard.press("Control+f")
    expect(viewer.locator(".pdf-find")).to_be_focused()
    page.keyboard.type("rotameter")
    page.keyboard.press("Enter")
    expect(viewer.locator(".pdf-status")).to_contain_text("Match 1 of 2 (page 1)")
    page.keyboard.press("Enter")
    expect(viewer.locator(".pdf-status")).to_contain_text("Match 2 of 2 (page 2)")
    expect(viewer.locator(".textLayer .highlight.selected")).to_contain_text("Rotameter")
    viewer.get_by_label("Zoom", exact=True).select_option("1.5")
    expect(viewer.locator(".pdf-page").first).to_have_attribute("data-rendered", "true")
    page.get_by_role("link", name="Previous document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search report")
    page.get_by_role("link", name="Next document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Written opinion")
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true")
    shot(page, "examiner-11-reader")

    # Print every page: the browser's own print of the screen gave one cut-off page.
    page.evaluate("window.print = () => { window.__printed = true; }")
    viewer.get_by_role("button", name="Print").click()
    expect(viewer).to_have_attribute("data-print-ready", "2")
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    printed = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(printed.pages) == 2
    page.emulate_media(media="screen")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("pdf-viewer")).to_have_attribute("data-rendered", "true")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "examiner-12-reader-phone")
    page.goto(f"/families/{opinion_family.family_id}/?from={opinion_family.pk}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "examiner-13-family-phone")


@pytest.mark.xdist_group("celery-redis")  # see tests/dossiers/test_packages.py
def test_examiner_selects_many_gets_one_large_pdf_built_with_progress_and_downloads_it(
    page, opinion_family, shot, settings, tmp_path, real_celery, monkeypatch, smtp_server
):
    from tests.celery_fixtures import RedisServer, Worker, point_celery_at

    settings.ONE_PDF_SYNC_MAX_PAGES = 3  # the family's four pages count as large here
    redis = RedisServer(tmp_path)  # a private broker: no other test's worker takes the build
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))

    login(page, "examiner@au.demo")
    page.goto(f"/families/{opinion_family.family_id}/?from={opinion_family.pk}")
    page.get_by_label("Select every document shown").check()
    page.get_by_role("button", name="Selected as one PDF").click()
    expect(page.get_by_test_id("merged-pdf-confirm")).to_contain_text("3 documents (4 pages)")
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One PDF")
    job = page.get_by_test_id("merged-pdf")
    # No worker yet: the examiner sees it queued, then the page follows the build by itself.
    expect(job).to_contain_text("Queued")
    expect(job).to_contain_text("0 % — 0 of 3 documents")
    expect(job.get_by_role("link", name="Download PDF")).to_be_hidden()
    shot(page, "examiner-20-one-pdf-queued")

    _inbox, smtp_port = smtp_server
    real_celery.insert(0, Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "w.log"))
    expect(job.get_by_role("progressbar")).to_have_attribute("value", "100", timeout=60_000)
    expect(job).to_contain_text("100 % — 3 of 3 documents")
    expect(job).to_contain_text("Ready")
    shot(page, "examiner-21-one-pdf-ready")

    with page.expect_download() as info:
        job.get_by_role("link", name="Download PDF").click()
    assert info.value.suggested_filename.startswith(f"family-{opinion_family.family_id}-")
    reader = PdfReader(info.value.path())
    assert len(reader.pages) == 1 + 1 + 1 + 2  # the cover, then every page of every report
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles == [
        "Contents",
        "EP 13844704.0 — Search report 2014-03-01",
        "EP 13844704.0 — Written opinion 2014-03-02",
        "US 13/926,335 — Examination report / office action 2014-09-01",
    ]
    assert "Rotameter" in reader.pages[3].extract_text()  # the opinion's second page
    assert "Non-final rejection" in reader.pages[4].extract_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("merged-pdf")).to_contain_text("Ready")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "examiner-22-one-pdf-phone")


def test_a_failed_one_pdf_says_so_and_try_again_makes_the_same_pdf(
    page, opinion_family, shot, settings, broker_down
):
    """No worker here: the builds run in the test, as the worker would after the sweep sends
    them again (the broker is down, as the page must not care)."""
    from dossiers.models import Document, MergedPdf
    from dossiers.services import merged_pdfs

    settings.ONE_PDF_SYNC_MAX_PAGES = 3
    login(page, "examiner@au.demo")
    page.goto(f"/families/{opinion_family.family_id}/?from={opinion_family.pk}")
    page.get_by_label("Select every document shown").check()
    page.get_by_role("button", name="Selected as one PDF").click()
    confirm = page.get_by_test_id("merged-pdf-confirm")
    expect(confirm).to_contain_text("too large to merge while you wait")
    assert not MergedPdf.objects.exists()  # looking at it started nothing
    shot(page, "examiner-23-one-pdf-confirm")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "examiner-23-one-pdf-confirm-phone")
    page.set_viewport_size({"width": 1280, "height": 860})
    confirm.get_by_role("button", name="Make the PDF").click()
    job = page.get_by_test_id("merged-pdf")
    expect(job).to_contain_text("Queued")
    retry = job.get_by_role("button", name="Try again")
    expect(retry).to_be_hidden()

    # The build meets a report damaged in storage and fails; the page hears it by itself.
    report = Document.objects.get(application=opinion_family, category="search_report")
    with report.file.open("rb") as fh:
        good = fh.read()
    with report.file.open("wb") as fh:
        fh.write(b"not a PDF")
    built = MergedPdf.objects.get()
    assert merged_pdfs.merged_pdf_build(merged_pdf_id=built.pk).state == "failed"
    expect(job).to_contain_text("Failed", timeout=10_000)
    expect(job).to_contain_text("The PDF could not be made")
    expect(retry).to_be_visible()
    shot(page, "examiner-24-one-pdf-failed")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(retry).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "examiner-25-one-pdf-failed-phone")

    with report.file.open("wb") as fh:
        fh.write(good)
    retry.click()
    expect(page.get_by_text("The PDF is being made again.")).to_be_visible()
    expect(job).to_contain_text("Queued")
    assert merged_pdfs.merged_pdf_build(merged_pdf_id=built.pk).state == "ready"
    expect(job).to_contain_text("Ready", timeout=10_000)
    expect(job.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(retry).to_be_hidden()
    assert MergedPdf.objects.count() == 1
    shot(page, "examiner-26-one-pdf-ready-after-retry-phone")
