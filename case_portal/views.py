"""Portal-wide pages: the home page, health check and friendly error pages."""

import functools
import logging
import os

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .storage import FileMissing

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "home.html")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    from django.core.cache import cache

    ping = getattr(cache, "ping", None)
    if ping is not None:  # Redis: ask it, not the per-process fallback
        ping()
    else:
        cache.set("healthz", "1", 5)


def _check_broker() -> None:
    """A PING on one kept connection: a load balancer asks every few seconds, and opening a
    broker connection per ask cost ten times the rest of the check."""
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run in-process: there is no broker
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        _broker_client(url, settings.REDIS_TIMEOUT).ping()
        return
    from case_portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=settings.REDIS_TIMEOUT)


@functools.cache
def _broker_client(url: str, timeout: float):
    import redis

    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def _check_storage() -> None:
    """Asks the storage without writing to it: a stat on local disk, a HEAD on a bucket
    (a probe file written and deleted on every health check is a write per poll)."""
    from django.core.files.storage import FileSystemStorage, default_storage

    if isinstance(default_storage, FileSystemStorage):
        os.makedirs(default_storage.location, exist_ok=True)  # as the first save would
        if not os.access(default_storage.location, os.W_OK | os.X_OK):
            raise PermissionError(f"report storage {default_storage.location} is read-only")
        return
    default_storage.exists("healthz/probe.txt")  # raises when the service cannot be reached


HEALTH_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "storage": _check_storage,
}


@login_not_required
@never_cache
def healthz(request):
    """For load balancers and compose health checks: each dependency, 503 if one is down."""
    checks = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a health check reports, it never raises
            logger.warning("healthz: %s is down: %s", name, exc)
            checks[name] = {"ok": False, "error": type(exc).__name__}
        else:
            checks[name] = {"ok": True}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required
def admin_login(request):
    """The Django admin's own login would skip allauth's MFA step; everyone logs in one way.
    A signed-in person who is not staff gets 403: sending them to log in again would loop."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied("The operations pages are for the portal's operators.")
    from django.utils.http import url_has_allowed_host_and_scheme, urlencode

    target = request.GET.get("next", "/ops/")
    # A path only: redirect() takes any other word ("abc") for a view name (a 500 if unknown).
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = "/ops/"
    if request.user.is_authenticated:  # staff already signed in through the portal
        return redirect(target)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


@login_not_required
def signup_closed(request, *args, **kwargs):
    raise Http404("Accounts are created by invitation from your office admin.")


def _api_error(request, status: int, message: str) -> JsonResponse | None:
    """Under /api/ an error Django answers itself (no such route, e.g. /api/v1/families/-1, or a
    fault outside a view's own handler) is the API's JSON error, not a page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"message": message, "detail": message, "errors": {}}, status=status)


def error_400(request, exception=None):
    return _api_error(request, 400, "Bad request.") or render(
        request, "errors/400.html", status=400
    )


def error_403(request, exception=None):
    return _api_error(request, 403, "Forbidden.") or render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    # Only a download's own words (FileMissing); other 404 messages are for developers.
    reason = str(exception) if isinstance(exception, FileMissing) else ""
    return _api_error(request, 404, reason or "Not found: no such API address.") or render(
        request, "errors/404.html", {"reason": reason}, status=404
    )


def error_500(request):
    api = _api_error(request, 500, "Server error: the request was not completed; try again.")
    if api is not None:
        return api
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:  # noqa: BLE001 - the fault may be the database the page's header reads
        # Rendered without the request: no context processors, so no user or counts to load.
        return HttpResponseServerError(render_to_string("errors/500.html"))
