"""Reads for watch lists, notifications and document requests (fetch-and-authorise helpers)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from case_portal.selectors import one_or_404
from dossiers.federation.tracking import Interest
from dossiers.models import Application, Document, WorklistEntry

from .models import Delivery, DocumentRequest, Notification, Preference, Watch
from .services.requests import ANSWERS


def watch_list_for_user(*, user):
    return Watch.objects.filter(user=user).select_related("application__office")


def watch_get_for_user(*, user, watch_id: int) -> Watch:
    return one_or_404(watch_list_for_user(user=user), watch_id, "watch")


def delivery_for_user(*, user) -> str:
    """The person's e-mail choice for all notifications (no settings yet: each at once)."""
    preference = Preference.objects.filter(user=user).only("delivery").first()
    return preference.delivery if preference else Delivery.IMMEDIATE


def notification_list_for_user(*, user):
    return Notification.objects.filter(user=user).select_related(
        "application__office", "document", "request", "package"
    )


def notification_get_for_user(*, user, notification_id: int) -> Notification:
    return one_or_404(notification_list_for_user(user=user), notification_id, "notification")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def once_per_request(user, name: str, build):
    """`build(user)`, kept on the request's user object (loaded afresh for every request), so
    every part of a page that needs it reuses one query."""
    cache = getattr(user, name, None)
    if cache is None:
        cache = build(user)
        setattr(user, name, cache)
    return cache


def _requests_made(user) -> dict[int, DocumentRequest]:
    found: dict[int, DocumentRequest] = {}
    if user.office_id:
        # The oldest active request per application (an office may ask for several things).
        for r in DocumentRequest.objects.filter(
            requesting_office_id=user.office_id,
            state__in=DocumentRequest.ACTIVE,
            application__isnull=False,
        ).order_by("-pk"):
            found[r.application_id] = r
    return found


def requests_made_by_application(*, user) -> dict[int, DocumentRequest]:
    """{application id: the user's office's oldest active request for it}, read once per
    request: the family page's member actions and its "requested by your office" lines."""
    return once_per_request(user, "_notifications_requests", _requests_made)


def _request_base():
    return (
        DocumentRequest.objects.select_related(
            "application__office",
            "requesting_office",
            "provider_office",
            "fulfilled_by",
            "requester_application__office",
        )
        .annotate(requester_count=Count("joins"))
        .order_by("-created_at", "-pk")
    )


def user_handles_queue(user) -> bool:
    """Clerks and admins of a providing office work its incoming request queue."""
    return bool(user.can_provide)


def request_list_made(*, user):
    """Requests the user's office made (every examiner of the office sees them)."""
    if user.office_id is None:
        return DocumentRequest.objects.none()
    return _request_base().filter(requesting_office_id=user.office_id)


def request_list_incoming(*, user):
    """The providing office's queue; empty for anyone who does not work it."""
    if not user_handles_queue(user):
        return DocumentRequest.objects.none()
    return _request_base().filter(provider_office_id=user.office_id)


def request_get_for_user(*, user, request_id: int) -> DocumentRequest:
    """Visible to the requesting office, and to the clerks/admins of the providing office."""
    if user.is_operator:
        scope = Q()
    elif user.office_id is None:
        raise Http404("No such request.")
    else:
        scope = Q(requesting_office_id=user.office_id)
        if user_handles_queue(user):
            scope |= Q(provider_office_id=user.office_id)
    return one_or_404(_request_base().filter(scope), request_id, "request")


def request_active_for(*, application, office, category=None):
    if office is None:
        return None
    qs = DocumentRequest.objects.filter(
        application=application, requesting_office=office, state__in=DocumentRequest.ACTIVE
    )
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("pk").first()


def request_list_filter(qs, *, state: str = "", office: str = "", sort: str = ""):
    """The queue's filters: state ("active" or one state), the other office's code, and the
    order (needed-by first, or newest first)."""
    if state == "active":
        qs = qs.filter(state__in=DocumentRequest.ACTIVE)
    elif state in DocumentRequest.State.values:
        qs = qs.filter(state=state)
    if office:
        qs = qs.filter(Q(requesting_office__code=office) | Q(provider_office__code=office))
    if sort == "needed":
        qs = qs.order_by(F("needed_by").asc(nulls_last=True), "created_at", "pk")
    return qs


