"""Portal-wide pages: the home page, health check and friendly error pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache


def home(request):
    return render(request, "home.html")


@login_not_required
@never_cache
def healthz(request):
    """For load balancers and compose health checks: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def admin_login(request):
    """The Django admin's own login would skip allauth's MFA step; everyone logs in one way."""
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme, urlencode

    target = request.GET.get("next", "/ops/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/ops/"
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


@login_not_required
def signup_closed(request, *args, **kwargs):
    raise Http404("Accounts are created by invitation from your office admin.")


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:  # noqa: BLE001 - the fault may be the database the page's header reads
        # Rendered without the request: no context processors, so no user or counts to load.
        return HttpResponseServerError(render_to_string("errors/500.html"))
