"""Reads on the replica, writes and read-your-own-writes on the primary (DATABASE_REPLICA_URL).

Only a GET or HEAD request reads from the replica, and only while it has written nothing: the
first write sends the rest of the request to the primary, and a person's write pins their next
requests to the primary for DATABASE_REPLICA_PIN_SECONDS (a cookie), so after an upload or an
edit they see it at once even when the replica lags. Other people see it when the replica
catches up. Reads inside a transaction, and everything outside a request (Celery tasks,
commands), use the primary. A replica that does not answer (restarting, failed over) sends
this process's reads to the primary for REPLICA_RETRY_SECONDS, then it is tried again.
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "case_primary"
# Bookkeeping no page reads back after writing it: it neither pins nor ends replica reads.
UNPINNED = frozenset({"stats.usageevent", "stats.usagepending"})
# Who is logged in is always asked of the primary: a lagging replica must not log anyone out.
PRIMARY_ONLY = frozenset(
    {"sessions.session", "offices.user", "offices.apikey", "mfa.authenticator"}
)


# How long a process reads from the primary after the replica did not answer.
REPLICA_RETRY_SECONDS = 30.0
_replica_down_until = 0.0


@dataclass
class _Request:
    replica_ok: bool
    wrote: bool = False
    pin: bool = False
    replica_checked: bool = False


def _replica_answers() -> bool:
    """Whether the replica can be read now (asked once per request, before its first read): a
    page is never the one that finds a dead replica connection."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    conn = connections[REPLICA]
    try:
        conn.close_if_health_check_failed()  # a kept connection the replica dropped
        conn.ensure_connection()
    except DatabaseError:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning(
            "The read replica is not answering; reads go to the primary for %.0f s.",
            REPLICA_RETRY_SECONDS,
            exc_info=True,
        )
        return False
    return True


_request: ContextVar[_Request | None] = ContextVar("case_db_request", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _request.get()
        if (
            state is None
            or not state.replica_ok
            or state.wrote
            or model._meta.label_lower in PRIMARY_ONLY
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or not replica_configured()
        ):
            return DEFAULT_DB_ALIAS
        if not state.replica_checked:
            state.replica_checked = True
            state.replica_ok = _replica_answers()
            if not state.replica_ok:
                return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None and model._meta.label_lower not in UNPINNED:
            state.wrote = state.pin = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def _pinned(request) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaPinMiddleware:
    """Marks the request for the router and pins its person to the primary after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = _Request(replica_ok=request.method in ("GET", "HEAD") and not _pinned(request))
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.pin:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
