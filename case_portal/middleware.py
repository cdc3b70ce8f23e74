"""Response headers every page and API answer carries (issue 18: caching, PDFs, features), and
the page for a download whose storage does not answer."""

from django.shortcuts import render

from .storage import StorageUnreachable

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "interest-cohort=()"
)


class ResponseHeadersMiddleware:
    """Sits above django-csp in MIDDLEWARE, so it sees the CSP header that middleware set.

    - Dossier data never lingers in a shared or browser cache: every answer to a signed-in
      person or an API key is `private, no-store` unless the view chose otherwise.
    - A PDF is a document, not a page: `sandbox` keeps any script a file still carried (or a
      browser's own PDF viewer runs) away from the portal's origin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith("/static/"):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/"):
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "private, no-store"
        if response.get("Content-Type", "").startswith("application/pdf"):
            csp = response.get("Content-Security-Policy", "").strip().rstrip(";")
            if "sandbox" not in csp:
                response["Content-Security-Policy"] = f"{csp}; sandbox" if csp else "sandbox"
        return response


class StorageUnreachableMiddleware:
    """A download whose file storage does not answer is a 503 page saying so, in the reader's
    language, not a 500 (the API answers the same in JSON: case_portal.api.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StorageUnreachable):
            response = render(request, "errors/503.html", {"reason": str(exception)}, status=503)
            response["Retry-After"] = "120"
            return response
        return None
