"""Fixtures shared by the statistics tests: three offices and real use between them."""

from datetime import UTC, datetime

import pytest

from stats.models import Action
from stats.services import usage_rollup
from tests.offices.factories import OfficeFactory, UserFactory
from tests.stats.factories import UsageFactory


@pytest.fixture
def offices(office, other_office):
    return [office, other_office, OfficeFactory(code="GB", name="UK IPO")]


@pytest.fixture
def operator(db):
    return UserFactory(office=None, is_operator=True, email="operator@case.test")


@pytest.fixture
def used(offices, examiner):
    """CA read AU's documents, AU read CA's and GB's, in March 2025."""
    ca, au, gb = offices
    au_person = UserFactory(office=au, email="examiner@au.test")
    when = datetime(2025, 3, 10, 12, tzinfo=UTC)
    UsageFactory(
        action=Action.DOCUMENT_VIEW, user=examiner, provider_office=au, when=when, application_id=11
    )
    UsageFactory(
        action=Action.DOCUMENT_DOWNLOAD,
        user=examiner,
        provider_office=au,
        when=when,
        application_id=11,
    )
    for _ in range(3):
        UsageFactory(
            action=Action.DOCUMENT_VIEW,
            user=au_person,
            provider_office=ca,
            when=when,
            application_id=22,
        )
    UsageFactory(
        action=Action.DOCUMENT_VIEW,
        user=au_person,
        provider_office=gb,
        when=when,
        application_id=33,
    )
    UsageFactory(
        action=Action.DOCUMENT_DOWNLOAD,
        user=au_person,
        provider_office=gb,
        when=when,
        count=4,
        bulk=True,
        application_id=33,
    )
    usage_rollup()
    UsageFactory(action=Action.SEARCH, user=examiner, when=when)  # the tail
    return ca, au, gb
