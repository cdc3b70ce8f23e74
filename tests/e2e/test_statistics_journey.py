import csv
import io
import re
import subprocess
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def usage(demo):
    """Six months of real-looking use between demo offices, half merged by the rollup run."""
    from offices.models import Office, User
    from stats.models import Action
    from stats.services import portal_tz, usage_record, usage_rollup

    offices = {o.code: o for o in Office.objects.all()}
    User.objects.create_user("idle@au.demo", office=offices["AU"], role="examiner")  # never used
    people = {u.email: u for u in User.objects.filter(email__endswith=".demo")}
    now = datetime.now(tz=portal_tz())
    plan = [
        ("examiner@au.demo", Action.SEARCH, None, 6),
        ("examiner@au.demo", Action.DOCUMENT_VIEW, "CA", 4),
        ("examiner@au.demo", Action.DOCUMENT_VIEW, "EP", 3),
        ("examiner@au.demo", Action.DOCUMENT_DOWNLOAD, "US", 2),
        ("clerk@au.demo", Action.UPLOAD, "AU", 1),
        ("examiner@ca.demo", Action.DOCUMENT_VIEW, "AU", 5),
        ("examiner@ca.demo", Action.DOCUMENT_DOWNLOAD, "AU", 2),
        ("examiner@gb.demo", Action.DOCUMENT_VIEW, "AU", 2),
        ("examiner@us.demo", Action.DOCUMENT_VIEW, "EP", 7),
    ]
    for month_back in range(6):
        when = now - timedelta(days=30 * month_back + 1)
        for email, action, provider, n in plan:
            for i in range(n + month_back % 3):
                usage_record(
                    action=action,
                    user=people[email],
                    provider_office=offices[provider] if provider else None,
                    application_id=1000 + i,
                    when=when,
                )
        # AU asks CA for reports twice a month; CA fulfils one of them three days later.
        for app in (2000 + month_back, 3000 + month_back):
            usage_record(
                action=Action.REQUEST_MADE,
                user=people["examiner@au.demo"],
                provider_office=offices["CA"],
                application_id=app,
                when=when - timedelta(days=3),
            )
        usage_record(
            action=Action.REQUEST_FULFILLED,
            office=offices["AU"],
            provider_office=offices["CA"],
            application_id=2000 + month_back,
            when=when,
        )
        if month_back == 3:
            usage_rollup()
    return now


PHONE = {"width": 390, "height": 844}


def _month(dt, back):
    index = dt.year * 12 + dt.month - 1 - back
    return f"{index // 12}-{index % 12 + 1:02d}"


