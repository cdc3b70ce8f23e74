"""A CA clerk provides an application and a search report through the forms; an AU examiner
then finds the report on the family page."""

import pytest
from playwright.sync_api import expect

from tests.dossiers.pdf_samples import CITATION, report_pdf_path
from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e]


def _report_pdf(tmp_path):
    return report_pdf_path(
        tmp_path,
        "isr-ca-3210987.pdf",
        "International search report",
        lines=("CA 3,210,987", CITATION),
    )


def test_clerk_uploads_a_report_that_an_examiner_of_another_office_finds(
    page, demo_people, shot, tmp_path
):
    from dossiers.models import Application, Document

    login(page, "clerk@ca.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    expect(page.get_by_role("heading", name="Provide CA data")).to_be_visible()
    shot(page, "provide-01-home")

    page.get_by_role("link", name="New application").first.click()
    page.get_by_label("Number").fill("3210987")
    page.get_by_label("Filing date").fill("2019-03-14")
    page.get_by_label("Title").fill("Self-aligning fluid coupling")
    page.get_by_label("Applicants").fill("Laurentian Power Systems Inc.")
    page.get_by_label("Status").select_option("examination_commenced")
    page.get_by_label("Published").check()
    page.get_by_label("Priorities").fill("US 61/712,345 2018-03-15")
    page.get_by_role("button", name="Check numbers").click()
    understood = page.get_by_test_id("understood")
    expect(understood).to_contain_text("CA 3,210,987")
    expect(understood).to_contain_text("US 61/712,345")
    assert not Application.objects.filter(key="CA3210987").exists()  # nothing saved yet
    shot(page, "provide-02-understood")

    page.get_by_role("button", name="Save CA 3,210,987").click()
    expect(page.get_by_role("heading", name="CA 3,210,987")).to_be_visible()
    expect(page.get_by_text("CA 3,210,987 saved.")).to_be_visible()

    page.get_by_role("link", name="Upload reports").click()
    page.get_by_label("PDF file(s)").set_input_files(str(_report_pdf(tmp_path)))
    page.get_by_label("Category").select_option("search_report")
    page.get_by_label("Office's document code").fill("ISR")
    page.locator("#id_date").fill("2020-01-20")
    shot(page, "provide-03-upload-form")
    page.get_by_role("button", name="Upload").click()
    table = page.get_by_test_id("provide-documents")
    expect(table).to_contain_text("Search report")
    expect(table).to_contain_text("isr-ca-3210987.pdf")
    expect(table).to_contain_text("Shared")
    shot(page, "provide-04-application")

    doc = Document.objects.get(application__key="CA3210987")
    assert doc.pages == 1 and doc.code == "ISR"
    family_id = doc.application.family_id

    page.get_by_role("button", name="Log out").click()
    login(page, "examiner@au.demo")
    # The examiner's nav has no Upload entry: AU examiners do not provide.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Upload")).to_have_count(0)
    page.goto(f"/families/{family_id}/")
    expect(page.get_by_text("CA 3,210,987").first).to_be_visible()
    expect(page.get_by_text("Search report").first).to_be_visible()
    shot(page, "provide-05-examiner-family")
    # Not a page the examiner may open (checked without loading it: a 404 logs a console error).
    assert page.request.get(f"/provide/applications/{doc.application_id}/").status == 404


@pytest.mark.parametrize("width", [1280, 390])
def test_ca_clerk_sees_every_error_of_a_form_at_once_and_a_list_that_sorts_and_filters(
    page, demo_people, shot, width
):
    from dossiers.models import Application

    page.set_viewport_size({"width": width, "height": 860})
    login(page, "clerk@ca.demo")
    page.goto("/provide/applications/new/")
    date_box = page.get_by_label("Filing date")
    expect(date_box).to_have_attribute("placeholder", "YYYY-MM-DD")
    page.get_by_label("Number").fill("2,123,45")
    date_box.fill("10/11/2013")
    page.get_by_label("Status").select_option("refused")
    page.get_by_label("Priorities").fill("GB 1218345.6 12/10/2012")
    page.get_by_label("PCT application").fill("PCT/GB13/5")
    page.get_by_role("button", name="Check numbers").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("4 fields to correct")
    for label in ["Number", "Filing date", "Priorities", "PCT application"]:
        expect(summary.get_by_role("link", name=label)).to_be_visible()
    expect(page.locator(".field.has-error")).to_have_count(4)
    expect(
        page.locator(".field.has-error").get_by_text("‘12/10/2012’ is in the wrong order")
    ).to_be_visible()
    expect(page.get_by_text("a GB number has 7 digits")).to_have_count(0)
    assert not Application.objects.exists()
    shot(page, f"provide-errors-{width}")

    # Corrected, it goes through; the list shows the status in colour and words.
    page.get_by_label("Number").fill("2,123,456")
    page.get_by_label("Filing date").fill("2013-10-11")
    page.get_by_label("Priorities").fill("GB 1218345.6 2012-10-12")
    page.get_by_label("PCT application").fill("PCT/GB2013/051234")
    page.get_by_role("button", name="Check numbers").click()
    page.get_by_role("button", name="Save CA 2,123,456").click()
    expect(page.get_by_test_id("family-link")).to_have_text("Family of GB 1218345.6")
    page.goto("/provide/")
    page.get_by_label("Status").select_option("refused")
    page.get_by_role("button", name="Show").click()
    table = page.get_by_test_id("provide-applications")
    expect(table.locator("[data-status=refused]")).to_have_text("Refused")
    expect(table).to_contain_text("Family of GB 1218345.6")
    shot(page, f"provide-list-{width}")
