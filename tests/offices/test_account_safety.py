"""Issue 18 items 4 and 5: changing the account e-mail, and people of an office that left."""

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from offices.models import User
from offices.services import api_key_create
from tests.offices.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_changing_the_email_asks_for_the_password_again(client, examiner):
    assert _login(client, examiner.email).status_code == 302
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=30), tick=False):
        add = {"email": "new.me@ca.test", "action_add": ""}
        page = client.post(reverse("account_email"), add)
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        assert not EmailAddress.objects.filter(email="new.me@ca.test").exists()
        client.post(page["Location"], {"password": PASSWORD})
        client.post(reverse("account_email"), add)
        assert EmailAddress.objects.filter(email="new.me@ca.test", user=examiner).exists()


def test_changing_to_another_users_address_is_refused_without_a_500(client, examiner, office):
    UserFactory(office=office, email="taken@ca.test")
    _login(client, examiner.email)
    add = {"email": "taken@ca.test", "action_add": ""}
    asked = client.post(reverse("account_email"), add)
    client.post(asked["Location"], {"password": PASSWORD})
    response = client.post(reverse("account_email"), add, follow=True)
    assert response.status_code == 200
    # Any mail the attempt sent went to the address's owner, never a link that moves it here.
    for message in mail.outbox:
        assert "confirm-email" not in message.body
    examiner.refresh_from_db()
    assert examiner.email == "examiner@ca.test"
    assert User.objects.get(email="taken@ca.test").office == office


def test_a_changed_email_is_told_to_the_old_address(
    client, examiner, eager_celery, django_capture_on_commit_callbacks
):
    _login(client, examiner.email)
    add = {"email": "new.me@ca.test", "action_add": ""}
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's worker sends
        asked = client.post(reverse("account_email"), add)
        client.post(asked["Location"], {"password": PASSWORD})
        client.post(reverse("account_email"), add)
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[-1].body).group(0)
    assert mail.outbox[-1].to == ["new.me@ca.test"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(link).path)
    examiner.refresh_from_db()
    assert examiner.email == "new.me@ca.test"
    told = [m for m in mail.outbox if m.to == ["examiner@ca.test"]]
    assert told and "new.me@ca.test" in told[-1].body, [
        (m.to, m.subject, m.body) for m in mail.outbox
    ]


@pytest.mark.parametrize("change", [{"is_active": False}, {"accesses": False, "provides": False}])
def test_an_office_that_left_shuts_out_its_people_sessions_and_keys(
    client, office, examiner, change
):
    _, raw = api_key_create(office=office, name="job", scopes=["access"])
    key = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    other = type(client)()
    _login(other, examiner.email)
    assert other.get(reverse("home")).status_code == 200
    assert client.get(reverse("v1:me"), **key).status_code == 200

    for field, value in change.items():
        setattr(office, field, value)
    office.save()

    # The live session stops at its next request.
    assert other.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    # Logging in again says why, and does not let them in.
    response = _login(client, examiner.email)
    assert response["Location"] == reverse("account_inactive")
    page = client.get(response["Location"]).content.decode()
    assert "This account is inactive." in page and "its office no longer takes part" in page
    assert client.get(reverse("home")).status_code == 302
    # The API key stops at once too, with JSON.
    answer = client.get(reverse("v1:me"), **key)
    assert answer.status_code == 401
    assert answer.json()["message"]


def test_an_office_that_stopped_reading_keeps_only_its_provide_keys(client, office):
    _, raw = api_key_create(office=office, name="job", scopes=["access", "provide"])
    office.accesses = False
    office.save()
    search = client.get(reverse("v1:search"), {"q": "CA 1"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert search.status_code == 403
    assert "access" in search.json()["message"]


def test_each_live_session_is_its_own_persons(client, examiner, admin_user):
    # The session's person is read with SQL kept between requests (offices/backends.py).
    other = type(client)()
    _login(client, examiner.email)
    _login(other, admin_user.email)
    for _ in range(2):
        mine = client.get(reverse("home")).content.decode()
        theirs = other.get(reverse("home")).content.decode()
        assert examiner.email in mine and admin_user.email not in mine
        assert admin_user.email in theirs and examiner.email not in theirs
