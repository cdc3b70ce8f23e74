"""An invitation is an outbox row: sent by the delivery task through a real SMTP server, and kept
(not lost, not sent from the web request) while the mail server is down."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from notifications import tasks
from notifications.models import Notification
from offices.models import User

pytestmark = pytest.mark.django_db


def _invite(admin_client, capture, email="nia@ca.test"):
    with capture(execute=True):
        response = admin_client.post(
            reverse("offices:user-invite"), {"email": email, "role": "clerk"}
        )
    assert response.status_code == 302
    return User.objects.get(email=email)


def test_the_invitation_is_sent_by_the_outbox_with_a_working_link(
    admin_client, client, smtp, django_capture_on_commit_callbacks
):
    user = _invite(admin_client, django_capture_on_commit_callbacks)
    row = Notification.objects.get(user=user, kind="invitation")
    assert row.sent_at is not None and row.attempts == 1
    [message] = smtp.to("nia@ca.test")
    assert "invited to CASE Portal (CA)" in message["subject"]
    path = re.search(r"https?://[^/\s]+(/\S*/password/reset/key/\S+)", message.get_content())
    page = client.get(path.group(1), follow=True)
    assert page.status_code == 200
    # Not news in the app: the invited person's unread count starts at nought.
    assert not Notification.objects.filter(user=user, read_at=None).exists()


def test_mail_server_down_keeps_the_invitation_and_the_sweep_sends_it(
    admin_client, smtp_down, django_capture_on_commit_callbacks
):
    inbox, back = smtp_down
    user = _invite(admin_client, django_capture_on_commit_callbacks)  # the invite succeeds
    row = Notification.objects.get(user=user, kind="invitation")
    assert row.sent_at is None and row.last_error

    back()  # the mail server is back
    Notification.objects.update(claimed_at=row.claimed_at - dt.timedelta(hours=1))
    assert tasks.outbox_sweep.delay(0).get() == 1
    assert len(inbox.to("nia@ca.test")) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
