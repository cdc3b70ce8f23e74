"""An examiner pastes a long list of numbers, in every spelling the trade uses, into the home
page box, presses Enter and gets one result page; Shift+Enter, focus and permalinks; 390 px too."""

import re

import pytest
from playwright.sync_api import expect

from tests.dossiers.real_families import OFFICE_CODES, SPELLINGS, families_load
from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e]

REAL = [(family, s) for family, spellings in SPELLINGS.items() for s in spellings]


@pytest.fixture
def real_families(demo_people):
    from offices.models import Office

    offices = {
        code: Office.objects.get_or_create(code=code, defaults={"name": f"Office {code}"})[0]
        for code in OFFICE_CODES
    }
    return families_load(offices)


def _pasted_list() -> list[str]:
    """300 lines: every real spelling, numbers nobody shared, and a few that are no numbers."""
    lines = [s for _f, s in REAL]
    lines += ["not a number", "XX 123", "EP 99123456"]
    n = 0
    while len(lines) < 300:
        lines.append(f"CA {2_100_000 + n:,}")
        n += 1
    return lines


def _screen(page, artifact_dir, name: str) -> None:
    """The first screen only: a full-page shot of 300 result lines is too tall for Chromium."""
    page.screenshot(path=str(artifact_dir("screenshots") / f"{name}.png"))


def _rows(page) -> list[tuple[str, str]]:
    """(typed, href of the first family link or "") for every result line."""
    return page.eval_on_selector_all(
        "[data-testid=results] tbody tr",
        """rows => rows.map(r => [r.cells[0].innerText.trim(),
                   (r.cells[2].querySelector('a[href^="/families/"]') || {href: ''}).href])""",
    )


def test_examiner_pastes_300_numbers_in_the_home_box_presses_enter_and_gets_one_page(
    page, real_families, shot, artifact_dir
):
    login(page, "examiner@ep.demo")
    page.goto("/")
    box = page.get_by_label("Application, publication or priority number")
    expect(box).to_be_focused()
    lines = _pasted_list()
    box.fill("\n".join(lines))
    box.press("Enter")
    page.wait_for_url("**/search/")
    results = page.get_by_test_id("results")
    expect(results.locator("tbody tr")).to_have_count(300)
    expect(page.get_by_role("heading", name="Results (300 numbers)")).to_be_visible()
    rows = _rows(page)
    assert [typed for typed, _href in rows] == lines
    wrong = [
        (typed, href)
        for (family, typed), (_t, href) in zip(REAL, rows, strict=False)
        if not re.search(rf"/families/{real_families[family]}/\?from=\d+$", href)
    ]
    assert not wrong, wrong
    assert all(href == "" for _t, href in rows[len(REAL) :])
    expect(results.locator("tr.row-error")).to_have_count(2)
    # Typed without its check digit, shown as the office gave it.
    gb = [s for _f, s in REAL].index("GB20120018345")
    expect(results.locator("tbody tr").nth(gb).locator("td").nth(1)).to_contain_text(
        "GB 1218345.6 GB application"
    )
    _screen(page, artifact_dir, "search-paste-01-300-lines-1280")

    # The box on the result page keeps the list and has focus; Shift+Enter is a new line.
    box = page.get_by_label("Application, publication or priority numbers")
    expect(box).to_be_focused()
    box.fill("")
    box.type("GB1218345.6")
    box.press("Shift+Enter")
    box.type("JP4961043B")
    expect(box).to_have_value("GB1218345.6\nJP4961043B")
    box.press("Enter")
    expect(page.get_by_test_id("results").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("results")).to_contain_text("GB 1218345.6")
    expect(page.get_by_test_id("results")).to_contain_text("JP 4961043 B")

    # A permalink in any spelling opens the family.
    page.goto("/numbers/PCT/US2013/064552/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family of EP 13844704.0")
    page.goto("/numbers/US20130926335/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family of US 13/926,335")
    shot(page, "search-paste-02-permalink-family")


def test_the_pasted_list_at_390_px(browser, live_server, real_families, shot, artifact_dir):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, "examiner@ep.demo")
        page.goto("/")
        shot(page, "search-paste-03-home-390")
        box = page.get_by_label("Application, publication or priority number")
        box.fill("\n".join(_pasted_list()))
        box.press("Enter")
        expect(page.get_by_test_id("results").locator("tbody tr")).to_have_count(300)
        page.get_by_test_id("results").locator("tbody tr").nth(12).scroll_into_view_if_needed()
        _screen(page, artifact_dir, "search-paste-04-300-lines-390")
        # The results fit the phone's width: nothing to scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
