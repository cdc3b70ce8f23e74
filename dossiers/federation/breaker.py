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


# Open breakers this process has seen, with their end: until then it needs no cache call to
# know (a page answered while an office is down costs no round trip). Other workers' successes
# are seen once the end passes, as the half-open trial would anyway.
_open_seen: dict[str, float] = {}


def breaker_seen_open(office_code: str) -> bool:
    """Whether this process saw the office's breaker open until a time still to come."""
    return _open_seen.get(office_code, 0.0) > time.time()


def state_is_open(state: dict | None) -> bool:
    return time.time() < (state or {}).get("open_until", 0.0)


def breaker_states(office_codes: set[str], *, also: list[str] = ()) -> tuple[dict, dict]:
    """Each office's breaker state (None: no failure on record) and the cache values of the
    keys in `also`, in at most one cache round trip (a page's lists ride along with it); no
    breaker key is read for an office this process saw open until a time still to come."""
    out: dict[str, dict | None] = {
        c: {"open_until": _open_seen[c]} for c in office_codes if breaker_seen_open(c)
    }
    rest = sorted(office_codes - set(out))
    keys = [_key(code) for code in rest] + list(also)
    found = cache.get_many(keys) if keys else {}
    for code in rest:
        out[code] = found.get(_key(code)) or None
        if state_is_open(out[code]):
            _open_seen[code] = out[code]["open_until"]
    return out, found


def breaker_success(office_code: str) -> None:
    _open_seen.pop(office_code, None)
    cache.delete_many([_key(office_code), _key(office_code) + ":trial"])


def breaker_failure(office_code: str) -> None:
    threshold, open_seconds = _settings()
    state = cache.get(_key(office_code)) or {"failures": 0, "open_until": 0.0}
    state["failures"] = state.get("failures", 0) + 1
    if state["failures"] >= threshold or state.get("open_until"):
        state["open_until"] = time.time() + open_seconds
    cache.set(_key(office_code), state, timeout=None)
    if state.get("open_until"):
        _open_seen[office_code] = state["open_until"]
    cache.delete(_key(office_code) + ":trial")
