"""View guards by role: a page someone may not use is simply not found (the same 404 as a
missing page, so the address says nothing)."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404


def role_required(allowed: Callable, message: str):
    """A view decorator: `allowed(request.user)` or a 404 with `message`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise Http404(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


office_admin_required = role_required(lambda user: user.is_office_admin, "Office admins only.")
provider_required = role_required(
    lambda user: user.can_provide, "Clerks and admins of providing offices only."
)
