"""A per-office circuit breaker, shared by every worker through the cache (Redis in production).

Closed: calls go through. After FAILURES failures in a row it opens for OPEN_SECONDS: calls are
refused at once (the page answers as fast as a deposited one). Then one trial call is let
through (half-open); a success closes it, a failure opens it again.
"""

import time

from django.conf import settings
from django.core.cache import cache


def _key(office_code: str) -> str:
    return f"federation:breaker:{office_code}"


def _settings() -> tuple[int, float]:
    return (
        getattr(settings, "FEDERATION_BREAKER_FAILURES", 3),
        getattr(settings, "FEDERATION_BREAKER_OPEN_SECONDS", 30.0),
    )


def breaker_allows(office_code: str) -> bool:
    state = cache.get(_key(office_code)) or {}
    open_until = state.get("open_until", 0.0)
    if not open_until or time.time() >= open_until:
        if open_until:
            # Half-open: one caller gets the trial; the others keep failing fast meanwhile.
            return cache.add(_key(office_code) + ":trial", 1, timeout=5)
        return True
    return False


def breaker_is_open(office_code: str) -> bool:
    state = cache.get(_key(office_code)) or {}
    return time.time() < state.get("open_until", 0.0)


def breaker_success(office_code: str) -> None:
    cache.delete_many([_key(office_code), _key(office_code) + ":trial"])


def breaker_failure(office_code: str) -> None:
    threshold, open_seconds = _settings()
    state = cache.get(_key(office_code)) or {"failures": 0, "open_until": 0.0}
    state["failures"] = state.get("failures", 0) + 1
    if state["failures"] >= threshold or state.get("open_until"):
        state["open_until"] = time.time() + open_seconds
    cache.set(_key(office_code), state, timeout=None)
    cache.delete(_key(office_code) + ":trial")
