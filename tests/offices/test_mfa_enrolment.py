"""Issue 18 item 1: an invited office admin under REQUIRE_MFA gets from the mailed link to the
portal, and nobody is left going round the TOTP page without a way out."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.mfa.utils import is_mfa_enabled
from django.core import mail
from django.urls import reverse

from case_portal.celery import app as celery_app
from offices.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Chosen-by-Ada-2026"


def _totp_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _invite_and_set_password(admin_client, client, captured, email):
    celery_app.conf.task_always_eager = True  # the outbox task in-process; conftest restores it
    with captured(execute=True):
        response = admin_client.post(
            reverse("offices:user-invite"), {"email": email, "role": "office_admin"}
        )
    assert response.status_code == 302
    url = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    admin_client.logout()
    page = client.get(urlsplit(url).path, follow=True)
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else urlsplit(url).path
    return client.post(set_url, {"password1": PASSWORD, "password2": PASSWORD}, follow=True)


def test_invited_office_admin_goes_from_the_mail_to_the_portal_with_totp(
    admin_client, client, settings, django_capture_on_commit_callbacks
):
    _invite_and_set_password(
        admin_client, client, django_capture_on_commit_callbacks, "ada@ca.test"
    )
    settings.REQUIRE_MFA = True
    user = User.objects.get(email="ada@ca.test")
    # The link proved the address.
    assert EmailAddress.objects.get(user=user, email="ada@ca.test").verified
    client.logout()
    login = client.post(reverse("account_login"), {"login": "ada@ca.test", "password": PASSWORD})
    assert login.status_code == 302
    home = client.get(reverse("home"))
    assert home["Location"] == reverse("mfa_activate_totp")
    activate = client.get(reverse("mfa_activate_totp"), follow=True)
    if activate.redirect_chain:  # allauth asks for the password again before showing the secret
        assert activate.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
        client.post(activate.redirect_chain[-1][0], {"password": PASSWORD})
        activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200
    assert "Authenticator" in activate.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    done = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    assert done.status_code == 302
    assert is_mfa_enabled(user)
    assert client.get(reverse("home")).status_code == 200


def test_an_unverified_address_sends_an_admin_to_verify_it_not_round_in_a_loop(
    client, settings, admin_user, eager_celery, django_capture_on_commit_callbacks
):
    # The account's own address counts as verified (the operator gave it); a change to a new
    # address still waiting for its link is what allauth refuses MFA setup for.
    EmailAddress.objects.create(
        user=admin_user, email=admin_user.email, primary=True, verified=True
    )
    EmailAddress.objects.create(user=admin_user, email="new.admin@ca.test", verified=False)
    settings.REQUIRE_MFA = True
    client.force_login(admin_user)
    home = client.get(reverse("home"))
    assert home["Location"] == reverse("account_email")
    page = client.get(home["Location"])
    assert page.status_code == 200
    assert "Re-send verification" in page.content.decode()
    # The way out: the verification mail, its link, then TOTP setup is offered.
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's worker sends
        client.post(reverse("account_email"), {"email": "new.admin@ca.test", "action_send": ""})
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[-1].body).group(0)
    client.post(urlsplit(link).path)
    assert EmailAddress.objects.get(user=admin_user).verified
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_the_accounts_own_address_never_blocks_mfa_setup(client, settings, admin_user):
    settings.REQUIRE_MFA = True
    client.force_login(admin_user)
    # Opening the e-mail page makes allauth record the address; it stays usable for MFA.
    assert client.get(reverse("account_email")).status_code == 200
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_setting_the_password_from_the_invitation_signs_the_person_in(
    admin_client, client, django_capture_on_commit_callbacks
):
    done = _invite_and_set_password(
        admin_client, client, django_capture_on_commit_callbacks, "ben@ca.test"
    )
    assert done.status_code == 200
    # On the first-visit page of the role (item 15), signed in.
    assert done.redirect_chain[-1][0] == reverse("offices:welcome")
    assert done.context["user"].email == "ben@ca.test"
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("role", "shown", "not_shown"),
    [
        ("examiner", "Watch list", "API keys"),
        ("clerk", "Worklists", "API keys"),
        ("office_admin", "API keys", "Operate the portal"),
    ],
)
def test_an_invited_person_lands_signed_in_on_the_first_visit_page_of_their_role(
    client, office, role, shown, not_shown
):
    from offices.services import user_invitation_url

    user = User.objects.create_user(email=f"new-{role}@ca.test", office=office, role=role)
    page = client.get(urlsplit(user_invitation_url(user=user)).path, follow=True)
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("offices:welcome")
    welcome = client.get(done["Location"])
    assert welcome.status_code == 200
    text = welcome.content.decode()
    assert shown in text and not_shown not in text
    # Only the first password lands there; a later reset goes home as usual.
    client.logout()
    user.refresh_from_db()
    page = client.get(urlsplit(user_invitation_url(user=user)).path, follow=True)
    again = client.post(page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})
    assert again["Location"] == reverse("home")
