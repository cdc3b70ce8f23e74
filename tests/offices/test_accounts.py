import pytest
from django.core import mail
from django.urls import reverse

from offices.models import User
from stats.models import UsageEvent
from tests.offices.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_pages_require_login_and_send_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_examiner_logs_in_by_email_and_out_and_both_are_counted(client, examiner):
    response = _login(client, "EXAMINER@ca.test")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert b"examiner@ca.test" in home.content
    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302
    actions = list(UsageEvent.objects.order_by("occurred_at").values_list("action", "office__code"))
    assert actions == [("login", "CA"), ("logout", "CA")]


def test_wrong_password_is_refused_with_a_message(client, examiner):
    response = _login(client, "examiner@ca.test", "not-the-password")
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert client.get(reverse("home")).status_code == 302


def test_there_is_no_public_sign_up(client):
    assert client.get("/accounts/signup/").status_code == 404
    client.post(
        "/accounts/signup/",
        {"email": "x@evil.test", "password1": "Abc-12345678", "password2": "Abc-12345678"},
    )
    assert not User.objects.filter(email="x@evil.test").exists()
    assert b"sign up" not in client.get(reverse("account_login")).content.lower().replace(
        b"no public sign-up", b""
    )


def test_deactivated_user_cannot_log_in(client, office):
    UserFactory(office=office, email="gone@ca.test", is_active=False)
    response = _login(client, "gone@ca.test")
    # The right password of a deactivated account leads to a page that says so, not in.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert "This account is inactive." in client.get(response["Location"]).content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_repeated_failed_logins_are_rate_limited(client, examiner):
    for _ in range(5):
        _login(client, "examiner@ca.test", "wrong-password")
    response = _login(client, "examiner@ca.test", PASSWORD)  # right password, but too late
    assert b"Too many failed login attempts" in response.content
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, examiner, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's worker sends
        client.post(reverse("account_reset_password"), {"email": "examiner@ca.test"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "A-brand-new-pass-42", "password2": "A-brand-new-pass-42"},
    )
    assert _login(client, "examiner@ca.test", "A-brand-new-pass-42").status_code == 302


@pytest.mark.parametrize(
    "role,operator,forced",
    [
        ("office_admin", False, True),
        ("examiner", True, True),
        ("examiner", False, False),
        ("clerk", False, False),
    ],
)
def test_mfa_is_enforced_for_office_admins_and_operators(
    client, settings, office, role, operator, forced
):
    settings.REQUIRE_MFA = True
    user = UserFactory(office=office, role=role, is_operator=operator)
    _login(client, user.email)
    response = client.get(reverse("home"))
    if forced:
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
        # Setting MFA up stays reachable: allauth asks for the password again, then shows it.
        page = client.get(reverse("mfa_activate_totp"), follow=True)
        assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
        client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
        activate = client.get(reverse("mfa_activate_totp"))
        assert activate.status_code == 200
        assert b"Authenticator" in activate.content
    else:
        assert response.status_code == 200


def test_office_admin_with_totp_passes_the_mfa_gate(client, settings, admin_user):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    settings.REQUIRE_MFA = True
    TOTP.activate(admin_user, generate_totp_secret())
    assert Authenticator.objects.filter(user=admin_user).exists()
    client.force_login(admin_user)
    assert client.get(reverse("home")).status_code == 200


def test_a_reset_asked_while_the_mail_server_is_down_is_sent_once_it_is_back(
    client, examiner, settings, eager_celery, django_capture_on_commit_callbacks
):
    from notifications.models import AccountMail
    from notifications.tasks import outbox_sweep

    # The page answers at once, whatever the mail server does: the link waits in the outbox.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("account_reset_password"), {"email": "examiner@ca.test"})
    assert page.status_code == 302 and mail.outbox == []
    waiting = AccountMail.objects.get()
    assert waiting.sent_at is None and "Connection refused" in waiting.last_error
    assert "/password/reset/key/" in waiting.body
    # The server is back; the sweep sends what is waiting once the claim has lapsed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    AccountMail.objects.update(claimed_at=None)
    outbox_sweep(min_age_seconds=0)
    assert [m.to for m in mail.outbox] == [["examiner@ca.test"]]
    assert "/password/reset/key/" in mail.outbox[0].body
    sent = AccountMail.objects.get()
    assert sent.sent_at is not None and sent.body == ""  # the link does not stay behind
