"""Document requests between offices: make, answer, fulfil, expire; every step is told to
the other side through the outbox and counted as a usage event of the pair of offices."""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from case_portal import sql
from dossiers import numbers
from dossiers.models import Application, Document
from offices.models import Office, office_request_recipients
from stats.models import Action
from stats.services import usage_record

from ..models import DocumentRequest, Notification, RequestJoin
from .outbox import REPORT_CATEGORIES, _enqueue_immediate, email_modes, number_display, text_for

S = DocumentRequest.State
W = DocumentRequest.Wanted

# Which uploaded categories answer which wanted category.
ANSWERS = {
    W.ALL: set(REPORT_CATEGORIES),
    W.SEARCH_REPORT: {Document.Category.SEARCH_REPORT},
    W.WRITTEN_OPINION: {Document.Category.WRITTEN_OPINION},
    W.OFFICE_ACTION: {Document.Category.OFFICE_ACTION},
}


def request_expiry_days() -> int:
    return int(getattr(settings, "REQUESTS_EXPIRE_DAYS", 90))


def request_number(req: DocumentRequest) -> str:
    """The asked member in display form (also before the portal holds it)."""
    if req.application_id:
        return number_display(req.application)
    try:
        return numbers.format_display(req.wanted_key)
    except numbers.InvalidNumber:
        return req.wanted_display or req.wanted_key


def _own_prefix(req: DocumentRequest) -> str:
    own = req.requester_application
    return _("For your %(own)s: ") % {"own": number_display(own)} if own is not None else ""


def request_summary(req: DocumentRequest) -> str:
    """ "AU asks for the latest office action of CA 2,827,121 (for AU 2014351899)"."""
    own = req.requester_application
    text = _("%(office)s asks for %(what)s of %(number)s") % {
        "office": req.requesting_office.code,
        "what": req.get_category_display().lower(),
        "number": request_number(req),
    }
    if own is not None:
        text += " " + _("(for %(own)s)") % {"own": number_display(own)}
    if req.needed_by:
        text += _(", needed by %(date)s") % {"date": f"{req.needed_by:%Y-%m-%d}"}
    return text


# ------------------------------------------------------------------ who is told


def _request_notice(req: DocumentRequest, text: str, **recipient) -> Notification:
    """An unsaved notice about `req`; `recipient` says who hears it, how and of what kind."""
    return Notification(application=req.application, request=req, text=text[:300], **recipient)


def _notify_provider(
    req: DocumentRequest, text: Callable[[], str], *, exclude_user_id=None
) -> list:
    """The asked office's request contacts: in-app and e-mail, its inbox address by e-mail.
    `text()` is called in each recipient's language."""
    office = req.provider_office
    emailed, in_app = office_request_recipients(office)
    modes = email_modes(u.pk for u in emailed)
    rows = [
        _request_notice(
            req,
            text_for(user, text),
            kind=Notification.Kind.REQUEST_RECEIVED,
            user=user,
            email=modes.get(user.pk, Notification.Email.NONE),
        )
        for user in (*emailed, *in_app)
        if user.pk != exclude_user_id
    ]
    if office.request_inbox:
        rows.append(
            _request_notice(
                req,
                text_for(None, text),
                kind=Notification.Kind.REQUEST_RECEIVED,
                email_to=office.request_inbox,
                email=Notification.Email.IMMEDIATE,
                read_at=timezone.now(),
            )
        )
    rows = Notification.objects.bulk_create(rows)
    _enqueue_immediate(rows)
    return rows


def _requester_text(req: DocumentRequest) -> str:
    text = _own_prefix(req) + _("request for %(number)s (%(office)s): %(state)s") % {
        "number": request_number(req),
        "office": req.provider_office.code,
        "state": req.state_label,
    }
    if req.state == S.DECLINED:
        text += f" \u2014 {req.decline_reason}"
    return text


def _notify_requesters(req: DocumentRequest) -> list:
    joins = list(req.joins.filter(user__is_active=True).select_related("user"))
    modes = email_modes(join.user_id for join in joins)
    rows = Notification.objects.bulk_create(
        [
            _request_notice(
                req,
                text_for(join.user, lambda: _requester_text(req)),
                kind=Notification.Kind.REQUEST_UPDATED,
                user_id=join.user_id,
                email=modes[join.user_id],
            )
            for join in joins
        ]
    )
    _enqueue_immediate(rows)
    return rows


# ------------------------------------------------------------------ make


def _provider_check(user, provider: Office | None, shown: str) -> Office:
    if provider is None or not (provider.is_active and provider.provides):
        name = provider.name if provider else "That office"
        raise ValidationError(_("%(name)s does not share documents through CASE.") % {"name": name})
    if provider.pk == user.office_id:
        raise ValidationError(
            _("%(shown)s is an application of your own office.") % {"shown": shown}
        )
    if not provider.admits(user.office):
        # Its policy would hide the reports from us anyway; asking only leaks our interest.
        raise ValidationError(
            _("%(office)s does not share its documents with your office.")
            % {"office": provider.name}
        )
    return provider


