"""Issue 18 item 9: a PCT application belongs to its receiving office (or the International
Bureau); another office cannot create it first and lock the owner out."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dossiers.models import Application
from dossiers.services.applications import application_upsert
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def test_another_office_cannot_create_a_pct_under_a_receiving_offices_code(office, other_office):
    with pytest.raises(ValidationError, match="only CA records it"):
        application_upsert(office=other_office, number="PCT/CA2020/000001")
    assert not Application.objects.exists()
    # The owner is not locked out, and national phases still link to it.
    pct = application_upsert(office=office, number="PCT/CA2020/000001")
    au = application_upsert(
        office=other_office,
        number="AU 2022000001",
        filing_date=dt.date(2022, 1, 3),
        pct="PCT/CA2020/000001",
    )
    assert pct.office == office
    assert au.family_id == Application.objects.get(pk=pct.pk).family_id


def test_the_international_bureau_records_any_pct(db):
    bureau = OfficeFactory(code="WO", name="International Bureau")
    assert application_upsert(office=bureau, number="PCT/US2013/064552").office == bureau
