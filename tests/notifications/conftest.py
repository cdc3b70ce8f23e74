"""Notification tests: an AU provider with its clerk and a published application; Celery runs
in-process unless a test is about the queue (SMTP and Celery fixtures: tests/conftest.py)."""

import datetime as dt

import pytest

from tests.dossiers.factories import ApplicationFactory
from tests.offices.factories import OfficeFactory, UserFactory


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """Tasks run in-process here; the queue tests point Celery at a real broker and worker."""


@pytest.fixture
def provider(db):
    return OfficeFactory(code="AU", name="IP Australia")


@pytest.fixture
def clerk(provider):
    return UserFactory(office=provider, role="clerk", email="clerk@au.test")


@pytest.fixture
def provider_admin(provider):
    return UserFactory(office=provider, role="office_admin", email="admin@au.test")


@pytest.fixture
def foreign_app(provider):
    """A published AU application (visible to every office)."""
    return ApplicationFactory(
        office=provider,
        number="AU2013123456",
        filing_date=dt.date(2013, 5, 2),
        title="Rotary valve",
    )