def requests_open_incoming_count(*, user) -> int:
    """The "Requests" badge: open requests waiting for the user's (providing) office."""
    if not user_handles_queue(user):
        return 0
    return DocumentRequest.objects.filter(
        provider_office_id=user.office_id, state__in=DocumentRequest.ACTIVE
    ).count()


def requests_incoming_for_application(*, user, application):
    """The providing office's open requests for one of its applications."""
    if not user_handles_queue(user) or application.office_id != user.office_id:
        return DocumentRequest.objects.none()
    return _request_base().filter(application=application, state__in=DocumentRequest.ACTIVE)


@dataclass
class RequestDefaults:
    own_choices: list[Application]
    own: Application | None
    needed_by: dt.date | None


def request_defaults(*, user, application: Application | None) -> RequestDefaults:
    """The requester's own application in the family and its examination date, from their
    office's worklists (the nearest coming examination wins), for the request form."""
    if application is None or user.office_id is None:
        return RequestDefaults([], None, None)
    own_choices = list(
        Application.objects.filter(family_id=application.family_id, office_id=user.office_id)
        .select_related("office")
        .order_by("filing_date", "pk")
    )
    entry = (
        WorklistEntry.objects.filter(
            worklist__office_id=user.office_id,
            application__in=own_choices,
            examination_date__gte=timezone.localdate(),
        )
        .order_by("examination_date", "pk")
        .first()
    )
    if entry is not None:
        own = next(a for a in own_choices if a.pk == entry.application_id)
        return RequestDefaults(own_choices, own, entry.examination_date)
    own = own_choices[0] if own_choices else None
    needed = own.examination_date if own and own.examination_date else None
    if needed and needed < timezone.localdate():
        needed = None
    return RequestDefaults(own_choices, own, needed)


def family_reports_elsewhere(*, user, application: Application) -> list[Document]:
    """What the family already holds from offices other than the asked one (newest first per
    office and category): the examiner looks there before asking."""
    docs = (
        Document.objects.visible_to(user)
        .live()
        .filter(
            application__family_id=application.family_id,
            category__in=(
                Document.Category.SEARCH_REPORT,
                Document.Category.WRITTEN_OPINION,
                Document.Category.OFFICE_ACTION,
            ),
        )
        .exclude(application__office_id=application.office_id)
        .exclude(application__office_id=user.office_id)
        .select_related("application__office")
        .order_by("application__office__code", "category", "-date", "-pk")
    )
    latest: dict[tuple[str, str], Document] = {}
    for doc in docs:
        latest.setdefault((doc.application.office.code, doc.category), doc)
    return list(latest.values())


def federation_interest(office) -> dict:
    """{application id: Interest} of `office`'s applications that someone watches (the
    application or its family) or has an open request on: what the federation's change check
    lists at a web-service office (registered in apps.py; dossiers cannot import us)."""
    since: dict[int, dt.datetime] = {}
    answers: dict[int, set[str]] = {}

    def note(app_id: int, when: dt.datetime) -> None:
        since[app_id] = min(when, since.get(app_id, when))

    apps = Application.objects.filter(office=office)
    for app_id, when in Watch.objects.filter(application__office=office).values_list(
        "application_id", "created_at"
    ):
        note(app_id, when)
    family_since: dict[int, dt.datetime] = {}
    for family_id, when in Watch.objects.filter(scope=Watch.Scope.FAMILY).values_list(
        "application__family_id", "created_at"
    ):
        family_since[family_id] = min(when, family_since.get(family_id, when))
    for app_id, family_id in apps.filter(family_id__in=list(family_since)).values_list(
        "pk", "family_id"
    ):
        note(app_id, family_since[family_id])
    for app_id, category, when in DocumentRequest.objects.filter(
        application__office=office, state__in=DocumentRequest.ACTIVE
    ).values_list("application_id", "category", "created_at"):
        note(app_id, when)
        answers.setdefault(app_id, set()).update(ANSWERS[DocumentRequest.Wanted(category)])
    return {a: Interest(since=s, answers=frozenset(answers.get(a, ()))) for a, s in since.items()}
