"""Writes for watch lists and the notification outbox (and its e-mail delivery).

Receivers of dossiers' signals call these inside the sender's transaction: rows only. E-mail
is I/O and happens in tasks, enqueued after commit; a row that never got its task (broker down,
worker killed) is found again by outbox_sweep.
"""

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from case_portal.jobs import enqueue_on_commit
from dossiers import numbers
from dossiers.federation.reads import documents_readable
from dossiers.models import Application, Document
from offices.services import user_invitation_email, user_language
from stats.models import Action
from stats.services import usage_record

from ..models import Delivery, DocumentRequest, Notification, Preference, Watch

REPORT_CATEGORIES = (
    Document.Category.SEARCH_REPORT,
    Document.Category.WRITTEN_OPINION,
    Document.Category.OFFICE_ACTION,
)


def claim_timeout() -> dt.timedelta:
    """How long a claim protects a row being sent; longer than any SMTP retry back-off."""
    return dt.timedelta(seconds=getattr(settings, "NOTIFICATIONS_CLAIM_TIMEOUT", 600))


def _unheld(now: dt.datetime, token: uuid.UUID | None = None) -> Q:
    """Rows no live claim holds; with `token`, also the rows that claim holds (a retry)."""
    free = Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
    return free | Q(claim_token=token) if token is not None else free


def claim_rows(rows, *, token: uuid.UUID | None = None) -> uuid.UUID | None:
    """Take the right to send the unsent `rows` of an outbox (notifications, account mails) that
    no live claim holds; a retry passes its own token to keep its claim. None if nothing was
    taken (sent already, or another worker holds it).

    The conditional UPDATE is the lock: two workers (a redelivered message, a sweep's extra
    copy) cannot both see one row returned."""
    now = timezone.now()
    new_token = token or uuid.uuid4()
    claimed = rows.filter(_unheld(now, token), sent_at=None).update(
        claimed_at=now, claim_token=new_token, attempts=F("attempts") + 1
    )
    return new_token if claimed else None


def pending_ids(rows, *, min_age: dt.timedelta) -> list[int]:
    """An outbox's unsent rows no live claim holds, older than `min_age` (fresh rows are still
    on their way through the queue), for the sweep to send again."""
    now = timezone.now()
    return list(
        rows.filter(_unheld(now), sent_at=None, created_at__lte=now - min_age)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )


def number_display(application: Application) -> str:
    try:
        return numbers.format_display(application.key)
    except numbers.InvalidNumber:
        return application.display


UNSUBSCRIBE_SALT = "notifications.watch-unsubscribe"


def watch_unsubscribe_token(watch: Watch) -> str:
    """A signed token naming one watch (and its owner): the e-mail's one-click unsubscribe."""
    return signing.dumps({"w": watch.pk, "u": watch.user_id}, salt=UNSUBSCRIBE_SALT)


