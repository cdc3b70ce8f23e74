from django.shortcuts import render

from stats.models import Action
from stats.services import usage_record

from .. import selectors


def family_detail(request, family_id: int):
    try:
        focus_id = int(request.GET.get("from", "") or 0) or None
    except ValueError:
        focus_id = None
    page = selectors.family_get_for_user(user=request.user, family_id=family_id, focus_id=focus_id)
    view = "simple" if request.GET.get("view") == "simple" else "extended"
    members = (
        page.members if view == "extended" else [m for m in page.members if m.pk in page.simple_ids]
    )
    usage_record(
        action=Action.FAMILY_VIEW,
        user=request.user,
        application_id=(page.focus or page.members[0]).pk,
    )
    return render(
        request,
        "dossiers/family_detail.html",
        {"page": page, "members": members, "view": view, "focus": page.focus or page.members[0]},
    )
