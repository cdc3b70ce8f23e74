import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = [pytest.mark.e2e]


def test_examiner_logs_in_sees_their_navigation_and_logs_out(page, demo, shot):
    page.goto("/")
    assert "/accounts/login/" in page.url
    shot(page, "foundation-01-login")
    login(page, "examiner@au.demo")
    expect(page.get_by_test_id("who")).to_contain_text("examiner@au.demo")
    expect(page.get_by_test_id("who")).to_contain_text("AU")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Office admin")).to_have_count(0)
    expect(nav.get_by_role("link", name="Statistics")).to_have_count(0)
    shot(page, "foundation-02-home-examiner")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")
    assert "/accounts/login/" in page.url


def test_office_admin_invites_a_person(page, demo, shot):
    from django.core import mail

    from case_portal.celery import app

    app.conf.task_always_eager = True  # the outbox task in the server's process; conftest resets

    login(page, "admin@ca.demo")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Office admin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Canadian Intellectual Property")
    shot(page, "foundation-03-office-admin-accounts")
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("E-mail address").fill("not-an-email")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert").first).to_contain_text("valid email")
    shot(page, "foundation-04-invite-error")
    page.get_by_label("E-mail address").fill("new.examiner@ca.demo")
    page.get_by_label("Role").select_option("examiner")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.examiner@ca.demo")
    expect(page.get_by_role("cell", name="new.examiner@ca.demo", exact=True)).to_be_visible()
    shot(page, "foundation-05-invited")
    assert any("new.examiner@ca.demo" in m.to for m in mail.outbox)