def watch_from_unsubscribe_token(token: str) -> Watch | None:
    """The watch a token names, or None (bad signature, or the watch is gone already)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        Watch.objects.select_related("application__office")
        .filter(pk=data.get("w"), user_id=data.get("u"))
        .first()
    )


def in_language(user) -> translation.override:
    """Write to `user` in their language (their profile, else the portal's default): the text
    of their notification rows and their e-mails. None (an office's inbox) gets the default."""
    return translation.override(user_language(user))


def text_for(user, build: Callable[[], str]) -> str:
    """`build()` in `user`'s language: one notice told to several people, each in theirs."""
    with in_language(user):
        return str(build())


_LAYOUT_SPACE = re.compile(r"[ \t\r\n]+")


def one_line(text: str) -> str:
    """A subject on one line: template line breaks and indents collapse, but the no-break
    spaces of French typography ("Lot prêt\u00a0:") stay."""
    return _LAYOUT_SPACE.sub(" ", text).strip()


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def notification_target(notification: Notification) -> str:
    """Where opening a notification leads: the document, else the request, else the family."""
    candidates = []
    if notification.package_id:
        candidates.append(
            ("dossiers:worklist-detail", {"worklist_id": notification.package.worklist_id})
        )
    if notification.document_id:
        # A withdrawn document's page says when and why it was withdrawn.
        candidates.append(("dossiers:document-detail", {"document_id": notification.document_id}))
    if notification.remote_document_id and notification.application_id:
        kwargs = {
            "application_id": notification.application_id,
            "document_id": notification.remote_document_id,
        }
        candidates.append(("dossiers:remote-document-detail", kwargs))
    if notification.request_id:
        candidates.append(("notifications:request-detail", {"request_id": notification.request_id}))
    if notification.application_id:
        candidates.append(
            ("dossiers:family-detail", {"family_id": notification.application.family_id})
        )
    if not candidates:
        return reverse("notifications:notification-list")
    name, kwargs = candidates[0]
    return reverse(name, kwargs=kwargs)


# --------------------------------------------------------------------------------------------
# Delivery settings
# --------------------------------------------------------------------------------------------


def email_modes(user_ids: Iterable[int]) -> dict[int, str]:
    """How each person's notifications are e-mailed, from their settings (no row: at once).
    One query for any number of people; every notification of a person goes through this."""
    ids = {u for u in user_ids if u is not None}
    digest = set(
        Preference.objects.filter(user_id__in=ids, delivery=Delivery.DIGEST).values_list(
            "user_id", flat=True
        )
    )
    return {
        u: Notification.Email.DIGEST if u in digest else Notification.Email.IMMEDIATE for u in ids
    }


@transaction.atomic
def preference_save(*, user, delivery: str) -> Preference:
    """A person's choice for all their notifications: each e-mailed at once, or a daily digest."""
    preference, _ = Preference.objects.select_for_update().get_or_create(user=user)
    preference.delivery = delivery
    preference.full_clean()
    preference.save(update_fields=["delivery"])
    return preference


# --------------------------------------------------------------------------------------------
# Watch list
# --------------------------------------------------------------------------------------------


@transaction.atomic
def watch_save(
    *,
    user,
    application: Application,
    scope: str = Watch.Scope.APPLICATION,
    categories: Iterable[str] = (),
    direction: str = Watch.Direction.ALL,
    delivery: str = Watch.Delivery.SETTINGS,
) -> tuple[Watch, bool]:
    """Watch an application (or its family); watching it again updates the choices."""
    watch, created = Watch.objects.select_for_update().get_or_create(
        user=user, application=application
    )
    watch.scope = scope
    watch.categories = sorted(set(categories))
    watch.direction = direction
    watch.delivery = delivery
    watch.full_clean()
    watch.save()
    return watch, created


@transaction.atomic
def watch_delete(*, watch: Watch) -> None:
    watch.delete()


# --------------------------------------------------------------------------------------------
# Notifications (outbox rows)
# --------------------------------------------------------------------------------------------


def _may_see(user, document: Document) -> bool:
    """Nobody hears of what they may not read (or could not, before it was withdrawn)."""
    if document.pk is None:  # a web-service office's document: no row, its application's rule
        return documents_readable(user, document.application)
    return Document.objects.visible_to(user, include_withdrawn=True).filter(pk=document.pk).exists()


def document_event_text(
    *, document: Document, kind: str, own: Application | None = None, change: str = ""
) -> str:
    """One line about a document, naming the reader's own application first when it is
    another one: "For your AU 2014351899: CA 2,827,121 search report added, 2026-11-30"."""
    app = document.application
    words = {
        "number": number_display(app),
        "category": document.get_category_display().lower(),
        "date": f"{document.date:%Y-%m-%d}",
        "reason": document.withdrawn_reason,
        "change": change,
    }
    if kind == Notification.Kind.DOCUMENT_WITHDRAWN and document.withdrawn_reason:
        text = _("%(number)s %(category)s of %(date)s withdrawn because %(reason)s") % words
    elif kind == Notification.Kind.DOCUMENT_WITHDRAWN:
        text = _("%(number)s %(category)s of %(date)s withdrawn") % words
    elif kind == Notification.Kind.DOCUMENT_CORRECTED:
        text = _("%(number)s %(category)s corrected: %(change)s") % words
    else:
        text = _("%(number)s %(category)s added, %(date)s") % words
    if own is not None and own.pk != app.pk:
        text = _("For your %(own)s: %(text)s") % {"own": number_display(own), "text": text}
    return text


@dataclass
class _Recipient:
    user: object
    watch: Watch | None = None
    request: DocumentRequest | None = None
    own: Application | None = None


@transaction.atomic
def notifications_for_document(
    *,
    document: Document,
    kind: str,
    actor=None,
    requests: Iterable[DocumentRequest] = (),
    change: str = "",
    told_elsewhere: frozenset[int] | set[int] = frozenset(),
) -> list[Notification]:
    """One notification per person for one event on a document, however many reasons they
    have to hear of it: a matching watch, a request it fulfils, or (for a correction or a
    withdrawal) having been told of the document before. `told_elsewhere`: people another
    notice of the same event reaches (a clerk's package notice)."""
    app = document.application
    watches = (
        Watch.objects.filter(
            Q(application_id=app.pk)
            | Q(scope=Watch.Scope.FAMILY, application__family_id=app.family_id)
        )
        .filter(user__is_active=True)
        .select_related("user__office", "application__office")
        .order_by("user_id", "pk")
    )
    actor_id = getattr(actor, "pk", None)
    told: dict[int, _Recipient] = {}
    # Visibility depends only on the reader's office (and operator flag): ask once per office.
    seen: dict[tuple[bool, int | None], bool] = {}

    def visible(user) -> bool:
        key = (user.is_operator, user.office_id)
        if key not in seen:
            seen[key] = _may_see(user, document)
        return seen[key]

    for watch in watches:
        if watch.user_id in told or not watch.matches(document):
            continue
        if watch.user_id == actor_id or not visible(watch.user):
            continue  # the person who uploaded it knows
        told[watch.user_id] = _Recipient(user=watch.user, watch=watch, own=watch.application)
    if kind != Notification.Kind.DOCUMENT_ADDED:
        # Everyone told of the document before hears of its correction or withdrawal.
        earlier = (
            Notification.objects.filter(document=document, user__is_active=True)
            .exclude(user_id=actor_id)
            .select_related("user__office", "request__requester_application__office")
            .order_by("pk")
        )
        for n in earlier:
            if n.user_id in told or not visible(n.user):
                continue
            own = n.request.requester_application if n.request_id else None
            told[n.user_id] = _Recipient(user=n.user, request=n.request, own=own)
    for req in requests:
        for join in req.joins.filter(user__is_active=True).select_related("user"):
            entry = told.setdefault(join.user_id, _Recipient(user=join.user))
            entry.request = req
            entry.own = req.requester_application or entry.own
    for user_id in told_elsewhere:
        told.pop(user_id, None)
    rows = []
    modes = email_modes(told)
    for user_id, entry in told.items():
        with in_language(entry.user):
            text = document_event_text(document=document, kind=kind, own=entry.own, change=change)
            if entry.request is not None and kind == Notification.Kind.DOCUMENT_ADDED:
                text += " \u2014 " + _("your request is fulfilled")
        mode = modes[user_id]
        if entry.request is None and entry.watch is not None and entry.watch.delivery:
            mode = entry.watch.delivery  # the watch's own choice overrides the settings
        rows.append(
            Notification(
                user_id=user_id,
                kind=kind,
                application=app,
                request=entry.request,
                **_document_fields(document),
                watch=entry.watch,
                text=text[:300],
                email=mode,
            )
        )
    rows = Notification.objects.bulk_create(rows)
    _enqueue_immediate(rows)
    return rows


def _document_fields(document) -> dict:
    """A notification's reference to its document: the row, or (no row) a web-service
    office's document by its id there, category and date."""
    if document.pk:
        return {"document": document}
    return {
        "remote_document_id": document.remote.id,
        "remote_category": document.category,
        "remote_date": document.date,
    }


DELIVER_TASK = "notifications.tasks.notification_deliver"  # its name since the start


def _enqueue_immediate(rows: list[Notification]) -> None:
    enqueue_on_commit(
        DELIVER_TASK,
        [n.pk for n in rows if n.email == Notification.Email.IMMEDIATE],
        swept_by="the outbox sweep",
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


# --------------------------------------------------------------------------------------------
# E-mail delivery (called by tasks)
# --------------------------------------------------------------------------------------------


def notification_claim(*, notification_id: int, token: uuid.UUID | None = None) -> uuid.UUID | None:
    """Take the right to send one notification's e-mail; None if sent or someone else holds it."""
    rows = Notification.objects.filter(pk=notification_id, email=Notification.Email.IMMEDIATE)
    return claim_rows(rows, token=token)


def mail_connection():
    return get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30)


def _email_for(notification: Notification) -> EmailMessage:
    if notification.kind == Notification.Kind.INVITATION:
        subject, body = user_invitation_email(user=notification.user)
        return EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.user.email],
            connection=mail_connection(),
        )
    if notification.user_id is None:
        # An office's request inbox: no in-app list to open, so the link is the request.
        path = reverse("notifications:request-detail", args=[notification.request_id])
    else:
        path = reverse("notifications:notification-open", args=[notification.pk])
    context = {
        "n": notification,
        "req": notification.request,
        "number": (
            number_display(notification.application)
            if notification.application
            else (notification.request.wanted_display if notification.request_id else "")
        ),
        "url": absolute_url(path),
        "unsubscribe_url": "",
    }
    headers = {}
    if notification.watch_id:
        context["unsubscribe_url"] = absolute_url(
            reverse(
                "notifications:watch-unsubscribe",
                args=[watch_unsubscribe_token(notification.watch)],
            )
        )
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    subject = one_line(render_to_string("notifications/email/subject.txt", context))
    body = render_to_string("notifications/email/body.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email_to or notification.user.email],
        headers=headers,
        connection=mail_connection(),
    )


