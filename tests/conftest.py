import os

import pytest

from tests.factories import OfficeFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Fast hashing and per-test storage; everything else stays as production configures it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.REQUIRE_MFA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate-limit counters live in the cache. A per-process cache keeps parallel workers (and
    # one test's failed logins) from locking each other out; Redis is tested where it is the point.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _celery_state_restored():
    """Tests about the queue point Celery at their own broker or switch eager mode; whatever they
    do, the next test in this process starts with the app as configured."""
    from case_portal.celery import app

    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    yield
    if (app.conf.task_always_eager, app.conf.broker_url) != (eager, broker):
        app.conf.task_always_eager = eager
        app.conf.broker_url = broker
        # Drop (not close) pools made for another broker: a closed pool still referenced
        # elsewhere fails the next send with "Acquire on closed pool".
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture
def office(db):
    return OfficeFactory(code="CA", name="Canadian Intellectual Property Office")


@pytest.fixture
def other_office(db):
    return OfficeFactory(code="AU", name="IP Australia")


@pytest.fixture
def admin_user(office):
    return UserFactory(office=office, role="office_admin", email="admin@ca.test")


@pytest.fixture
def examiner(office):
    return UserFactory(office=office, role="examiner", email="examiner@ca.test")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def pytest_configure(config):
    os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
