import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.dossiers.pdf_samples import report_pdf_path
from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def au_family(demo_people):
    from dossiers.services.applications import PriorityIn, application_upsert
    from offices.models import Office

    au = application_upsert(
        office=Office.objects.get(code="AU"),
        number="AU 2013123456",
        filing_date=dt.date(2013, 5, 2),
        title="Rotary valve with ceramic seat",
        published=True,
    )
    application_upsert(
        office=Office.objects.get(code="CA"),
        number="CA 2,123,456",
        filing_date=dt.date(2014, 5, 1),
        priorities=[PriorityIn("AU", "AU 2013123456", dt.date(2013, 5, 2))],
        published=True,
    )
    return au


def pdf_path(tmp_path, name):
    return report_pdf_path(tmp_path, name)


def clerk_uploads(page, au, tmp_path, category_label):
    login(page, "clerk@au.demo")
    page.goto(f"/provide/applications/{au.pk}/documents/new/")
    page.get_by_label("PDF file(s)").set_input_files(str(pdf_path(tmp_path, "report.pdf")))
    page.get_by_label("Category").select_option(label=category_label)
    page.get_by_label("Date", exact=False).first.fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".message-success")).to_be_visible()
    page.get_by_role("button", name="Log out").click()


def test_examiner_watches_a_family_and_hears_of_a_new_report(page, au_family, shot, tmp_path):
    au = au_family
    login(page, "examiner@ca.demo")
    page.goto(f"/families/{au.family_id}/?from={au.pk}")
    page.get_by_role("button", name="Watch this family").click()
    expect(page.get_by_test_id("family-watched")).to_be_visible()
    shot(page, "notifications-01-family-watched")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Watch list").click()
    # The family watch is recorded on the examiner's own application in it.
    expect(page.get_by_test_id("watch-table")).to_contain_text("CA 2,123,456")
    expect(page.get_by_test_id("watch-table")).to_contain_text("The whole family")
    page.get_by_label("Application, publication or priority number").fill("2013123456")
    page.get_by_role("button", name="Watch", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("which office is this?")
    shot(page, "notifications-02-watch-list-error")
    page.get_by_role("button", name="Log out").click()

    clerk_uploads(page, au, tmp_path, "Search report")

    login(page, "examiner@ca.demo")
    expect(page.get_by_test_id("unread-count")).to_have_text("1 unread")
    page.get_by_test_id("notifications-link").click()
    table = page.get_by_test_id("notification-table")
    expect(table).to_contain_text("For your CA 2,123,456: AU 2013123456 search report added,")
    shot(page, "notifications-03-notification-list")
    table.get_by_role("link", name="AU 2013123456 search report added").click()
    page.wait_for_url("**/documents/**")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    shot(page, "notifications-04-opened-document")


def test_examiner_requests_documents_and_the_upload_fulfils_it(page, au_family, shot, tmp_path):
    au = au_family
    login(page, "examiner@ca.demo")
    page.goto(f"/families/{au.family_id}/?from={au.pk}")
    page.get_by_test_id("members").get_by_role(
        "link", name="Request documents for AU 2013123456"
    ).click()
    page.get_by_label("Message to the providing office").fill("Examination due in June.")
    shot(page, "notifications-05-request-form")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Open")
    page.get_by_role("button", name="Log out").click()

    login(page, "clerk@au.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_role("link", name="Incoming to AU (queue)")).to_have_attribute(
        "aria-current", "page"
    )
    shot(page, "notifications-06-queue")
    page.get_by_test_id("request-table").get_by_role("link", name="AU 2013123456").click()
    page.get_by_label("New state").select_option("examination_commenced")
    page.get_by_role("button", name="Update request").click()
    expect(page.get_by_role("alert").first).to_contain_text("Give the date")
    expected = timezone.localdate() + dt.timedelta(days=40)
    page.get_by_label("Reports expected by").fill(expected.isoformat())
    page.get_by_role("button", name="Update request").click()
    expect(page.get_by_test_id("request-state")).to_have_text(
        f"Examination commenced — reports expected by {expected:%Y-%m-%d}"
    )
    shot(page, "notifications-07-commenced")
    page.get_by_role("button", name="Log out").click()

    clerk_uploads(page, au, tmp_path, "Search report")

    login(page, "examiner@ca.demo")
    expect(page.get_by_test_id("unread-count")).to_have_text("2 unread")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_test_id("request-table")).to_contain_text("Fulfilled")
    shot(page, "notifications-08-fulfilled")
    page.get_by_test_id("request-table").get_by_role("link", name="AU 2013123456").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Fulfilled")
    expect(page.get_by_text("Examination due in June.")).to_be_visible()