def notification_email_send(*, notification_id: int, token: uuid.UUID) -> bool:
    """Send a claimed notification's e-mail and mark it sent. SMTP errors propagate (the task
    retries them); False if the claim was lost meanwhile."""
    notification = (
        Notification.objects.select_related(
            "user__office",
            "user__invited_by",
            "application__office",
            "document",
            "package__worklist",
            "watch",
            "request__requesting_office",
            "request__requester_application__office",
        )
        .filter(pk=notification_id, claim_token=token, sent_at=None)
        .first()
    )
    if notification is None:
        return False
    reader = notification.user
    if notification.kind == Notification.Kind.INVITATION and reader and not reader.language:
        reader = reader.invited_by  # not signed in yet: the language of who invited them
    with in_language(reader):
        message = _email_for(notification)
    message.send()
    _mark_sent([notification], token)
    return True


@transaction.atomic
def _mark_sent(rows: list[Notification], token: uuid.UUID) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in rows], claim_token=token).update(
        sent_at=timezone.now(), claim_token=None, last_error=""
    )
    for n in rows:
        if n.kind == Notification.Kind.INVITATION:
            continue  # an account mail, not a notification the statistics count
        usage_record(
            action=Action.NOTIFICATION_SENT,
            user=n.user,
            office=None if n.user_id else (n.request.provider_office if n.request_id else None),
            provider_office=n.application.office if n.application_id else None,
            application_id=n.application_id,
            document_id=n.document_id,
        )


