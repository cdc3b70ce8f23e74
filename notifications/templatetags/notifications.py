"""Watch and request state for the family page: one query each per page, however many members."""

from django import template

from notifications import selectors
from notifications.models import DocumentRequest, Watch

register = template.Library()


def _watches(user) -> dict[int, Watch]:
    return selectors.once_per_request(
        user,
        "_notifications_watches",
        lambda user: {w.application_id: w for w in Watch.objects.filter(user=user)},
    )


def _requests(user) -> dict[int, DocumentRequest]:
    return selectors.requests_made_by_application(user=user)


def _incoming_count(user) -> dict[int, int]:
    counts: dict[int, int] = {}
    if selectors.user_handles_queue(user):
        for app_id in DocumentRequest.objects.filter(
            provider_office_id=user.office_id,
            state__in=DocumentRequest.ACTIVE,
            application__isnull=False,
        ).values_list("application_id", flat=True):
            counts[app_id] = counts.get(app_id, 0) + 1
    return counts


def _incoming(user) -> dict[int, int]:
    """Open requests per application of the user's providing office (one query per page)."""
    return selectors.once_per_request(user, "_notifications_incoming", _incoming_count)


@register.simple_tag
def watch_for(application, user):
    """The user's watch anchored on this application, if any."""
    return _watches(user).get(application.pk)


@register.simple_tag
def family_watch_for(family, members, user):
    """The user's whole-family watch on any of these members, if any."""
    for member in members:
        watch = _watches(user).get(member.pk)
        if watch and watch.scope == Watch.Scope.FAMILY:
            return watch
    return None


@register.simple_tag
def request_for(application, user):
    """The user's office's active request for this application, if any."""
    return _requests(user).get(application.pk)


@register.simple_tag
def incoming_count_for(application, user):
    """How many open requests other offices made for this application of the user's office."""
    return _incoming(user).get(application.pk, 0)


@register.simple_tag
def incoming_requests_for(application, user):
    """The open requests for one application of the user's providing office (its page)."""
    return list(selectors.requests_incoming_for_application(user=user, application=application))
