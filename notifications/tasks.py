"""Thin Celery tasks: ids in, a service does the work; only the SMTP call is retried."""

import datetime as dt
import logging
import smtplib
import uuid

from celery.schedules import crontab

from case_portal.celery import app, beat_setup

from . import services
from .services import account_mail

logger = logging.getLogger(__name__)

# What a flaky mail server raises; anything else is a bug and must not be retried blindly.
SMTP_ERRORS = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    # 30 s, 1, 2, 4, 8 min: always inside the claim timeout, so the sweep does not step in.
    return 30 * 2**retries


def _send_or_retry(task, key: int, claim: uuid.UUID, *, send, failed):
    """`send()` what `claim` holds; an SMTP error is written on the rows (`failed(error)`) and
    the task retried later under the same claim, so the sweep leaves it alone meanwhile."""
    try:
        return send()
    except SMTP_ERRORS as exc:
        failed(str(exc))
        raise task.retry(
            exc=exc, countdown=_backoff(task.request.retries), args=(key, str(claim))
        ) from exc


@app.task(name=services.DELIVER_TASK, bind=True, max_retries=MAX_RETRIES)
def notification_deliver(self, notification_id: int, token: str | None = None) -> bool:
    claim = services.notification_claim(
        notification_id=notification_id, token=uuid.UUID(token) if token else None
    )
    if claim is None:
        return False  # sent already, or another worker holds it
    return _send_or_retry(
        self,
        notification_id,
        claim,
        send=lambda: services.notification_email_send(notification_id=notification_id, token=claim),
        failed=lambda error: services.notification_failed(
            notification_ids=[notification_id], token=claim, error=error
        ),
    )


@app.task(bind=True, max_retries=MAX_RETRIES)
def digest_deliver(self, user_id: int, token: str | None = None) -> int:
    claim, ids = services.digest_claim(user_id=user_id, token=uuid.UUID(token) if token else None)
    if not ids:
        return 0
    return _send_or_retry(
        self,
        user_id,
        claim,
        send=lambda: services.digest_email_send(user_id=user_id, token=claim),
        failed=lambda error: services.notification_failed(
            notification_ids=ids, token=claim, error=error
        ),
    )


@app.task(name=account_mail.DELIVER_TASK, bind=True, max_retries=MAX_RETRIES)
def account_mail_deliver(self, mail_id: int, token: str | None = None) -> bool:
    claim = services.account_mail_claim(mail_id=mail_id, token=uuid.UUID(token) if token else None)
    if claim is None:
        return False  # sent already, or another worker holds it
    return _send_or_retry(
        self,
        mail_id,
        claim,
        send=lambda: services.account_mail_send(mail_id=mail_id, token=claim),
        failed=lambda error: services.account_mail_failed(
            mail_id=mail_id, token=claim, error=error
        ),
    )


@app.task
def outbox_sweep(min_age_seconds: int = 60) -> int:
    """Re-enqueue e-mails a dead broker or worker left behind (the claim makes repeats harmless)."""
    min_age = dt.timedelta(seconds=min_age_seconds)
    ids = services.outbox_pending_ids(min_age=min_age)
    for pk in ids:
        notification_deliver.delay(pk)
    mails = services.account_mail_pending_ids(min_age=min_age)
    for pk in mails:
        account_mail_deliver.delay(pk)
    if ids or mails:
        logger.info("Outbox sweep re-enqueued %d e-mail(s).", len(ids) + len(mails))
    return len(ids) + len(mails)


@app.task
def digests_send() -> int:
    user_ids = services.digest_user_ids()
    for user_id in user_ids:
        digest_deliver.delay(user_id)
    return len(user_ids)


@app.task
def requests_expire() -> int:
    """Daily: requests left unanswered longer than REQUESTS_EXPIRE_DAYS expire (both told)."""
    return services.requests_expire()


SWEEP_EVERY_SECONDS = 60.0


@beat_setup
def _register_periodic(sender, **kwargs) -> None:
    sender.add_periodic_task(
        SWEEP_EVERY_SECONDS, outbox_sweep.s(), name="notifications: outbox sweep"
    )
    sender.add_periodic_task(
        crontab(hour=6, minute=0), digests_send.s(), name="notifications: daily digest"
    )
    sender.add_periodic_task(
        crontab(hour=5, minute=30), requests_expire.s(), name="notifications: expire requests"
    )
