"""reverse() kept per process for the links every page repeats (the menu, the badges, a table's
row links): a URL depends only on the URLconf and the script prefix, and reversing one cost
~20 µs, a few dozen times per page in the profile of the family page."""

import functools
from collections.abc import Callable

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse


def url_kept(name: str) -> str:
    """reverse(name) of a URL without arguments."""
    return _reversed(name, get_resolver(get_urlconf()), get_script_prefix())


def url_maker(name: str) -> Callable[[object], str]:
    """A function making the URL `name` with one argument (an id): reversed once, then filled in
    (a 60-row table would otherwise reverse 120 times)."""
    head, tail = _split(name, get_resolver(get_urlconf()), get_script_prefix())
    return lambda pk: f"{head}{pk}{tail}"


# Keyed by the resolver (a new one when the URLconf changes) and the prefix: a URL reversed
# under other settings is never given out.
@functools.lru_cache(maxsize=512)
def _reversed(name: str, resolver, prefix: str) -> str:
    return reverse(name)


_MARKER = 987654321


@functools.lru_cache(maxsize=512)
def _split(name: str, resolver, prefix: str) -> tuple[str, str]:
    head, tail = reverse(name, args=[_MARKER]).split(str(_MARKER))
    return head, tail
