import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e]


def test_office_admin_creates_an_api_key_restricts_sharing_and_reads_the_api_docs(
    page, demo_people, shot
):
    login(page, "admin@us.demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Office admin").click()
    page.get_by_role("navigation", name="Office admin").get_by_role("link", name="API keys").click()
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_text("Choose at least one scope.")).to_be_visible()
    page.get_by_label("Name").fill("Docketing system")
    page.get_by_label("Access (read other offices' work)").check()
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_test_id("new-key").inner_text().strip()
    assert key.startswith("case_")
    expect(page.get_by_role("cell", name="Docketing system", exact=True)).to_be_visible()
    shot(page, "admin-01-api-key-shown-once")

    page.get_by_role("navigation", name="Office admin").get_by_role(
        "link", name="Access policy"
    ).click()
    page.get_by_label("Only the offices ticked below").check()
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("Tick at least one office")).to_be_visible()
    page.get_by_label("AU — IP Australia").check()
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_role("status")).to_contain_text("Access policy saved")
    expect(page.get_by_label("AU — IP Australia")).to_be_checked()
    shot(page, "admin-02-access-policy")

    page.goto("/api/docs/")
    expect(page.get_by_text("CASE Portal API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/search")).to_have_count(1)
    shot(page, "api-01-swagger-ui")