def request_provider_for_number(*, user, number: numbers.PatentNumber) -> Office:
    """The office asked for a number the portal does not hold; refused unless it takes part."""
    office = Office.objects.filter(code=number.office).first()
    if office is None:
        raise ValidationError(
            _(
                "%(office)s is not an office of the CASE Portal, so %(number)s cannot be "
                "requested through it."
            )
            % {"office": number.office, "number": number.display}
        )
    return _provider_check(user, office, number.display)


@transaction.atomic
def request_make(
    *,
    user,
    application: Application | None = None,
    number: numbers.PatentNumber | None = None,
    category: str = W.ALL,
    message: str = "",
    needed_by: dt.date | None = None,
    requester_application: Application | None = None,
) -> tuple[DocumentRequest, str]:
    """Ask an office for reports of one of its applications, or of a valid number the portal
    does not hold yet. Returns (request, outcome): "created", "joined" (a colleague asked for
    the same already) or "already"."""
    if user.office_id is None:
        raise ValidationError(_("Only people of an office can request documents."))
    if category not in W.values:
        raise ValidationError({"category": _("Choose what you need.")})
    if application is None and number is None:
        raise ValidationError(_("Say which application the request is for."))
    if application is not None:
        shown = number_display(application)
        provider = _provider_check(user, application.office, shown)
        if category in (W.SEARCH_REPORT, W.WRITTEN_OPINION):
            shared = (
                Document.objects.visible_to(user)
                .live()
                .filter(application=application, category=category)
                .exists()
            )
            if shared:
                # An office action can always be newer; a search report is issued once.
                raise ValidationError(
                    _(
                        "The %(category)s of %(number)s is already shared; open the family to "
                        "read it."
                    )
                    % {"category": W(category).label.lower(), "number": shown}
                )
        # Lock the application so two examiners asking at once end up in one request.
        Application.objects.select_for_update().filter(pk=application.pk).first()
        key, display = application.key, shown
        active = Q(application=application)
    else:
        shown = number.display
        provider = request_provider_for_number(user=user, number=number)
        key, display = number.key, number.display
        active = Q(application=None, wanted_key=key)
    if needed_by is not None and needed_by < timezone.localdate():
        raise ValidationError({"needed_by": _("The date you need the reports by is in the past.")})
    if requester_application is not None and requester_application.office_id != user.office_id:
        raise ValidationError(_("Your own application must be one of your office's."))
    req = (
        DocumentRequest.objects.select_for_update(of=("self",))
        .filter(active, requesting_office_id=user.office_id, category=category, state__in=S_ACTIVE)
        .first()
    )
    outcome = "joined"
    if req is None:
        req = DocumentRequest(
            application=application,
            wanted_key=key,
            wanted_display=display[:60],
            category=category,
            requesting_office_id=user.office_id,
            provider_office=provider,
            requester_application=requester_application,
            needed_by=needed_by,
            changed_by=user,
        )
        req.full_clean()
        req.save()
        outcome = "created"
        usage_record(
            action=Action.REQUEST_MADE,
            user=user,
            office=user.office,
            provider_office=provider,
            application_id=application.pk if application else None,
        )
    elif needed_by and (req.needed_by is None or needed_by < req.needed_by):
        req.needed_by = needed_by  # the earliest date of those asking is the one that counts
        req.save(update_fields=["needed_by"])
    _join, joined = RequestJoin.objects.get_or_create(
        request=req, user=user, defaults={"message": message.strip()}
    )
    if not joined:
        return req, "already"
    if outcome == "created":
        note = f": \u201c{message.strip()}\u201d" if message.strip() else ""
        _notify_provider(req, lambda: (request_summary(req) + note)[:300])
    return req, outcome


S_ACTIVE = DocumentRequest.ACTIVE


