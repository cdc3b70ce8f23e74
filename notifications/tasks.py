"""Thin Celery tasks: ids in, a service does the work; only the SMTP call is retried."""

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Callable
from typing import NamedTuple

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


class _Outbox(NamedTuple):
    """What a delivery task calls for one kind of e-mail; each service takes the task's key (by
    its keyword) and a claim token."""

    key: str  # the services' keyword for the task's first argument
    claim: Callable[..., uuid.UUID | None]  # None: sent already, or another worker holds it
    send: Callable[..., bool | int]
    failed: Callable[..., None]  # writes an SMTP error on the claimed rows
    nothing: bool | int = False  # what the task returns when nothing was claimed


def _deliver(task, outbox: _Outbox, key: int, token: str | None) -> bool | int:
    """Claim and send `key`'s e-mail (a retry passes its own token to keep its claim). An SMTP
    error is written on the rows and the task retried later under the same claim, so the sweep
    leaves it alone meanwhile."""
    named = {outbox.key: key}
    claim = outbox.claim(**named, token=uuid.UUID(token) if token else None)
    if claim is None:
        return outbox.nothing
    try:
        return outbox.send(**named, token=claim)
    except SMTP_ERRORS as exc:
        outbox.failed(**named, token=claim, error=str(exc))
        raise task.retry(
            exc=exc, countdown=_backoff(task.request.retries), args=(key, str(claim))
        ) from exc


# The three outboxes: one notification's e-mail, a person's daily digest, a sign-in mail.
_NOTIFICATIONS = _Outbox(
    "notification_id",
    claim=services.notification_claim,
    send=services.notification_email_send,
    failed=services.notification_failed,
)

_DIGESTS = _Outbox(
    "user_id",
    claim=services.digest_claim,
    send=services.digest_email_send,
    failed=services.digest_failed,
    nothing=0,
)

_ACCOUNT_MAILS = _Outbox(
    "mail_id",
    claim=services.account_mail_claim,
    send=services.account_mail_send,
    failed=services.account_mail_failed,
)


@app.task(name=services.DELIVER_TASK, bind=True, max_retries=MAX_RETRIES)
def notification_deliver(self, notification_id: int, token: str | None = None) -> bool:
    return _deliver(self, _NOTIFICATIONS, notification_id, token)


@app.task(bind=True, max_retries=MAX_RETRIES)
def digest_deliver(self, user_id: int, token: str | None = None) -> int:
    return _deliver(self, _DIGESTS, user_id, token)


@app.task(name=account_mail.DELIVER_TASK, bind=True, max_retries=MAX_RETRIES)
def account_mail_deliver(self, mail_id: int, token: str | None = None) -> bool:
    return _deliver(self, _ACCOUNT_MAILS, mail_id, token)


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
