import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from dossiers.services.applications import PriorityIn, application_upsert
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import OfficeFactory, UserFactory

# Fixtures for real parts, each defined once for the whole suite.
pytest_plugins = ["tests.celery_fixtures", "tests.smtp_fixtures"]


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

    from dossiers.family_reads import offices_memo_clear
    from dossiers.federation.client import memos_clear

    cache.clear()
    memos_clear()  # the federation's per-process memories of that cache
    offices_memo_clear()  # and the offices' mark read from it


@pytest.fixture(autouse=True)
def _default_language():
    # A request through the test client (LocaleMiddleware) leaves its language active on the
    # thread: without this, a French page in one test made the next test's English French.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


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


@pytest.fixture
def world(office, other_office):
    """CA clerk; a US first filing with its AU and CA members; a CA application alone."""
    us_office = OfficeFactory(code="US", name="USPTO")
    clerk = UserFactory(office=office, role="clerk", email="clerk@ca.test")
    prio = [PriorityIn("US", "US 16/123,456", dt.date(2019, 3, 1))]
    us = application_upsert(
        office=us_office, number="US 16/123,456", filing_date=dt.date(2019, 3, 1), published=True
    )
    au = application_upsert(
        office=other_office,
        number="AU 2020123456",
        filing_date=dt.date(2020, 2, 28),
        priorities=prio,
        published=True,
    )
    ca1 = application_upsert(
        office=office,
        number="CA 3,000,001",
        filing_date=dt.date(2020, 2, 27),
        priorities=prio,
        title="Folding bicycle hinge",
    )
    ca2 = application_upsert(office=office, number="CA 3,000,002", title="Lonely invention")
    ca3 = application_upsert(office=office, number="CA 3,000,003")
    return {
        "clerk": clerk,
        "us_office": us_office,
        "us": us,
        "au": au,
        "ca1": ca1,
        "ca2": ca2,
        "ca3": ca3,
        "office": office,
        "other_office": other_office,
    }


@pytest.fixture
def docs(world):
    """Foreign reports in the world's families (2 and 3 pages long) and one of CA's own."""
    return {
        "us_sr": DocumentFactory(application=world["us"], date=dt.date(2020, 1, 10), pages=2),
        "us_oa": DocumentFactory(
            application=world["us"], category="office_action", date=dt.date(2021, 5, 4)
        ),
        "au_sr": DocumentFactory(application=world["au"], date=dt.date(2021, 3, 1), pages=3),
        "ca_own": DocumentFactory(
            application=world["ca1"], category="office_action", date=dt.date(2022, 1, 1)
        ),
    }


def _artifacts_root(config) -> Path:
    """$CASE_ARTIFACTS_DIR (one sub-folder per xdist worker), else `artifacts/` in this run's
    pytest base temp directory (under /tmp, new each run; pytest keeps the last three)."""
    if os.environ.get("CASE_ARTIFACTS_DIR"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        return Path(os.environ["CASE_ARTIFACTS_DIR"]) / worker
    return config._tmp_path_factory.getbasetemp() / "artifacts"


@pytest.fixture(scope="session")
def artifact_dir(request):
    """Folders for files a person may want to look at after the run (screenshots, rendered
    pages), never inside the repository: `artifact_dir("screenshots")` is
    `<artifacts>/screenshots/`, emptied the first time this run asks for it, so nothing an
    earlier run left is ever counted."""
    made: dict[str, Path] = {}

    def make(name: str) -> Path:
        if name not in made:
            path = _artifacts_root(request.config) / name
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
            made[name] = path
        return made[name]

    return make


def pytest_terminal_summary(terminalreporter, config):
    root = _artifacts_root(config)
    # Under xdist each worker has its own base temp directory inside the controller's.
    found = [p for p in [root, *root.parent.glob(f"popen-gw*/{root.name}")] if p.is_dir()]
    if os.environ.get("CASE_ARTIFACTS_DIR"):
        found = [root] if root.is_dir() else []
    if found:
        terminalreporter.write_line("Test artefacts: " + ", ".join(map(str, found)))


def pytest_configure(config):
    os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