def test_office_admin_reads_changes_period_and_downloads_statistics(
    page, usage, shot, artifact_dir
):
    login(page, "admin@au.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics — IP Australia (AU)")
    expect(page.get_by_test_id("trend-chart").get_by_role("img")).to_be_visible()
    expect(page.get_by_test_id("matrix")).to_be_visible()
    shot(page, "stats-01-admin-default")

    # The pickers show the months shown, as plain selects every browser displays.
    expect(page.get_by_label("To month")).to_have_value(_month(usage, 0))
    expect(page.get_by_label("From month")).to_have_value(_month(usage, 11))
    page.get_by_label("From month").select_option(_month(usage, 5))
    page.get_by_label("To month").select_option(_month(usage, 0))
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(f"start={_month(usage, 5)}&end={_month(usage, 0)}"))
    expect(page.get_by_label("From month")).to_have_value(_month(usage, 5))
    # Figure, 6 months, period, change vs the month before.
    expect(page.get_by_test_id("monthly-table").locator("thead th")).to_have_count(9)
    searches = page.get_by_test_id("monthly-table").get_by_role(
        "row", name="Searches (submissions)"
    )
    expect(searches.locator("td.total")).to_have_text(str(6 * 6 + 6))  # 6 + (0,1,2,0,1,2)
    requests = page.get_by_test_id("requests-matrix")
    au_ca = requests.get_by_role("row").filter(has=page.get_by_role("rowheader", name="AU"))
    # Twice a month (an ask three days before the month may fall outside), one fulfilled each.
    expect(au_ca.first.locator("td")).to_have_text([re.compile(r"^1[12]$"), "6", "0", "0", "3.0"])
    matrix = page.get_by_test_id("matrix")
    ca_row = matrix.get_by_role("row").filter(has=page.get_by_role("rowheader", name="CA"))
    expect(ca_row.locator("td").first).to_have_text("36")  # CA viewed AU's documents
    shot(page, "stats-02-admin-six-months")
    page.set_viewport_size(PHONE)
    shot(page, "stats-02b-admin-six-months-390")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_test_id("matrix-toggle").click()
    expect(
        page.get_by_role("heading", name="Office × office — documents downloaded")
    ).to_be_visible()
    shot(page, "stats-03-admin-downloads-matrix")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path()).read())))  # noqa: SIM115
    assert len(rows) == 8 and rows[-2]["month"] == "period"
    assert rows[-2]["searches"] == "42" and rows[-2]["uploads"] == "12"

    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF report").click()
    pdf_path = info.value.path()
    reader = PdfReader(pdf_path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "IP Australia (AU)" in text and "Office × office" in text
    out = artifact_dir("stats-report") / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(out)], check=True)  # noqa: S603, S607
    assert len(list(out.parent.glob("page-*.png"))) == len(reader.pages)  # each page renders

    page.get_by_role("link", name="Access log of AU's documents").click()
    expect(page.get_by_test_id("access-log")).to_contain_text("CA")
    shot(page, "stats-04-admin-access-log")

    page.get_by_role("link", name="Users of my office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users of IP Australia (AU)")
    users = page.get_by_test_id("office-users")
    expect(users.get_by_role("row", name="examiner@au.demo")).to_contain_text("Active")
    expect(users.get_by_role("row", name="idle@au.demo")).to_contain_text("Inactive in this period")
    shot(page, "stats-08-admin-users")
    page.set_viewport_size(PHONE)
    shot(page, "stats-08b-admin-users-390")
    page.get_by_role("link", name="Last year").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("accounts"))).to_be_visible()


def test_operator_switches_between_offices(page, usage, shot, eager_celery):
    login(page, "operator@case.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics — All offices")
    expect(page.get_by_test_id("by-office")).to_contain_text("BR")
    expect(page.get_by_test_id("requests-matrix")).to_contain_text("AU")
    shot(page, "stats-05-operator-all")
    page.set_viewport_size(PHONE)
    shot(page, "stats-05b-operator-all-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    with page.expect_download() as info:
        page.get_by_test_id("published").click()
    assert info.value.suggested_filename.startswith("case-published-statistics-")
    text = "\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "published monthly statistics" in text and "who asked whom" in text
    page.get_by_label("Office", exact=True).select_option("CA")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statistics — Canadian Intellectual Property Office (CA)"
    )
    shot(page, "stats-06-operator-ca")
    page.get_by_label("Office", exact=True).select_option("all")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics — All offices")

    # All offices is too large to render while the browser waits: it is prepared by a task.
    expect(page.get_by_role("link", name="Download PDF report")).to_have_count(0)
    page.get_by_role("button", name="Prepare PDF report").click()
    expect(page.get_by_role("status")).to_contain_text("Your report is being prepared")
    reports = page.get_by_test_id("reports")
    expect(reports).to_contain_text("All offices")
    name = f"statistics_ALL_{_month(usage, 11)}_{_month(usage, 0)}.pdf"
    expect(reports.get_by_role("link", name=name)).to_be_visible()
    shot(page, "stats-07-operator-report-ready")
    with page.expect_download() as info:
        reports.get_by_role("link", name=name).click()
    assert info.value.suggested_filename == name
    text = "\n".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "All offices" in text and "By office" in text
