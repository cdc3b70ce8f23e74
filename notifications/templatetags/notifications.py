"""Watch and request state for the family page's member actions: read once per page for the
page's members only (selectors.member_states), however many members there are."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext, pgettext

from dossiers.family_page import url_maker
from notifications import selectors
from notifications.models import Watch

register = template.Library()


def _states(user, applications) -> selectors.MemberStates:
    return selectors.member_states(user=user, application_ids=[a.pk for a in applications])


@register.simple_tag
def family_watch_for(family, members, user):
    """The user's whole-family watch on any of these members, if any."""
    watches = _states(user, members).watches
    for member in members:
        watch = watches.get(member.pk)
        if watch and watch.scope == Watch.Scope.FAMILY:
            return watch
    return None


def _page_parts(request) -> dict:
    """What every member's actions repeat, made once per page: links, words, this page's URL
    (the member actions were half the family page's template time in the profile)."""
    parts = getattr(request, "_member_actions_parts", None)
    if parts is None:
        parts = {
            "watch_url": url_maker("notifications:watch-edit"),
            "request_url": url_maker("notifications:request-detail"),
            "watch_quick_url": reverse("notifications:watch-quick"),
            "request_new_url": reverse("notifications:request-new") + "?application=",
            "incoming_url": reverse("notifications:request-list") + "?tab=incoming&state=active",
            "here": request.get_full_path(),
            "words": {
                "watch": pgettext("button", "Watch"),
                "ask_more": gettext("Ask for more"),
                "request": gettext("Request documents"),
            },
        }
        request._member_actions_parts = parts
    return parts


@register.simple_tag(takes_context=True)
def member_state(context, member, user) -> dict:
    """The family page's actions on one member: the reader's watch and their office's request
    on it, whether they may ask for documents, the open requests waiting on it (a clerk's)."""
    parts = _page_parts(context["request"])
    states = _states(user, [member])
    watch = states.watches.get(member.pk)
    request = states.requests.get(member.pk)
    return {
        **parts,
        "watch": watch,
        "watch_url": parts["watch_url"](watch.pk) if watch else "",
        "request": request,
        "request_url": parts["request_url"](request.pk) if request else "",
        "may_ask": bool(
            user.office_id and member.office_id != user.office_id and member.office.provides
        ),
        "request_new_url": f"{parts['request_new_url']}{member.pk}",
        "incoming": states.incoming.get(member.pk, 0),
    }


@register.simple_tag
def incoming_requests_for(application, user):
    """The open requests for one application of the user's providing office (its page)."""
    return list(selectors.requests_incoming_for_application(user=user, application=application))
