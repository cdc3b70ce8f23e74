"""Examiner pages: search, family, document viewer and download."""

from django.shortcuts import redirect, render
from django.urls import reverse

from stats.models import Action
from stats.services import usage_record

from .. import selectors


def search(request):
    text = request.GET.get("q", "")
    lines = selectors.search_resolve(user=request.user, text=text) if text.strip() else []
    if lines:
        usage_record(action=Action.SEARCH, user=request.user, count=len(lines))
    # One number that reaches exactly one family: take the examiner straight there.
    if len(lines) == 1 and len(lines[0].family_ids) == 1 and request.GET.get("list") != "1":
        line = lines[0]
        url = reverse("dossiers:family-detail", args=[line.family_ids[0]])
        return redirect(f"{url}?from={line.matches[0].pk}")
    return render(
        request,
        "dossiers/search.html",
        {"q": text, "lines": lines, "too_many": len(lines) >= selectors.MAX_SEARCH_LINES},
    )
