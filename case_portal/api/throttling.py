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
