import datetime as dt
import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login, logout, open_menu

pytestmark = [pytest.mark.e2e]


def _family_with_foreign_reports():
    from dossiers.services.applications import PriorityIn, application_upsert
    from offices.models import Office
    from tests.dossiers.factories import DocumentFactory

    office = {o.code: o for o in Office.objects.filter(code__in=["CA", "AU", "US"])}
    prio = [PriorityIn("US", "US 17/555,123", dt.date(2021, 6, 1))]
    us = application_upsert(office=office["US"], number="US 17/555,123", published=True)
    au = application_upsert(
        office=office["AU"], number="AU 2022201234", priorities=prio, published=True
    )
    application_upsert(office=office["CA"], number="CA 3,100,001", priorities=prio)
    application_upsert(office=office["CA"], number="CA 3,100,002")
    for app, category, day in [
        (us, "search_report", dt.date(2022, 1, 5)),
        (us, "office_action", dt.date(2023, 3, 9)),
        (au, "search_report", dt.date(2022, 8, 1)),
    ]:
        DocumentFactory(application=app, category=category, date=day)


@pytest.mark.xdist_group("celery-redis")  # see tests/dossiers/test_packages.py
def test_clerk_uploads_a_csv_sees_the_bad_line_builds_and_downloads_the_package(page, demo, shot):
    from celery.contrib.testing.worker import start_worker

    from case_portal.celery import app

    _family_with_foreign_reports()
    csv_bytes = (
        "\ufeffApplication number;Examination date\r\n"
        "CA 3,100,001;01/12/2026\r\n"
        "CA 31;01/12/2026\r\n"
        "3100002;2026-12-15\r\n"
    ).encode()

    login(page, "clerk@ca.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Worklists").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Worklists")
    page.get_by_label("Name").fill("December examinations")
    # The empty template first: refused on the file field, the name kept.
    page.get_by_label("CSV file").set_input_files(
        {"name": "template.csv", "mimeType": "text/csv", "buffer": csv_bytes.splitlines()[0]}
    )
    page.get_by_role("button", name="Create worklist").click()
    expect(page.get_by_text("The file holds no lines to add, only the header")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("December examinations")
    shot(page, "worklist-00-header-only")
    page.get_by_label("CSV file").set_input_files(
        {"name": "december.csv", "mimeType": "text/csv", "buffer": csv_bytes}
    )
    page.get_by_label("Day first").check()
    shot(page, "worklist-01-new")
    page.get_by_role("button", name="Create worklist").click()

    rejected = page.get_by_test_id("rejected")
    expect(rejected).to_contain_text("1 line not added")
    expect(rejected.get_by_role("row").nth(1)).to_contain_text("3")
    expect(rejected).to_contain_text("Invalid number")
    expect(rejected).to_contain_text("CA 31")
    expect(page.get_by_label("Or paste lines")).to_have_value("CA 31;01/12/2026")
    entries = page.get_by_test_id("entries")
    expect(
        entries.get_by_test_id("entry-CA3100001").get_by_label("Examination date of CA 3,100,001")
    ).to_have_value("2026-12-01")
    expect(entries.get_by_test_id("entry-CA3100001")).to_contain_text("1 search report")
    expect(entries.get_by_test_id("entry-CA3100002")).to_contain_text("Nothing shared")
    shot(page, "worklist-02-bad-line")

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        page.get_by_role("button", name="Build package").click()
        row = page.get_by_test_id("packages").get_by_role("row").nth(1)
        expect(row.get_by_role("progressbar")).to_have_attribute("value", "100", timeout=30_000)
        expect(row).to_contain_text("100 % — 3 of 3 documents")
        expect(row).to_contain_text("Ready")
        expect(row.get_by_role("button", name="Try again")).to_be_hidden()
    shot(page, "worklist-03-package-ready")

    with page.expect_download() as info:
        row.get_by_role("link", name="Download ZIP").click()
    download = info.value
    assert download.suggested_filename.endswith(".zip")
    zf = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    names = set(zf.namelist())
    assert {"index.pdf", "manifest.csv"} <= names
    assert "CA3100001/AU2022201234_AU_search-report_2022-08-01.pdf" in names

    # Back on the page, nothing is new any more: all three were delivered.
    page.reload()
    expect(page.get_by_test_id("entry-CA3100001")).not_to_contain_text("not yet in a package")
    expect(page.get_by_test_id("entry-CA3100001")).to_contain_text("✓ Ready")
    shot(page, "worklist-04-after-download")


def _package_zip(page, package) -> zipfile.ZipFile:
    """Download the package from its row, as the clerk does, and open the ZIP."""
    with page.expect_download() as info:
        page.get_by_test_id(f"package-{package.pk}").get_by_role(
            "link", name="Download ZIP"
        ).click()
    return zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115


def _au_family_due_today():
    """An AU application whose family holds US reports with a citation, one whose family holds
    nothing yet (a JP member), and one alone; examination dates relative to today."""
    from django.utils import timezone

    from dossiers.models import Citation
    from dossiers.services.applications import PriorityIn, application_upsert
    from offices.models import Office
    from tests.dossiers.factories import DocumentFactory

    office = {o.code: o for o in Office.objects.filter(code__in=["AU", "US", "JP"])}
    prio = [PriorityIn("US", "US 13/926,335", dt.date(2013, 6, 26))]
    us = application_upsert(office=office["US"], number="US 13/926,335", published=True)
    application_upsert(office=office["AU"], number="AU 2013315519", priorities=prio)
    prio_jp = [PriorityIn("JP", "JP 2013-123456", dt.date(2013, 3, 1))]
    application_upsert(
        office=office["JP"],
        number="JP 2013-123456",
        published=True,
        filing_date=dt.date(2013, 3, 1),
    )
    application_upsert(office=office["AU"], number="AU 2013315520", priorities=prio_jp)
    application_upsert(office=office["AU"], number="AU 2013315521")
    sr = DocumentFactory(application=us, category="search_report", date=dt.date(2014, 2, 1))
    DocumentFactory(application=us, category="office_action", date=dt.date(2015, 1, 9))
    Citation.objects.create(
        document=sr, cited_key="US8131731", cited_display="US 8,131,731 B2", category="X"
    )
    lead = office["AU"].package_lead_days
    return timezone.localdate() + dt.timedelta(days=lead)


def _refused_lines_read_at(page, width, artifact_dir, language):
    """The refused lines' table: a table on a wide screen; on a phone each line is a card whose
    typed text and reason get the card's whole width (as a table the number took a third)."""
    table = page.get_by_test_id("rejected").get_by_role("table")
    table.scroll_into_view_if_needed()
    table.screenshot(
        path=str(artifact_dir("screenshots") / f"refused-lines-{language}-{width}.png")
    )
    row = table.locator("tbody tr").first
    line, typed, reason = (row.get_by_role("cell").nth(i) for i in range(3))
    if width >= 1280:
        assert table.get_by_role("columnheader").first.is_visible()
        assert line.bounding_box()["width"] < reason.bounding_box()["width"] / 3
    else:
        card = row.bounding_box()["width"]
        assert card >= width - 100
        for cell in (line, typed, reason):
            assert cell.bounding_box()["width"] >= card - 30
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.xdist_group("celery-redis")  # see tests/dossiers/test_packages.py
@pytest.mark.parametrize("width", [1280, 390])
def test_au_clerk_pastes_a_messy_list_fixes_a_date_and_reads_the_built_packages_index(
    page, demo_people, shot, tmp_path, width, artifact_dir
):
    import subprocess

    from celery.contrib.testing.worker import start_worker

    from case_portal.celery import app
    from dossiers.services import packages

    page.set_viewport_size({"width": width, "height": 860})
    due = _au_family_due_today()
    later = due + dt.timedelta(days=30)
    messy = "\n".join(
        [
            f"AU2013315519 {due:%Y-%m-%d}",  # space-separated
            f"AU 2013315520;{due:%d.%m.%Y}",  # dotted, day first
            f"AU2013315519\t{due:%Y-%m-%d}",  # the same again, tab: merged
            "AU 2013315521, 03/04/2027",  # reads two ways: asked
        ]
    )
    login(page, "clerk@au.demo")
    page.goto("/worklists/")
    page.get_by_label("Name").fill("Examinations")
    page.get_by_label("Or paste lines").fill("Application number; Examination date\n")
    page.get_by_role("button", name="Create worklist").click()
    expect(
        page.get_by_text(
            "The pasted text holds no lines to add, only the header "
            "‘Application number; Examination date’."
        )
    ).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Examinations")
    shot(page, f"au-worklist-00-header-only-{width}")
    page.get_by_label("Or paste lines").fill(messy)
    shot(page, f"au-worklist-01-paste-{width}")
    page.get_by_role("button", name="Create worklist").click()

    expect(page.get_by_text("1 line named an application already on the list")).to_be_visible()
    rejected = page.get_by_test_id("rejected")
    expect(rejected).to_contain_text("Which date?")
    expect(rejected).to_contain_text("3 April 2027 day-first or 4 March 2027 month-first")
    entries = page.get_by_test_id("entries")
    first = entries.get_by_test_id("entry-AU2013315519")
    expect(first.get_by_test_id("schedule")).to_contain_text("Due now: built within minutes")
    expect(first).to_contain_text("1 search report")
    second = entries.get_by_test_id("entry-AU2013315520")
    expect(second).to_contain_text("Nothing shared")
    shot(page, f"au-worklist-02-rejected-{width}")
    _refused_lines_read_at(page, width, artifact_dir, "en")
    # French words are longer: the same table, the same fit; then back to English.
    open_menu(page)
    page.get_by_test_id("language-switch").get_by_role("button", name="Français").click()
    expect(page.get_by_test_id("rejected")).to_contain_text("Quelle date\u202f?")
    _refused_lines_read_at(page, width, artifact_dir, "fr")
    open_menu(page)
    page.get_by_test_id("language-switch").get_by_role("button", name="English").click()
    expect(rejected).to_contain_text("Which date?")

    # The ambiguous line: say how dates are written and send it again.
    rejected.get_by_label("Day first").check()
    rejected.get_by_role("button", name="Add these lines").click()
    expect(page.get_by_test_id("rejected")).to_have_count(0)
    third = page.get_by_test_id("entry-AU2013315521")
    expect(third.get_by_label("Examination date of AU 2013315521")).to_have_value("2027-04-03")

    # Fix one date in place: the second application's examination moves a month later.
    box = second.get_by_label("Examination date of AU 2013315520")
    box.fill(f"{later:%d/%m/%Y}")
    second.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"AU 2013315520: examination {later:%Y-%m-%d}.")).to_be_visible()
    expect(second.get_by_test_id("schedule")).to_contain_text(
        f"Package on {due + dt.timedelta(days=30 - 14):%Y-%m-%d}, 14 days before examination."
    )
    # Nothing shared in its family: one action asks the JP office, shown until answered.
    second.get_by_role("button", name="Request reports for AU 2013315520 from JP").click()
    expect(page.get_by_text("Reports requested for JP 2013-123456")).to_be_visible()
    expect(second).to_contain_text("since")
    shot(page, f"au-worklist-03-scheduled-{width}")

    # Beat's scheduling run finds the due package; a worker builds it.
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        [package] = packages.packages_schedule()
        page.reload()
        row = page.get_by_test_id(f"package-{package.pk}")
        expect(row).to_contain_text("Ready", timeout=30_000)
    page.reload()
    expect(first).to_contain_text("✓ Ready")
    expect(first.get_by_test_id("schedule")).to_contain_text(f"In package {package.pk}")
    shot(page, f"au-worklist-04-built-{width}")

    zf = _package_zip(page, package)
    index = tmp_path / "index.pdf"
    index.write_bytes(zf.read("index.pdf"))
    folder = artifact_dir("worklist-index")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", str(index), str(folder / f"au-index-{width}")],
        check=True,
    )
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(index)).pages).split())
    assert f"Examination: {due:%Y-%m-%d}" in text
    assert "US 8,131,731 B2" in text and "US: X" in text

    # The US withdraws a report the package delivered: the package is flagged, the clerk told,
    # and a new download leaves the report out (the package is made again at once).
    from django.utils import timezone

    from dossiers.models import Document
    from dossiers.services.documents import document_withdraw

    action = Document.objects.get(application__display="US 13/926,335", category="office_action")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        document_withdraw(document=action, reason="issued in error")
        page.reload()
        row = page.get_by_test_id(f"package-{package.pk}")
        expect(row.get_by_test_id("package-flag")).to_contain_text(
            "Contains US 13/926,335 examination report / office action of 2015-01-09 for "
            f"AU 2013315519, withdrawn on {timezone.localdate():%Y-%m-%d} because issued in "
            "error. A new download leaves it out."
        )
        expect(row).to_contain_text("Ready", timeout=30_000)
    page.reload()
    shot(page, f"au-worklist-05-flagged-{width}")
    if width == 390:  # each package is a card of labelled lines, not a table to scroll
        packages_table = page.get_by_test_id("packages")
        assert packages_table.evaluate(
            "t => t.scrollWidth <= t.parentElement.clientWidth"
            " && getComputedStyle(t.querySelector('tbody tr')).display === 'block'"
        )
    again = _package_zip(page, package)
    assert not [n for n in again.namelist() if "office-action" in n]
    assert [n for n in zf.namelist() if "office-action" in n]  # the first download had it
    open_menu(page)
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_test_id("notification-table")).to_contain_text(
        "(\u201cExaminations\u201d) contains US 13/926,335 examination report / office action "
        "of 2015-01-09 for your AU 2013315519, withdrawn on"
    )
    shot(page, f"au-worklist-06-told-{width}")
    logout(page)

    # The office admin sets the office's date order and lead time on the office's own page.
    login(page, "admin@au.demo")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Office admin").click()
    page.get_by_role("navigation", name="Office admin").get_by_role(
        "link", name="Office settings"
    ).click()
    expect(page.get_by_test_id("office-settings")).to_be_visible(timeout=30_000)
    page.get_by_label("Build packages this many days before the examination").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_have_text("Give a number of days between 1 and 90.")
    page.get_by_label("Day first").check()
    page.get_by_label("Build packages this many days before the examination").fill("10")
    shot(page, f"au-worklist-07-office-settings-{width}")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Office settings saved.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"au-worklist-08-office-settings-saved-{width}")
    logout(page)
    login(page, "clerk@au.demo")
    page.goto("/worklists/")
    expect(page.get_by_text("packaged for you 10 days before each examination")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_paste_of_many_bad_lines_lists_500_and_keeps_every_line_to_send_again(
    page, demo_people, shot, width
):
    page.set_viewport_size({"width": width, "height": 860})
    bad = "\n".join(f"ZZ {n}" for n in range(1, 621))  # 620 lines no office has
    login(page, "clerk@au.demo")
    page.goto("/worklists/")
    page.get_by_label("Name").fill("Pasted by mistake")
    page.get_by_label("Or paste lines").fill(bad)
    page.get_by_role("button", name="Create worklist").click()
    rejected = page.get_by_test_id("rejected")
    expect(page.get_by_test_id("rejected-more")).to_contain_text(
        "120 more lines are not listed here; they are in the box below with the others."
    )
    expect(rejected.get_by_role("row")).to_have_count(501)  # the header and 500 lines
    box = rejected.get_by_role("textbox").first
    assert box.input_value().count("\n") + 1 == 620  # nothing to type again
    page.get_by_test_id("rejected-more").scroll_into_view_if_needed()
    shot(page, f"worklist-rejected-more-{width}")