def claim_failed(rows, error: str) -> None:
    """Write an SMTP error on a claim's rows. The claim is kept (and refreshed) so the sweep
    leaves them to the retrying task; once the task gives up, the claim goes stale and the
    sweep tries again."""
    rows.update(claimed_at=timezone.now(), last_error=error[:300])


def notification_failed(*, notification_id: int, token: uuid.UUID, error: str) -> None:
    claim_failed(Notification.objects.filter(pk=notification_id, claim_token=token), error)


def digest_failed(*, user_id: int, token: uuid.UUID, error: str) -> None:
    # A digest's claim holds the person's rows that carry its token (new to each claim).
    claim_failed(Notification.objects.filter(user_id=user_id, claim_token=token), error)


def outbox_pending_ids(*, min_age: dt.timedelta = dt.timedelta(seconds=60)) -> list[int]:
    """Immediate e-mails left unsent (see pending_ids)."""
    return pending_ids(
        Notification.objects.filter(email=Notification.Email.IMMEDIATE), min_age=min_age
    )


def digest_claim(*, user_id: int, token: uuid.UUID | None = None) -> uuid.UUID | None:
    """Claim every pending digest notification of one person (one e-mail for all of them),
    once a day: a second run the same day (two beats, a redelivered message) claims nothing
    (None). A retry passes its token and keeps what it claimed."""
    now = timezone.now()
    if token is not None:
        held = Notification.objects.filter(claim_token=token, sent_at=None).update(claimed_at=now)
        return token if held else None
    today = timezone.localdate(now)
    Preference.objects.get_or_create(user_id=user_id)
    if (
        not Preference.objects.filter(user_id=user_id)
        .exclude(digest_sent_on=today)
        .update(digest_sent_on=today)
    ):
        return None
    return claim_rows(Notification.objects.filter(user_id=user_id, email=Notification.Email.DIGEST))


def digest_email_send(*, user_id: int, token: uuid.UUID) -> int:
    rows = list(
        Notification.objects.select_related(
            "user", "application__office", "document", "watch", "package__worklist", "request"
        )
        .filter(claim_token=token, sent_at=None)
        .order_by("created_at", "pk")
    )
    if not rows:
        return 0
    user = rows[0].user
    items = [
        {
            "n": n,
            "url": absolute_url(reverse("notifications:notification-open", args=[n.pk])),
            "unsubscribe_url": absolute_url(
                reverse("notifications:watch-unsubscribe", args=[watch_unsubscribe_token(n.watch)])
            )
            if n.watch_id
            else "",
        }
        for n in rows
    ]
    context = {
        "user": user,
        "items": items,
        "date": timezone.localdate(),
        "settings_url": absolute_url(reverse("notifications:settings")),
    }
    with in_language(user):
        subject = render_to_string("notifications/email/digest_subject.txt", context)
        body = render_to_string("notifications/email/digest_body.txt", context)
    EmailMessage(
        subject=one_line(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=mail_connection(),
    ).send()
    _mark_sent(rows, token)
    return len(rows)


def digest_user_ids() -> list[int]:
    return list(
        Notification.objects.filter(email=Notification.Email.DIGEST, sent_at=None)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------


def notification_for_invitation(*, user) -> Notification:
    """The invitation e-mail as an outbox row (read already: it is not news in the app)."""
    notification = Notification.objects.create(
        user=user,
        kind=Notification.Kind.INVITATION,
        text=text_for(
            user, lambda: _("Invitation to CASE Portal (%(office)s)") % {"office": user.office.code}
        )[:300],
        email=Notification.Email.IMMEDIATE,
        read_at=timezone.now(),
    )
    _enqueue_immediate([notification])
    return notification
