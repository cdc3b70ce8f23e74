"""The Redis cache, able to lose Redis (issue 18).

The cache holds only counters and scratch (log-in rate limits, API throttles); losing it must
not stop log-in or the API. Every call has a bounded socket timeout (CACHES OPTIONS), and when
Redis fails this backend answers from a per-process memory cache for `RETRY_AFTER` seconds
before it tries Redis again (a circuit breaker: a hung Redis costs one timeout, not one per
request). Rate limits therefore keep working while Redis is down, counted per worker process
(at most workers x the configured rate) rather than switched off; see docs/security.md.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_AFTER = 10.0


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _through_failover(name: str):
    def operation(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    operation.__name__ = name
    return operation


class FailoverRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"failover-{id(self)}", {"TIMEOUT": params.get("TIMEOUT")})
        self._down_until = 0.0

    @property
    def redis_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name, *args, **kwargs):
        if not self.redis_down:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _redis_errors() as exc:
                self._down_until = time.monotonic() + RETRY_AFTER
                logger.error("Redis cache unavailable (%s); using per-process memory.", exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    def ping(self) -> None:
        """Ask Redis itself (never the fallback): raises when it does not answer. /healthz."""
        self._cache.get_client(write=True).ping()


# Every cache operation RedisCache serves goes through _call (Redis, else the memory fallback).
_OPERATIONS = "add get set touch delete get_many has_key incr set_many delete_many clear".split()
for _name in _OPERATIONS:
    setattr(FailoverRedisCache, _name, _through_failover(_name))
