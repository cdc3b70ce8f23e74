"""Issue 18.9: a PCT application is recorded by its receiving office (the one in its number) or the
International Bureau; another office cannot create it first and lock the owner out. National
phases are each office's own applications with the PCT number as their `pct` link."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers.models import Application
from dossiers.services.applications import application_upsert
from offices.services import api_key_create
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

OWNED_BY_CA = "PCT/CA2020/000001"


def _post(client, office, url, payload):
    raw = api_key_create(office=office, name="t", scopes=["provide", "access"])[1]
    return client.post(
        url,
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_another_office_cannot_record_a_pct_of_a_receiving_office_and_the_owner_still_can(
    office, other_office
):
    with pytest.raises(ValidationError, match="only CA \\(or the International Bureau\\)"):
        application_upsert(office=other_office, number=OWNED_BY_CA)
    assert not Application.objects.exists()
    pct = application_upsert(office=office, number=OWNED_BY_CA, published=True)
    # The national phase is AU's own application; its PCT link joins the family.
    au = application_upsert(
        office=other_office,
        number="AU 2022000001",
        filing_date=dt.date(2022, 1, 3),
        pct=OWNED_BY_CA,
        published=True,
    )
    assert pct.office == office
    assert au.family_id == Application.objects.get(pk=pct.pk).family_id


def test_the_international_bureau_records_any_pct(db):
    bureau = OfficeFactory(code="IB", name="International Bureau")
    assert application_upsert(office=bureau, number="PCT/US2013/064552").office == bureau


def test_the_provide_form_refuses_another_receiving_offices_pct_with_the_way_to_do_it(
    client, other_office
):
    client.force_login(UserFactory(office=other_office, role="clerk", email="clerk@au.test"))
    page = client.post(
        reverse("dossiers:provide-application-create"), {"number": OWNED_BY_CA, "status": "filed"}
    )
    assert page.status_code == 200
    (message,) = page.context["form"].errors["number"]
    assert "receiving office CA" in message and "national phase" in message
    assert not Application.objects.exists()


def test_the_api_refuses_it_as_a_json_field_error_single_and_per_item_in_bulk(
    client, office, other_office
):
    one = _post(client, other_office, "/api/v1/applications", {"number": OWNED_BY_CA})
    assert one.status_code == 400
    assert "receiving office CA" in json.dumps(one.json())
    bulk = _post(
        client,
        other_office,
        "/api/v1/applications/bulk",
        {
            "applications": [
                {"number": OWNED_BY_CA},
                {"number": "AU 2022000001", "filing_date": "2022-01-03", "pct": OWNED_BY_CA},
            ]
        },
    )
    assert bulk.status_code == 200
    first, second = bulk.json()["results"]
    assert first["status"] == "error" and "receiving office CA" in first["errors"]["number"][0]
    assert second["status"] == "created"
    assert list(Application.objects.values_list("office__code", flat=True)) == ["AU"]
    # The receiving office then records its own PCT application without a conflict.
    own = _post(client, office, "/api/v1/applications", {"number": OWNED_BY_CA})
    assert own.status_code in (200, 201), own.json()
