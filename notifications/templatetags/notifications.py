"""Watch and request state for the family page's member actions: read once per page for the
page's members only (selectors.member_states), however many members there are."""

from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from case_portal.reversing import url_kept, url_maker
from notifications import selectors
from notifications.models import DocumentRequest, Watch

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
            "watch_quick_url": escape(url_kept("notifications:watch-quick")),
            "request_new_url": escape(url_kept("notifications:request-new") + "?application="),
            "incoming_url": escape(
                url_kept("notifications:request-list") + "?tab=incoming&state=active"
            ),
            "here": escape(request.get_full_path()),
            "words": {
                "watch": escape(pgettext("button", "Watch")),
                "ask_more": escape(gettext("Ask for more")),
                "request": escape(gettext("Request documents")),
                "watching_family": escape(gettext("Watching (family)")),
                "watching": escape(gettext("Watching")),
                "requested": gettext("Requested: %(state)s"),
                "for": gettext("for %(number)s"),
            },
            "states": {value: str(label) for value, label in DocumentRequest.State.choices},
        }
        request._member_actions_parts = parts
    return parts


@register.simple_tag(takes_context=True)
def member_actions(context, member) -> SafeString:
    """The family page's actions on one member, written here once per member (a template
    included per member cost a fifth of the page): the reader's watch on it and their
    office's request, "ask for documents" when they may, or the open requests waiting on it
    (a clerk's). Translated texts escaped as {% translate %} does; into a
    {% blocktranslate %} text only its values are escaped."""
    user = context["user"]
    parts = _page_parts(context["request"])
    words = parts["words"]
    states = _states(user, [member])
    watch = states.watches.get(member.pk)
    request = states.requests.get(member.pk)
    display = escape(member.display)
    out = ['<div class="member-actions">']
    if "csrf" not in parts:  # the page's token, written once for every member's form
        parts["csrf"] = CsrfTokenNode().render(context)
    csrf = parts["csrf"]
    if watch:
        word = words["watching_family"] if watch.scope == Watch.Scope.FAMILY else words["watching"]
        url = escape(parts["watch_url"](watch.pk))
        out.append(f'<a class="pill pill-green" href="{url}">{word}</a>')
    else:
        out += [
            f'<form method="post" action="{parts["watch_quick_url"]}" class="inline">',
            f"{csrf}"
            f'<input type="hidden" name="application" value="{member.pk}">'
            f'<input type="hidden" name="next" value="{parts["here"]}#member-{member.pk}">',
            f'<button type="submit" class="button small">{words["watch"]}'
            f'<span class="visually-hidden"> {display}</span></button>',
            "</form>",
        ]
    if request:
        state = escape(parts["states"].get(request.state, request.state).lower())
        out.append(
            f'<a class="pill {request.pill}" href="{escape(parts["request_url"](request.pk))}">'
            f"{words['requested'] % {'state': state}}</a>"
        )
    may_ask = bool(user.office_id and member.office_id != user.office_id and member.office.provides)
    incoming = states.incoming.get(member.pk, 0)
    if may_ask:
        word = words["ask_more"] if request or member.documents_by_category else words["request"]
        out.append(
            f'<a class="button small" href="{parts["request_new_url"]}{member.pk}">{word}'
            f'<span class="visually-hidden"> {words["for"] % {"number": display}}</span></a>'
        )
    elif incoming:
        text = ngettext("%(count)s open request", "%(count)s open requests", incoming)
        out.append(
            f'<a class="pill pill-amber" href="{parts["incoming_url"]}">'
            f"{text % {'count': incoming}}</a>"
        )
    out.append("</div>")
    return mark_safe("\n".join(out))  # noqa: S308 - built from escaped values only


@register.simple_tag
def incoming_requests_for(application, user):
    """The open requests for one application of the user's providing office (its page)."""
    return list(selectors.requests_incoming_for_application(user=user, application=application))
