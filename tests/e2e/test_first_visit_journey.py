"""Issue 18.15: an invited person opens the mailed link, sets a password and lands signed in on
the first-visit page of their role, at desk and phone width."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from offices.models import Office, User
from offices.services import user_invitation_url

pytestmark = [pytest.mark.e2e]

PASSWORD = "Chosen-by-the-invitee-2026"


def _invited(role: str) -> User:
    office = Office.objects.get(code="NZ")
    user = User.objects.create_user(email=f"new-{role}@nz.demo", office=office, role=role)
    user.set_unusable_password()  # as user_invite leaves it until the link is used
    user.save()
    return user


@pytest.mark.parametrize(
    ("role", "width", "sections", "absent"),
    [
        ("examiner", 1280, ["welcome-search", "welcome-watch"], ["welcome-admin"]),
        ("clerk", 390, ["welcome-worklists", "welcome-provide", "welcome-watch"], ["welcome-mfa"]),
        ("office_admin", 1280, ["welcome-admin", "welcome-mfa", "welcome-search"], []),
        ("office_admin", 390, ["welcome-admin", "welcome-mfa", "welcome-worklists"], []),
    ],
)
def test_an_invited_person_sets_a_password_and_lands_signed_in_on_their_roles_first_page(
    page, demo_people, shot, role, width, sections, absent
):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 860})
    user = _invited(role)
    page.goto(urlsplit(user_invitation_url(user=user)).path)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page).to_have_url(re.compile("/office/welcome/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome to CASE")
    expect(page.locator(".lead")).to_contain_text(user.get_role_display().lower())
    for testid in sections:
        expect(page.get_by_test_id(testid)).to_be_visible()
    for testid in absent:
        expect(page.get_by_test_id(testid)).to_have_count(0)
    # Nothing runs off the side at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"welcome-{role}-{width}")
    # Signed in for real: the links lead into the portal, not to the login page.
    if role == "office_admin":
        page.get_by_test_id("welcome-admin").get_by_role("link", name="Accounts").click()
        expect(page).to_have_url(re.compile("/office/users/$"))
    else:
        page.get_by_test_id("welcome-watch").get_by_role("link", name="Watch list").click()
        expect(page).to_have_url(re.compile("/watch/$"))
