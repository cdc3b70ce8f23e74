"""Every page needs a login, and admins/operators need MFA before they can do anything else."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's middleware, except the API: it authenticates API keys itself and answers JSON."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class MfaRequiredMiddleware:
    # Pages a person must still reach to set MFA up (allauth lives under /accounts/), and the
    # language switch and JavaScript catalogue those pages use.
    exempt_prefixes = ("/accounts/", "/api/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_MFA
            and user is not None
            and user.is_authenticated
            and user.needs_mfa
            and not request.path.startswith(self.exempt_prefixes)
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                from .services import user_mfa_blocker

                blocker = user_mfa_blocker(user)
                if blocker:
                    # TOTP setup would refuse them: send them where they can clear the blocker
                    # (re-send the verification mail), never round the TOTP page again.
                    messages.warning(
                        request,
                        f"{blocker} Use “Re-send verification” below, open the link in the mail,"
                        " then set up two-factor authentication.",
                    )
                    return redirect(reverse("account_email"))
                messages.warning(
                    request,
                    "Office admins and operators must set up two-factor authentication "
                    "before using the portal.",
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person's own language (their profile) wins over the cookie and the browser
    that LocaleMiddleware read; the cookie follows it, so the login page after logging out
    speaks it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = ""
        if user is not None and user.is_authenticated and user.language:
            from .services import language_supported

            if language_supported(user.language):
                language = user.language
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
