"""Writes for watch lists, the notification outbox (and its e-mail delivery) and requests.

Receivers of dossiers' signals call these inside the sender's transaction: rows only. E-mail
is I/O and happens in tasks, enqueued after commit; a row that never got its task (broker down,
worker killed) is found again by outbox_sweep.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from case_portal.jobs import enqueue_on_commit
from dossiers import numbers
from dossiers.models import Application, Document
from offices.services import user_invitation_email
from stats.models import Action
from stats.services import usage_record

from .models import DocumentRequest, Notification, RequestJoin, Watch

REPORT_CATEGORIES = (
    Document.Category.SEARCH_REPORT,
    Document.Category.WRITTEN_OPINION,
    Document.Category.OFFICE_ACTION,
)


def claim_timeout() -> dt.timedelta:
    """How long a claim protects a row being sent; longer than any SMTP retry back-off."""
    return dt.timedelta(seconds=getattr(settings, "NOTIFICATIONS_CLAIM_TIMEOUT", 600))


def number_display(application: Application) -> str:
    try:
        return numbers.format_display(application.key)
    except numbers.InvalidNumber:
        return application.display


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def notification_target(notification: Notification) -> str:
    """Where opening a notification leads: the document, else the request, else the family."""
    candidates = []
    if notification.package_id:
        candidates.append(
            ("dossiers:worklist-detail", {"worklist_id": notification.package.worklist_id})
        )
    if notification.document_id and notification.kind != Notification.Kind.DOCUMENT_WITHDRAWN:
        candidates.append(("dossiers:document-detail", {"document_id": notification.document_id}))
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
    delivery: str = Watch.Delivery.IMMEDIATE,
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
    return Document.objects.visible_to(user, include_withdrawn=True).filter(pk=document.pk).exists()


@transaction.atomic
def notifications_for_document(*, document: Document, kind: str, actor=None) -> list[Notification]:
    """Write one notification per matching watcher of the document's application or family."""
    app = document.application
    watches = (
        Watch.objects.filter(
            Q(application_id=app.pk)
            | Q(scope=Watch.Scope.FAMILY, application__family_id=app.family_id)
        )
        .filter(user__is_active=True)
        .select_related("user__office")
        .order_by("user_id", "pk")
    )
    label = document.get_category_display()
    shown = number_display(app)
    if kind == Notification.Kind.DOCUMENT_WITHDRAWN:
        text = f"{label} of {document.date:%Y-%m-%d} withdrawn from {shown} ({app.office.code})"
    else:
        text = f"{label} added to {shown} ({app.office.code}, {document.date:%Y-%m-%d})"
    by_user: dict[int, Watch] = {}
    # Visibility depends only on the watcher's office (and operator flag): ask once per office.
    seen: dict[tuple[bool, int | None], bool] = {}
    for watch in watches:
        if watch.user_id in by_user or not watch.matches(document):
            continue
        if actor is not None and watch.user_id == getattr(actor, "pk", None):
            continue  # the person who uploaded it knows
        key = (watch.user.is_operator, watch.user.office_id)
        if key not in seen:
            seen[key] = _may_see(watch.user, document)
        if not seen[key]:
            continue
        by_user[watch.user_id] = watch
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                application=app,
                document=document,
                text=text[:300],
                email=(
                    Notification.Email.DIGEST
                    if watch.delivery == Watch.Delivery.DIGEST
                    else Notification.Email.IMMEDIATE
                ),
            )
            for user_id, watch in by_user.items()
        ]
    )
    _enqueue_immediate(rows)
    return rows


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
    """Take the right to send one notification's e-mail; None if sent or someone else holds it.

    The conditional UPDATE is the lock: two workers (a redelivered message, a sweep's extra
    copy) cannot both see one row returned. A retry passes its own token to keep its claim.
    """
    now = timezone.now()
    free = Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
    if token is not None:
        free |= Q(claim_token=token)
    new_token = token or uuid.uuid4()
    claimed = (
        Notification.objects.filter(free, pk=notification_id, sent_at=None)
        .filter(email=Notification.Email.IMMEDIATE)
        .update(claimed_at=now, claim_token=new_token, attempts=F("attempts") + 1)
    )
    return new_token if claimed == 1 else None


def _mail_connection():
    return get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30)


def _email_for(notification: Notification) -> EmailMessage:
    if notification.kind == Notification.Kind.INVITATION:
        subject, body = user_invitation_email(user=notification.user)
        return EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.user.email],
            connection=_mail_connection(),
        )
    context = {
        "n": notification,
        "number": number_display(notification.application) if notification.application else "",
        "url": absolute_url(reverse("notifications:notification-open", args=[notification.pk])),
    }
    subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
    body = render_to_string("notifications/email/body.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
        connection=_mail_connection(),
    )


