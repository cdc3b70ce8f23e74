import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from case_portal.celery import app as celery_app
from offices.models import Office, User
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_office_admin_sees_only_their_own_offices_accounts(admin_client, examiner, other_office):
    UserFactory(office=other_office, email="someone@au.test")
    page = admin_client.get(reverse("offices:user-list"))
    assert page.status_code == 200
    assert b"examiner@ca.test" in page.content
    assert b"someone@au.test" not in page.content


def test_invited_person_gets_a_mail_sets_a_password_and_logs_in(
    admin_client, client, django_capture_on_commit_callbacks
):
    celery_app.conf.task_always_eager = True  # the outbox task in-process; conftest restores it
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("offices:user-invite"),
            {
                "email": "New.Clerk@CA.test",
                "role": "clerk",
                "first_name": "Nia",
                "last_name": "Clerk",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.clerk@ca.test")
    assert (user.office.code, user.role, user.has_usable_password()) == ("CA", "clerk", False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.clerk@ca.test"]
    assert "invited to CASE Portal (CA)" in message.subject
    url = re.search(r"https?://\S+/password/reset/key/\S+", message.body).group(0)
    path = urlsplit(url).path
    client.logout()
    page = client.get(path, follow=True)
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    client.post(set_url, {"password1": "Chosen-by-Nia-2026", "password2": "Chosen-by-Nia-2026"})
    login = client.post(
        reverse("account_login"), {"login": "new.clerk@ca.test", "password": "Chosen-by-Nia-2026"}
    )
    assert login.status_code == 302


def test_inviting_an_address_of_your_own_office_is_refused_with_a_message(admin_client, examiner):
    response = admin_client.post(
        reverse("offices:user-invite"), {"email": "examiner@ca.test", "role": "clerk"}
    )
    assert response.status_code == 200
    assert b"already has an account" in response.content
    assert len(mail.outbox) == 0


def test_inviting_an_address_with_an_account_elsewhere_reveals_nothing(
    admin_client, other_office, django_capture_on_commit_callbacks
):
    UserFactory(office=other_office, email="someone@au.test")
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = admin_client.post(
            reverse("offices:user-invite"),
            {"email": "someone@au.test", "role": "clerk"},
            follow=True,
        )
        fresh = admin_client.post(
            reverse("offices:user-invite"),
            {"email": "nobody@ca.test", "role": "clerk"},
            follow=True,
        )

    def shown(response):
        return [str(m) for m in response.context["messages"]]

    assert shown(elsewhere) == ["Invitation sent to someone@au.test."]
    assert shown(fresh) == ["Invitation sent to nobody@ca.test."]
    assert elsewhere.status_code == fresh.status_code == 200
    assert User.objects.get(email="someone@au.test").office == other_office
    assert not any(m.to == ["someone@au.test"] for m in mail.outbox)


def test_invite_with_a_broken_address_keeps_what_was_typed(admin_client):
    response = admin_client.post(
        reverse("offices:user-invite"),
        {"email": "not-an-address", "role": "clerk", "first_name": "Kim"},
    )
    assert response.status_code == 200
    assert b"valid email" in response.content
    assert b'value="Kim"' in response.content


def test_office_admin_changes_a_role(admin_client, examiner):
    admin_client.post(reverse("offices:user-detail", args=[examiner.pk]), {"role": "clerk"})
    examiner.refresh_from_db()
    assert examiner.role == "clerk"


def test_office_admin_cannot_touch_another_offices_user(admin_client, other_office):
    foreign = UserFactory(office=other_office, email="examiner@au.test")
    for url in [reverse("offices:user-detail", args=[foreign.pk])]:
        assert admin_client.get(url).status_code == 404
        assert admin_client.post(url, {"role": "office_admin"}).status_code == 404
    response = admin_client.post(
        reverse("offices:user-set-active", args=[foreign.pk]), {"active": "0"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert (foreign.role, foreign.is_active) == ("examiner", True)


def test_examiner_cannot_open_office_admin_pages(client, examiner):
    client.force_login(examiner)
    for name in [
        "offices:user-list",
        "offices:user-invite",
        "offices:api-key-list",
        "offices:access-policy",
    ]:
        assert client.get(reverse(name)).status_code == 404


def test_deactivation_logs_the_person_out_everywhere(admin_client, client, examiner):
    from django.test import Client

    theirs = Client()
    theirs.force_login(examiner)
    assert theirs.get(reverse("home")).status_code == 200
    admin_client.post(reverse("offices:user-set-active", args=[examiner.pk]), {"active": "0"})
    examiner.refresh_from_db()
    assert examiner.is_active is False
    assert theirs.get(reverse("home")).status_code == 302


def test_admin_cannot_deactivate_themselves_or_demote_the_last_admin(admin_client, admin_user):
    response = admin_client.post(
        reverse("offices:user-set-active", args=[admin_user.pk]), {"active": "0"}, follow=True
    )
    assert b"cannot deactivate your own account" in response.content
    response = admin_client.post(
        reverse("offices:user-detail", args=[admin_user.pk]), {"role": "examiner"}, follow=True
    )
    assert b"at least one active office admin" in response.content
    admin_user.refresh_from_db()
    assert (admin_user.is_active, admin_user.role) == (True, "office_admin")


def test_access_policy_limits_who_sees_our_documents(admin_client, office):
    au = OfficeFactory(code="AU")
    gb = OfficeFactory(code="GB")
    response = admin_client.post(
        reverse("offices:access-policy"), {"shares_with_all": "0", "shares_with": [au.pk]}
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.admits(au) and office.admits(office) and not office.admits(gb)
    assert office not in Office.objects.providers_visible_to(gb)
    assert au in Office.objects.providers_visible_to(gb)  # AU still shares with everyone
    assert office in Office.objects.providers_visible_to(au)


def test_access_policy_needs_at_least_one_office_when_restricted(admin_client, office):
    response = admin_client.post(reverse("offices:access-policy"), {"shares_with_all": "0"})
    assert response.status_code == 200
    assert b"Tick at least one office" in response.content
    office.refresh_from_db()
    assert office.shares_with_all is True


def test_by_default_every_participant_sees_a_providers_documents(office):
    assert office.admits(OfficeFactory(code="JP"))
