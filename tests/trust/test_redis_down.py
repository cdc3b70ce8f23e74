"""Issue 18 item 7: Redis stopped, or hanging, never stops log-in or the API; /healthz says
which dependency is down. A private redis-server on its own port (the shared one stays up)."""

import socket
import threading
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from case_portal import cache as failover
from offices.services import api_key_create
from tests.celery_fixtures import RedisServer
from tests.offices.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("celery-redis")]


def _redis_cache(settings, url: str):
    settings.CACHES = {
        "default": {
            "BACKEND": "case_portal.cache.FailoverRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # pytest-django's settings fixture sends setting_changed: Django drops its cache handlers.


def _login(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_log_in_and_api_work_with_redis_stopped_and_healthz_tells(
    client, settings, redis_server, examiner, office
):
    _redis_cache(settings, redis_server.url)
    _, raw = api_key_create(office=office, name="job", scopes=["access"])
    me = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("v1:me"), **me).status_code == 200

    redis_server.stop()
    started = time.monotonic()
    assert _login(client, examiner.email).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("v1:me"), **me).status_code == 200
    assert time.monotonic() - started < 5
    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    body = health.json()
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True and body["checks"]["storage"]["ok"] is True
    # Rate limits still bite while Redis is down (counted in the worker's memory).
    client.post(reverse("account_logout"))
    for _ in range(5):
        client.post(reverse("account_login"), {"login": examiner.email, "password": "wrong-one"})
    assert b"Too many failed login attempts" in _login(client, examiner.email).content

    redis_server.start()
    caches["default"]._down_until = 0  # noqa: SLF001 - skip the breaker's wait
    assert client.get(reverse("healthz")).status_code == 200


@pytest.fixture
def hung_redis():
    """Accepts connections and never answers: a hung Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_hung_redis_costs_one_bounded_timeout_not_one_per_request(
    client, settings, hung_redis, examiner, office
):
    _redis_cache(settings, hung_redis)
    _, raw = api_key_create(office=office, name="job", scopes=["access"])
    started = time.monotonic()
    assert _login(client, examiner.email).status_code == 302
    for _ in range(10):
        response = client.get(reverse("v1:me"), HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
    # One timeout (0.5 s) opens the breaker for RETRY_AFTER seconds; the rest skip Redis.
    assert time.monotonic() - started < failover.RETRY_AFTER
    assert caches["default"].redis_down
