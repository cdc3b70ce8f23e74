import datetime as dt
import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

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
    expect(entries.get_by_test_id("entry-CA3100001")).to_contain_text("2026-12-01")
    expect(entries.get_by_test_id("entry-CA3100001")).to_contain_text("1 search report")
    expect(entries.get_by_test_id("entry-CA3100002")).to_contain_text("Nothing available")
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
    expect(page.get_by_test_id("entry-CA3100001")).not_to_contain_text("new")
    shot(page, "worklist-04-after-download")
