"""Read helpers shared by every app."""

from django.http import Http404


def one_or_404(queryset, pk, noun: str):
    """The row `pk` of a guarded queryset (one already scoped to what the user may see); missing
    and forbidden give the same 404, so a 404 never tells that a row exists."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404(f"No such {noun}.")
    return row
