import datetime as dt

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

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

    page.get_by_role("link", name="View Search report of 2014-03-01").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search report of EP 13844704.0")
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true")
    expect(viewer.get_by_role("img", name="Page 1 of 1")).to_be_visible()
    expect(viewer).to_contain_text("1 page")
    shot(page, "examiner-03-viewer")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename == "EP13844704.0_EP_search-report_2014-03-01.pdf"
    path = download.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
