import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e]


def test_office_admin_is_sent_to_set_up_two_factor_authentication(
    page, demo_people, settings, shot
):
    settings.REQUIRE_MFA = True
    login(page, "admin@nz.demo")
    # allauth asks for the password again before showing a TOTP secret.
    expect(page).to_have_url(re.compile("/accounts/reauthenticate/"))
    expect(page.get_by_text("must set up two-factor authentication")).to_be_visible()
    page.get_by_label("Password").fill("case-demo-2026")
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("img").first).to_be_visible()  # the QR code
    shot(page, "security-01-totp-setup")
    page.goto("/")  # nothing else is reachable until TOTP is set up
    expect(page).to_have_url(re.compile("/accounts/"))


def test_office_admin_changes_a_role_and_deactivates_an_account(page, demo_people, shot):
    login(page, "admin@nz.demo")
    page.goto("/office/users/")
    page.get_by_role("link", name="Manage clerk@nz.demo").click()
    page.get_by_label("Role").select_option("examiner")
    page.get_by_role("button", name="Save role").click()
    expect(page.get_by_role("status")).to_contain_text("clerk@nz.demo is now examiner")
    page.get_by_role("link", name="Manage clerk@nz.demo").click()
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_role("status")).to_contain_text("clerk@nz.demo has been deactivated")
    expect(page.get_by_role("button", name="Reactivate account")).to_be_visible()
    shot(page, "admin-03-deactivated")