# ------------------------------------------------------------------ answer


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
    """Accept (with an expected date), mark examination commenced, or decline with a reason
    (providing office's clerks and admins only); the requesters are told."""
    req = (
        DocumentRequest.objects.select_for_update(of=("self",))
        .select_related(
            "application__office",
            "provider_office",
            "requesting_office",
            "requester_application__office",
        )
        .get(pk=request.pk)
    )
    if not request_handled_by(user=user, request=req):
        raise ValidationError(
            _("Only clerks and admins of %(office)s can change this request.")
            % {"office": req.provider_office.name}
        )
    if state not in S.values:
        raise ValidationError(_("Unknown state."))
    target = S(state)
    if target not in DocumentRequest.TRANSITIONS[S(req.state)]:
        raise ValidationError(
            _("A request that is %(state)s cannot be marked %(target)s.")
            % {"state": req.get_state_display().lower(), "target": target.label.lower()}
        )
    if target in (S.ACKNOWLEDGED, S.EXAMINATION_COMMENCED):
        if expected_date is None:
            raise ValidationError(
                {"expected_date": _("Give the date the reports are expected by.")}
            )
        if expected_date < timezone.localdate():
            raise ValidationError({"expected_date": _("The expected date is in the past.")})
        req.expected_date = expected_date
    if target == S.DECLINED:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the request is declined.")})
        req.decline_reason = reason.strip()[:500]
    accepted_now = target != S.DECLINED and req.state == S.OPEN
    req.state = target
    req.changed_by = user
    req.updated_at = timezone.now()
    req.full_clean()
    req.save()
    if accepted_now or target == S.DECLINED:
        usage_record(
            action=Action.REQUEST_DECLINED if target == S.DECLINED else Action.REQUEST_ACCEPTED,
            user=user,
            office=req.requesting_office,
            provider_office=req.provider_office,
            application_id=req.application_id,
        )
    _notify_requesters(req)
    return req


# ------------------------------------------------------------------ fulfil


@transaction.atomic
def requests_fulfil_for_document(*, document: Document, actor=None) -> list[DocumentRequest]:
    """A report arrived: every active request it answers is fulfilled. The requesters are
    told by the caller, in the one notification about the document."""
    if document.category not in REPORT_CATEGORIES or document.withdrawn_at is not None:
        return []
    app = document.application
    reqs = list(
        DocumentRequest.objects.select_for_update(of=("self",))
        .select_related("requesting_office", "provider_office", "requester_application__office")
        .filter(Q(application=app) | Q(application=None, wanted_key=app.key))
        .filter(state__in=S_ACTIVE)
    )
    done = []
    for req in reqs:
        if document.category not in ANSWERS[W(req.category)]:
            continue
        # A report the requesting office may not read does not answer its request.
        if not (app.published and app.office.admits(req.requesting_office)):
            continue
        req.application = app
        req.state = S.FULFILLED
        req.fulfilled_by = document if document.pk else None
        if document.pk is None:  # a web-service office's document: no row to point at
            req.fulfilled_remote_id = document.remote.id
            req.fulfilled_remote_category = document.category
            req.fulfilled_remote_date = document.date
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
        done.append(req)
    return done


@transaction.atomic
def requests_attach_for_applications(*, application_ids: list[int]) -> int:
    """Numbers asked for before the portal held them are now provided: their requests point at
    them (any spelling an application is known by: own number, publications). One UPDATE for a
    whole bulk call. Only once published: a request pointing at an unpublished application
    would tell the asking office that it exists, and its title (issue 18.2); its publication
    saves it again and attaches then."""
    if not application_ids:
        return 0
    # One statement with the ids as one array parameter: the ORM's `__in` spelled out every id
    # twice (Exists and Subquery), and planning that was a tenth of an import's write time.
    # Several keys may match: the lowest application id wins, as one by one.
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE notifications_documentrequest AS r"  # noqa: S608 - names only
            " SET application_id = m.application_id, updated_at = %s FROM ("
            "  SELECT q.id, MIN(lk.application_id) AS application_id"
            "  FROM notifications_documentrequest q"
            "  JOIN dossiers_lookupkey lk ON lk.key = q.wanted_key"
            "  JOIN dossiers_application a ON a.id = lk.application_id"
            f"  WHERE q.application_id IS NULL AND {sql.one_of(connection, 'lk.application_id')}"
            "   AND a.published AND a.office_id = q.provider_office_id"
            "  GROUP BY q.id) AS m"
            " WHERE r.id = m.id",
            [timezone.now(), sql.one_of_param(connection, map(int, application_ids))],
        )
        return cur.rowcount


# ------------------------------------------------------------------ expire


@transaction.atomic
def requests_expire(*, now: dt.datetime | None = None) -> int:
    """Requests open longer than the configured time (REQUESTS_EXPIRE_DAYS) expire; both
    sides are told."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=request_expiry_days())
    reqs = list(
        DocumentRequest.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related(
            "application__office",
            "provider_office",
            "requesting_office",
            "requester_application__office",
        )
        .filter(state__in=S_ACTIVE, created_at__lt=cutoff)
    )
    for req in reqs:
        req.state = S.EXPIRED
        req.updated_at = now
        req.save(update_fields=["state", "updated_at"])
        usage_record(
            action=Action.REQUEST_EXPIRED,
            office=req.requesting_office,
            provider_office=req.provider_office,
            application_id=req.application_id,
        )
        _notify_requesters(req)
        _notify_provider(
            req,
            lambda req=req: (
                _("Expired after %(days)s days without an answer: %(request)s")
                % {"days": request_expiry_days(), "request": request_summary(req)}
            ),
        )
    return len(reqs)
