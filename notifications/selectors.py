"""Reads for watch lists, notifications and document requests (fetch-and-authorise helpers)."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, connections, router
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from case_portal import sql
from case_portal.compiled import prepared_cursor
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


# member_states' parts: (kind, id or count, application id, scope or state, created at).
_UNREAD_SQL = (
    "SELECT 'unread', count(*), CAST(NULL AS bigint), '', CAST(NULL AS timestamptz) "  # noqa: S608
    f"FROM {Notification._meta.db_table} WHERE user_id = %s AND read_at IS NULL"
)
_WATCHES_SQL = (
    "SELECT 'watch', id, application_id, scope, created_at "  # noqa: S608 - names only
    f"FROM {Watch._meta.db_table} WHERE user_id = %s AND {sql.one_of(connection, 'application_id')}"
)
_REQUESTS_SQL = (
    "SELECT '%(kind)s', id, application_id, state, created_at "  # noqa: S608 - names only
    f"FROM {DocumentRequest._meta.db_table} "
    "WHERE %(office)s = %%s AND "
    # Filled in with % below: the list slots' own %s doubled.
    + " AND ".join(
        sql.one_of(connection, *column).replace("%", "%%")
        for column in (("state", "text"), ("application_id",))
    )
)


@dataclass
class MemberStates:
    """The reader's state on a page's applications (the family page's member actions)."""

    watches: dict[int, Watch]  # the reader's watch anchored on each application
    requests: dict[int, DocumentRequest]  # the reader's office's oldest active request on each
    incoming: dict[int, int]  # open requests waiting on each (the providing office's clerks)


def member_states(*, user, application_ids) -> MemberStates:
    """MemberStates of `application_ids`, read once per request in one query that also counts
    the reader's unread notifications for the page frame (frame_counts)."""
    wanted = frozenset(application_ids)
    kept = getattr(user, "_notifications_states", None)
    if kept is not None and wanted <= kept[0]:
        return kept[1]
    if kept is not None:
        wanted |= kept[0]
    ids = list(wanted)
    # One statement, written out: the ORM's union of four querysets cost more to compile than
    # to run. Only the parts this reader has: an office's requests, a clerk's queue.
    db = connections[router.db_for_read(Notification)]
    ids, active = sql.one_of_param(db, ids), sql.one_of_param(db, DocumentRequest.ACTIVE)
    parts = [_UNREAD_SQL, _WATCHES_SQL]
    params: list = [user.pk, user.pk, ids]
    if user.office_id:
        parts.append(_REQUESTS_SQL % {"kind": "made", "office": "requesting_office_id"})
        params += [user.office_id, active, ids]
        if user_handles_queue(user):
            parts.append(_REQUESTS_SQL % {"kind": "incoming", "office": "provider_office_id"})
            params += [user.office_id, active, ids]
    # Prepared (planned once per connection): planning it took longer than running it.
    with prepared_cursor(db) as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    states = MemberStates({}, {}, {})
    for kind, pk, app_id, text, created_at in rows:
        created_at = sql.datetime_read(created_at)
        if kind == "unread":
            user._notifications_unread = pk
        elif kind == "watch":
            states.watches[app_id] = Watch(
                pk=pk, user_id=user.pk, application_id=app_id, scope=text, created_at=created_at
            )
        elif kind == "made":
            if app_id not in states.requests or pk < states.requests[app_id].pk:
                states.requests[app_id] = DocumentRequest(
                    pk=pk,
                    application_id=app_id,
                    requesting_office_id=user.office_id,
                    state=text,
                    created_at=created_at,
                )
        else:
            states.incoming[app_id] = states.incoming.get(app_id, 0) + 1
    user._notifications_states = (wanted, states)
    return states


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
    own_unpublished = Application.objects.filter(
        office_id=user.office_id, published=False, lookup_keys__key=OuterRef("wanted_key")
    )
    return (
        _request_base()
        .filter(provider_office_id=user.office_id)
        .annotate(provided_unpublished=Exists(own_unpublished))
    )


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


def request_provided_unpublished(*, user, request: DocumentRequest) -> Application | None:
    """The providing office's own application a request waits for: provided, not published yet,
    so not attached (issue 18.2). Its own clerks may know; the asking office sees nothing."""
    if request.application_id or not request.wanted_key:
        return None
    if user.office_id != request.provider_office_id or not user_handles_queue(user):
        return None
    return (
        Application.objects.filter(
            office_id=user.office_id, published=False, lookup_keys__key=request.wanted_key
        )
        .order_by("pk")
        .first()
    )


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
        # A code is two letters; anything else (a NUL from a crafted address, which PostgreSQL
        # cannot even compare) matches no office rather than reaching the database.
        if len(office) == 2 and office.isascii() and office.isalpha():
            qs = qs.filter(Q(requesting_office__code=office) | Q(provider_office__code=office))
        else:
            qs = qs.none()
    if sort == "needed":
        qs = qs.order_by(F("needed_by").asc(nulls_last=True), "created_at", "pk")
    return qs


_FRAME_SQL = {
    "unread": f"SELECT count(*) FROM {Notification._meta.db_table} "  # noqa: S608 - names only
    "WHERE user_id = %s AND read_at IS NULL",
    "queue": f"SELECT count(*) FROM {DocumentRequest._meta.db_table} "  # noqa: S608 - names only
    "WHERE provider_office_id = %s AND state IN ("
    + ", ".join(["%s"] * len(DocumentRequest.ACTIVE))
    + ")",
}


def frame_counts(*, user) -> tuple[int, int]:
    """The page frame's two badges: unread notifications, and the open requests waiting for
    the user's office when its clerks and admins work the queue ("Requests" badge). One
    statement: two ORM COUNTs cost a compile and a round trip each on every page. Only the
    parts this reader needs (an unread count member_states already read is not read again)."""
    unread = getattr(user, "_notifications_unread", None)
    queue = user_handles_queue(user)
    parts, params = [], []
    if unread is None:
        parts.append(_FRAME_SQL["unread"])
        params.append(user.pk)
    if queue:
        parts.append(_FRAME_SQL["queue"])
        params += [user.office_id, *DocumentRequest.ACTIVE]
    if not parts:
        return unread, 0
    with connections[router.db_for_read(Notification)].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({sql})" for sql in parts), params)
        found = list(cursor.fetchone())
    if unread is None:
        unread = found.pop(0)
    return unread, found[0] if queue else 0


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
