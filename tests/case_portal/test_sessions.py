"""Sessions (case_portal/sessions.py): Django's database sessions, read with SQL kept between
requests. Each browser keeps its own person, and an expired session signs its person out."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_browser_keeps_its_own_session_and_an_expired_one_signs_out(client, office):
    alice = UserFactory(office=office, role="examiner", email="alice@ca.test")
    bob = UserFactory(office=office, role="examiner", email="bob@ca.test")
    other = type(client)()
    client.force_login(alice)
    other.force_login(bob)
    for _ in range(2):
        assert "alice@ca.test" in client.get(reverse("home")).content.decode()
        assert "bob@ca.test" in other.get(reverse("home")).content.decode()

    # Alice's session runs out a second ago: her next page is the log-in page; Bob's goes on.
    key = client.cookies["sessionid"].value
    gone = timezone.now() - timedelta(seconds=1)
    assert Session.objects.filter(session_key=key).update(expire_date=gone) == 1
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "bob@ca.test" in other.get(reverse("home")).content.decode()
