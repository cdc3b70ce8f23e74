"""Navigation by role: each role sees the entries for its work."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from case_portal.reversing import url_kept

# (label, url name, who sees it)
NAV = [
    (_("Search"), "dossiers:search", {"examiner", "clerk", "office_admin", "operator"}),
    (_("Watch list"), "notifications:watch-list", {"examiner", "clerk"}),
    (_("Requests"), "notifications:request-list", {"examiner", "clerk", "office_admin"}),
    (_("Worklists"), "dossiers:worklist-list", {"clerk", "office_admin"}),
    (_("Upload"), "dossiers:upload-home", {"provider"}),
    (_("Statistics"), "stats:statistics", {"office_admin", "operator"}),
    (_("Office admin"), "offices:user-list", {"office_admin"}),
]


def _roles(user) -> set[str]:
    roles = {user.role}
    if user.is_operator:
        roles.add("operator")
    if user.can_provide:
        roles.add("provider")
    return roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = _roles(user)
    items = []
    for label, name, audience in NAV:
        if not roles & audience:
            continue
        url = url_kept(name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items}


def languages(request):
    """The language switch's choices, each named in its own language as settings give it
    (Django's {% get_available_languages %} would name them in the current one)."""
    return {"language_choices": settings.LANGUAGES}
