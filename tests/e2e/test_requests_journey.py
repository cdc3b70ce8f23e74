"""The request loop in Chromium: an AU examiner looks at the family's results, asks CA for a
newer office action; CA's clerk sees the badge and the queue, accepts and uploads; the AU
examiner hears once, about AU's own application. At 1280 px and 390 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.dossiers.pdf_samples import report_pdf_path
from tests.e2e.helpers import login, logout, open_menu

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def family(demo_people):
    from django.core.files.base import ContentFile

    from dossiers.services.applications import PriorityIn, application_upsert
    from dossiers.services.documents import document_add
    from offices.models import Office
    from tests.dossiers.pdf_samples import report_pdf_bytes

    def member(code, number, filed):
        return application_upsert(
            office=Office.objects.get(code=code),
            number=number,
            filing_date=filed,
            priorities=[PriorityIn("US", "US 61/711,111", dt.date(2013, 10, 9))],
            published=True,
            title="Rotary valve with ceramic seat",
        )

    au = member("AU", "AU 2014351899", dt.date(2014, 10, 9))
    ca = member("CA", "CA 2,827,121", dt.date(2014, 10, 8))
    ep = member("EP", "EP13844704", dt.date(2014, 10, 7))
    for app, category, date in [
        (ep, "search_report", dt.date(2016, 3, 30)),
        (ca, "office_action", dt.date(2015, 5, 19)),
    ]:
        document_add(
            application=app,
            file=ContentFile(report_pdf_bytes(f"{app.display} {category}"), name="r.pdf"),
            category=category,
            date=date,
        )
    assert au.family_id == ca.family_id == ep.family_id
    return au, ca


@pytest.mark.parametrize("width", [1280, 390])
def test_au_asks_ca_for_a_newer_office_action_and_hears_once_about_its_own_case(
    page, family, shot, tmp_path, width
):
    au, ca = family
    page.set_viewport_size({"width": width, "height": 900})
    needed = timezone.localdate() + dt.timedelta(days=30)
    expected = timezone.localdate() + dt.timedelta(days=10)

    # AU's examiner watches the family, then asks CA although CA has an older office action.
    login(page, "examiner@au.demo")
    page.goto(f"/families/{au.family_id}/?from={au.pk}")
    page.get_by_role("button", name="Watch this family").click()
    expect(page.get_by_test_id("family-watched")).to_be_visible()
    page.get_by_role("link", name="Ask for more for CA 2,827,121").click()
    elsewhere = page.get_by_test_id("family-elsewhere")
    expect(elsewhere).to_contain_text("EP search report 2016-03-30")
    page.get_by_label("What you need").select_option(label="Latest office action")
    expect(page.get_by_label("For your application")).to_have_value(str(au.pk))
    page.get_by_label("Needed by").fill(needed.isoformat())
    page.get_by_label("Message to the providing office").fill("Our examination is next month.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert").first).to_contain_text("confirm that you still need")
    shot(page, f"requests-{width}-01-family-first")
    page.get_by_label("I have looked at what the family already holds").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_test_id("request-wanted")).to_have_text("Latest office action")
    expect(page.get_by_test_id("request-needed-by")).to_contain_text(f"{needed:%Y-%m-%d}")
    shot(page, f"requests-{width}-02-requested")
    logout(page)

    # CA's clerk: the badge, the queue with message and date; accepts; uploads.
    login(page, "clerk@ca.demo")
    expect(page.get_by_test_id("requests-badge")).to_contain_text("1")
    shot(page, f"requests-{width}-03-badge")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    table = page.get_by_test_id("request-table")
    expect(table).to_contain_text("AU 2014351899")
    expect(table).to_contain_text("Our examination is next month.")
    expect(table).to_contain_text(f"{needed:%Y-%m-%d}")
    expect(table).to_contain_text("Latest office action")
    # The queue fits the screen: at phone width each request is a card, no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"requests-{width}-04-queue")
    table.get_by_role("link", name="CA 2,827,121").click()
    page.get_by_label("New state").select_option(label="Accept")
    page.get_by_label("Reports expected by").fill(expected.isoformat())
    page.get_by_role("button", name="Update request").click()
    expect(page.get_by_test_id("request-state")).to_have_text(
        f"Accepted — reports expected by {expected:%Y-%m-%d}"
    )
    shot(page, f"requests-{width}-05-accepted")
    page.get_by_role("link", name="upload it").click()
    page.get_by_label("PDF file(s)").set_input_files(str(report_pdf_path(tmp_path, "oa.pdf")))
    page.get_by_label("Category").select_option(label="Examination report / office action")
    page.get_by_label("Date", exact=False).first.fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".message-success")).to_be_visible()
    logout(page)

    # AU's examiner: one notification for the upload (watch and request together), naming AU's.
    login(page, "examiner@au.demo")
    open_menu(page)
    page.get_by_test_id("notifications-link").click()
    table = page.get_by_test_id("notification-table")
    upload_notes = table.locator("tr", has_text="office action added")
    expect(upload_notes).to_have_count(1)
    expect(upload_notes).to_contain_text(
        f"For your AU 2014351899: CA 2,827,121 examination report / office action added, "
        f"{timezone.localdate():%Y-%m-%d} — your request is fulfilled"
    )
    expect(table).to_contain_text("For your AU 2014351899: request for CA 2,827,121 (CA): Accepted")
    shot(page, f"requests-{width}-06-one-notification")

    # From the header menu, the examiner chooses one daily digest for every notification.
    open_menu(page)
    page.get_by_test_id("settings-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    page.get_by_label("One daily digest e-mail").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved: One daily digest e-mail")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"requests-{width}-07-settings")
    from notifications.models import Preference

    assert Preference.objects.get(user__email="examiner@au.demo").delivery == "digest"
