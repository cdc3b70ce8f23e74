"""Examiner search: a pasted list of numbers (posted in the body), and number permalinks."""

from django.shortcuts import redirect, render
from django.urls import reverse

from stats.models import Action
from stats.services import usage_record

from .. import selectors


def _family_url(line) -> str:
    url = reverse("dossiers:family-detail", args=[line.family_ids[0]])
    return f"{url}?from={line.application.pk}"


def _one_family(lines) -> bool:
    """One number that reaches exactly one family, with no other reading that exists."""
    return len(lines) == 1 and len(lines[0].family_ids) == 1 and not lines[0].ambiguous


def search(request):
    # The list comes in the body (a long paste would not fit in a URL); links may use ?q=.
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("q", "")
    typed = selectors.search_lines_split(text)
    searched, rest = typed[: selectors.MAX_SEARCH_LINES], typed[selectors.MAX_SEARCH_LINES :]
    lines = selectors.search_resolve(user=request.user, texts=searched) if searched else []
    if lines:
        usage_record(action=Action.SEARCH, user=request.user, count=len(lines))
    if _one_family(lines) and data.get("list") != "1":
        return redirect(_family_url(lines[0]))
    return render(
        request,
        "dossiers/search.html",
        {
            "q": "\n".join(searched) if rest else text,
            "lines": lines,
            "rest": "\n".join(rest),
            "rest_count": len(rest),
            "max_lines": selectors.MAX_SEARCH_LINES,
        },
    )


def number_permalink(request, spelling: str):
    """/numbers/<any spelling>/: straight to the family, else the search result line."""
    lines = selectors.search_resolve(user=request.user, texts=[spelling.strip("/ ")])
    usage_record(action=Action.SEARCH, user=request.user, count=1)
    if _one_family(lines):
        return redirect(_family_url(lines[0]))
    status = 200 if lines and lines[0].found else 404
    return render(
        request,
        "dossiers/search.html",
        {"q": spelling, "lines": lines, "rest": "", "max_lines": selectors.MAX_SEARCH_LINES},
        status=status,
    )
