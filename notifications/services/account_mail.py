"""The outbox of sign-in e-mails (django-allauth's password reset and account notices): the
account adapter queues the rendered message here, a worker sends it (tasks.account_mail_deliver,
retried), the outbox sweep re-sends what a dead broker or worker left behind."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from case_portal.jobs import enqueue_on_commit

from ..models import AccountMail
from .outbox import claim_failed, claim_rows, mail_connection, pending_ids

DELIVER_TASK = "notifications.account_mail_deliver"


def account_mail_queue(message: EmailMultiAlternatives) -> AccountMail:
    """Keep the message and have a worker send it once the caller's transaction commits."""
    html = next((c for c, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")
    mail = AccountMail.objects.create(
        to="\n".join(message.to),
        subject=message.subject[:300],
        body=message.body,
        html=html,
    )
    enqueue_on_commit(DELIVER_TASK, [mail.pk], swept_by="the outbox sweep")
    return mail


def account_mail_claim(*, mail_id: int, token: uuid.UUID | None = None) -> uuid.UUID | None:
    """Take the right to send one mail; None if sent or held by another worker."""
    return claim_rows(AccountMail.objects.filter(pk=mail_id), token=token)


def account_mail_send(*, mail_id: int, token: uuid.UUID) -> bool:
    """Send a claimed mail and mark it sent (its body emptied). SMTP errors propagate (the task
    retries them); False if the claim was lost meanwhile."""
    mail = AccountMail.objects.filter(pk=mail_id, claim_token=token, sent_at=None).first()
    if mail is None:
        return False
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mail.to.splitlines(),
        connection=mail_connection(),
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    message.send()
    with transaction.atomic():
        AccountMail.objects.filter(pk=mail_id, claim_token=token).update(
            sent_at=timezone.now(), claim_token=None, last_error="", body="", html=""
        )
    return True


def account_mail_failed(*, mail_id: int, token: uuid.UUID, error: str) -> None:
    claim_failed(AccountMail.objects.filter(pk=mail_id, claim_token=token), error)


def account_mail_pending_ids(*, min_age: dt.timedelta = dt.timedelta(seconds=60)) -> list[int]:
    """Mails left unsent (see pending_ids)."""
    return pending_ids(AccountMail.objects.all(), min_age=min_age)
