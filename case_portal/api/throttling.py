"""Throttling per API key. Its own module: DRF imports DEFAULT_THROTTLE_CLASSES while
rest_framework.views is still loading, so this must not import DRF views."""

from rest_framework.throttling import SimpleRateThrottle


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Per API key, whatever address it calls from (settings: DEFAULT_THROTTLE_RATES['api_key'])."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        key = request.auth
        if getattr(key, "key_hash", None) is None:  # not an ApiKey: authentication refuses it
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.pk}


class ApiAddressRateThrottle(SimpleRateThrottle):
    """Calls without a working key, per client address (DEFAULT_THROTTLE_RATES['api_anon']).

    DRF authenticates before it throttles, and a missing or unknown key is refused (401) before
    any throttle runs, so ApiKeyAuthentication calls `check` itself first."""

    scope = "api_anon"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    @classmethod
    def check(cls, request) -> None:
        from rest_framework.exceptions import Throttled

        throttle = cls()
        if not throttle.allow_request(request, None):
            raise Throttled(throttle.wait())
