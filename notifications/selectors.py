"""Reads for watch lists, notifications and document requests (fetch-and-authorise helpers)."""

from django.db.models import Count, Q
from django.http import Http404

from .models import DocumentRequest, Notification, Watch


def watch_list_for_user(*, user):
    return Watch.objects.filter(user=user).select_related("application__office")


def watch_get_for_user(*, user, watch_id: int) -> Watch:
    watch = watch_list_for_user(user=user).filter(pk=watch_id).first()
    if watch is None:
        raise Http404("No such watch.")
    return watch


def notification_list_for_user(*, user):
    return Notification.objects.filter(user=user).select_related(
        "application__office", "document", "request", "package"
    )


def notification_get_for_user(*, user, notification_id: int) -> Notification:
    notification = notification_list_for_user(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def _request_base():
    return (
        DocumentRequest.objects.select_related(
            "application__office", "requesting_office", "provider_office", "fulfilled_by"
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
    req = _request_base().filter(scope, pk=request_id).first()
    if req is None:
        raise Http404("No such request.")
    return req


def request_active_for(*, application, office):
    if office is None:
        return None
    return DocumentRequest.objects.filter(
        application=application, requesting_office=office, state__in=DocumentRequest.ACTIVE
    ).first()
