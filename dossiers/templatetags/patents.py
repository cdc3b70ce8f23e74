"""The one template filter that shows a patent number: always the canonical display format."""

from django import template

from dossiers import numbers

register = template.Library()


@register.filter(name="number")
def number(key: str) -> str:
    """{{ application.key|number }} -> "US 13/926,335". Unknown shapes are shown as stored."""
    if not key:
        return ""
    try:
        return numbers.format_display(key)
    except numbers.InvalidNumber:
        return key