def notification_email_send(*, notification_id: int, token: uuid.UUID) -> bool:
    """Send a claimed notification's e-mail and mark it sent. SMTP errors propagate (the task
    retries them); False if the claim was lost meanwhile."""
    notification = (
        Notification.objects.select_related(
            "user__office", "application__office", "document", "package__worklist"
        )
        .filter(pk=notification_id, claim_token=token, sent_at=None)
        .first()
    )
    if notification is None:
        return False
    _email_for(notification).send()
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
            provider_office=n.application.office if n.application_id else None,
            application_id=n.application_id,
            document_id=n.document_id,
        )


def notification_failed(*, notification_ids: list[int], token: uuid.UUID, error: str) -> None:
    # The claim is kept (and refreshed) so the sweep leaves the row to the retrying task; once
    # the task gives up, the claim goes stale and the sweep tries again.
    Notification.objects.filter(pk__in=notification_ids, claim_token=token).update(
        claimed_at=timezone.now(), last_error=error[:300]
    )


def outbox_pending_ids(*, min_age: dt.timedelta = dt.timedelta(seconds=60)) -> list[int]:
    """Immediate e-mails not sent and not held by a live claim, older than `min_age` (fresh
    rows are still on their way through the queue)."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            email=Notification.Email.IMMEDIATE, sent_at=None, created_at__lte=now - min_age
        )
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()))
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )


def digest_claim(*, user_id: int, token: uuid.UUID | None = None) -> tuple[uuid.UUID, list[int]]:
    """Claim every pending digest notification of one person (one e-mail for all of them)."""
    now = timezone.now()
    if token is not None:
        ids = list(
            Notification.objects.filter(claim_token=token, sent_at=None).values_list(
                "pk", flat=True
            )
        )
        Notification.objects.filter(pk__in=ids).update(claimed_at=now)
        return token, ids
    token = uuid.uuid4()
    Notification.objects.filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()),
        user_id=user_id,
        email=Notification.Email.DIGEST,
        sent_at=None,
    ).update(claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    ids = list(Notification.objects.filter(claim_token=token).values_list("pk", flat=True))
    return token, ids


def digest_email_send(*, user_id: int, token: uuid.UUID) -> int:
    rows = list(
        Notification.objects.select_related("user", "application__office", "document")
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
        }
        for n in rows
    ]
    context = {"user": user, "items": items, "date": timezone.localdate()}
    subject = " ".join(render_to_string("notifications/email/digest_subject.txt", context).split())
    EmailMessage(
        subject=subject,
        body=render_to_string("notifications/email/digest_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=_mail_connection(),
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
# Document requests
# --------------------------------------------------------------------------------------------


@transaction.atomic
def request_make(
    *, user, application: Application, message: str = ""
) -> tuple[DocumentRequest, str]:
    """Ask the application's office for its reports. Returns (request, outcome) where outcome is
    "created", "joined" (another examiner of the office already asked) or "already"."""
    shown = number_display(application)
    if user.office_id is None:
        raise ValidationError("Only people of an office can request documents.")
    if application.office_id == user.office_id:
        raise ValidationError(f"{shown} is an application of your own office.")
    provider = application.office
    if not (provider.is_active and provider.provides):
        raise ValidationError(f"{provider.name} does not share documents through CASE.")
    if not provider.admits(user.office):
        # Its policy would hide the reports from us anyway; asking only leaks our interest.
        raise ValidationError(f"{provider.name} does not share its documents with your office.")
    shared = (
        Document.objects.visible_to(user)
        .live()
        .filter(application=application, category__in=REPORT_CATEGORIES)
        .exists()
    )
    if shared:
        raise ValidationError(
            f"Reports for {shown} are already shared; open the family to read them."
        )
    # Lock the application so two examiners asking at once end up in one request.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    req = DocumentRequest.objects.filter(
        application=application,
        requesting_office_id=user.office_id,
        state__in=DocumentRequest.ACTIVE,
    ).first()
    outcome = "joined"
    if req is None:
        req = DocumentRequest(
            application=application,
            requesting_office_id=user.office_id,
            provider_office=provider,
            changed_by=user,
        )
        req.full_clean()
        req.save()
        outcome = "created"
        usage_record(
            action=Action.REQUEST_MADE,
            user=user,
            provider_office=provider,
            application_id=application.pk,
        )
    _join, joined = RequestJoin.objects.get_or_create(
        request=req, user=user, defaults={"message": message.strip()}
    )
    if not joined:
        outcome = "already"
    return req, outcome


def _notify_requesters(req: DocumentRequest, document: Document | None = None) -> None:
    shown = number_display(req.application)
    text = f"Request for {shown} ({req.provider_office.code}): {req.state_label}"
    if req.state == DocumentRequest.State.DECLINED:
        text += f" — {req.decline_reason}"
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user_id=join.user_id,
                kind=Notification.Kind.REQUEST_UPDATED,
                application=req.application,
                document=document,
                request=req,
                text=text[:300],
                email=Notification.Email.IMMEDIATE,
            )
            for join in req.joins.filter(user__is_active=True)
        ]
    )
    _enqueue_immediate(rows)


def request_handled_by(*, user, request: DocumentRequest) -> bool:
    """Who may move a request along: the clerks and admins of the providing office."""
    return bool(user.can_provide and user.office_id == request.provider_office_id)


@transaction.atomic
def request_change(
    *,
    user,
    request: DocumentRequest,
    state: str,
    expected_date: dt.date | None = None,
    reason: str = "",
) -> DocumentRequest:
    """Move a request along its states (providing office's clerks and admins only)."""
    req = (
        DocumentRequest.objects.select_for_update()
        .select_related("application__office", "provider_office")
        .get(pk=request.pk)
    )
    if not request_handled_by(user=user, request=req):
        raise ValidationError(
            f"Only clerks and admins of {req.provider_office.name} can change this request."
        )
    if state not in DocumentRequest.State.values:
        raise ValidationError("Unknown state.")
    target = DocumentRequest.State(state)
    if target not in DocumentRequest.TRANSITIONS[DocumentRequest.State(req.state)]:
        raise ValidationError(
            f"A request that is {req.get_state_display().lower()} cannot be marked "
            f"{target.label.lower()}."
        )
    if target == DocumentRequest.State.EXAMINATION_COMMENCED:
        if expected_date is None:
            raise ValidationError({"expected_date": "Give the date the reports are expected by."})
        if expected_date < timezone.localdate():
            raise ValidationError({"expected_date": "The expected date is in the past."})
        req.expected_date = expected_date
    if target == DocumentRequest.State.DECLINED:
        if not reason.strip():
            raise ValidationError({"reason": "Say why the request is declined."})
        req.decline_reason = reason.strip()[:500]
    req.state = target
    req.changed_by = user
    req.updated_at = timezone.now()
    req.full_clean()
    req.save()
    _notify_requesters(req)
    return req


@transaction.atomic
def requests_fulfil_for_document(*, document: Document, actor=None) -> list[DocumentRequest]:
    """A search or examination report arrived: every active request for it is fulfilled."""
    if document.category not in REPORT_CATEGORIES or document.withdrawn_at is not None:
        return []
    app = document.application
    reqs = list(
        DocumentRequest.objects.select_for_update()
        .select_related("requesting_office", "provider_office", "application")
        .filter(application=app, state__in=DocumentRequest.ACTIVE)
    )
    done = []
    for req in reqs:
        # A report the requesting office may not read does not answer its request.
        if not (app.published and app.office.admits(req.requesting_office)):
            continue
        req.state = DocumentRequest.State.FULFILLED
        req.fulfilled_by = document
        req.changed_by = actor if getattr(actor, "pk", None) else None
        req.updated_at = timezone.now()
        req.save()
        usage_record(
            action=Action.REQUEST_FULFILLED,
            office=req.requesting_office,
            provider_office=req.provider_office,
            application_id=app.pk,
            document_id=document.pk,
        )
        _notify_requesters(req, document=document)
        done.append(req)
    return done


# --------------------------------------------------------------------------------------------
# Packages
# --------------------------------------------------------------------------------------------


def notification_for_package(*, package, user, automatic: bool) -> Notification | None:
    """Tell the clerk a package is ready: in the app always, by e-mail when nobody was watching
    the build (just-in-time packages are made by beat, days before the examination)."""
    if user is None or not user.is_active:
        return None
    worklist = package.worklist
    when = (
        f" for the examinations of {package.for_examination_date:%Y-%m-%d}"
        if package.for_examination_date
        else ""
    )
    notification = Notification.objects.create(
        user=user,
        kind=Notification.Kind.PACKAGE_READY,
        package=package,
        text=(
            f"The package of worklist \u201c{worklist.name}\u201d{when} is ready: "
            f"{package.done} document{'s' if package.done != 1 else ''}."
        )[:300],
        email=Notification.Email.IMMEDIATE if automatic else Notification.Email.NONE,
    )
    _enqueue_immediate([notification])
    return notification


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------


def notification_for_invitation(*, user) -> Notification:
    """The invitation e-mail as an outbox row (read already: it is not news in the app)."""
    notification = Notification.objects.create(
        user=user,
        kind=Notification.Kind.INVITATION,
        text=f"Invitation to CASE Portal ({user.office.code})"[:300],
        email=Notification.Email.IMMEDIATE,
        read_at=timezone.now(),
    )
    _enqueue_immediate([notification])
    return notification
