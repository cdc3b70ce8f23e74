"""Machine clients authenticate with `Authorization: Bearer <key>` (office-scoped API keys)."""

from rest_framework import authentication, exceptions, permissions

from offices.models import ApiKey
from offices.services import api_key_authenticate


class ApiClient:
    """The principal behind an API key: acts for its office, never for a person."""

    is_authenticated = True
    is_anonymous = False
    is_operator = False
    can_provide = False  # a person's power; pages rendered for an API request (500) ask it
    is_active = True
    pk = None
    id = None

    def __init__(self, key: ApiKey):
        self.key = key
        self.office = key.office
        self.office_id = key.office_id
        self.role = "api"

    def __str__(self) -> str:
        return f"API key {self.key.prefix}… of {self.office.code}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        from .throttling import ApiAddressRateThrottle

        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            ApiAddressRateThrottle.check(request)
            return None
        if len(header) != 2:
            ApiAddressRateThrottle.check(request)
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Bearer <key>'."
            )
        key = api_key_authenticate(header[1])
        if key is None:
            ApiAddressRateThrottle.check(request)
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        return ApiClient(key), key

    def authenticate_header(self, request):
        return self.keyword


class _HasScope(permissions.BasePermission):
    scope = ""

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        if not key.has_scope(self.scope):
            self.message = f"This API key lacks the '{self.scope}' scope."
            return False
        return True


class HasAccessScope(_HasScope):
    scope = ApiKey.Scope.ACCESS


class HasProvideScope(_HasScope):
    scope = ApiKey.Scope.PROVIDE
