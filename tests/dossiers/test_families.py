import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dossiers.models import Application, Family, LookupKey
from dossiers.services.applications import PriorityIn, PublicationIn, application_upsert
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(db):
    return {c: OfficeFactory(code=c) for c in ["US", "EP", "JP", "CA", "AU"]}


def test_a_claims_p1_b_claims_p1_and_p2_c_claims_p2_is_one_family(offices):
    a = application_upsert(
        office=offices["EP"],
        number="EP13844704",
        priorities=[PriorityIn("US", "US 61/111,111")],
        published=True,
    )
    c = application_upsert(
        office=offices["JP"],
        number="JP 2014-123456",
        priorities=[PriorityIn("US", "US 61/222,222")],
        published=True,
    )
    assert a.family_id != c.family_id
    b = application_upsert(
        office=offices["CA"],
        number="CA 2,123,456",
        priorities=[PriorityIn("US", "61/111,111"), PriorityIn("US", "61/222,222")],
        published=True,
    )
    fams = set(Application.objects.values_list("family_id", flat=True))
    assert fams == {b.family_id}
    # The merged family keeps the oldest id (permalinks stay valid) and the empty one is gone.
    assert b.family_id == min(a.family_id, c.family_id)
    assert Family.objects.count() == 1


def test_priority_application_stored_later_joins_its_claimants(offices):
    a = application_upsert(
        office=offices["EP"],
        number="EP13844704",
        priorities=[PriorityIn("US", "US 13/926,335")],
        published=True,
    )
    p = application_upsert(office=offices["US"], number="13/926,335", published=True)
    assert p.family_id == Application.objects.get(pk=a.pk).family_id


def test_pct_national_phases_share_the_pct_family(offices):
    us = application_upsert(
        office=offices["US"], number="US 14/123,456", pct="PCT/US2013/064552", published=True
    )
    jp = application_upsert(
        office=offices["JP"], number="2015-512345", pct="WO2013US64552", published=True
    )
    assert us.family_id == Application.objects.get(pk=jp.pk).family_id


def test_removing_the_only_link_splits_the_family(offices):
    a = application_upsert(
        office=offices["EP"],
        number="EP13844704",
        priorities=[PriorityIn("US", "US 61/111,111")],
        published=True,
    )
    b = application_upsert(
        office=offices["CA"],
        number="CA 2123456",
        priorities=[PriorityIn("US", "US 61/111,111")],
        published=True,
    )
    assert a.family_id == b.family_id
    b = application_upsert(office=offices["CA"], number="CA 2123456", priorities=[])
    a.refresh_from_db()
    assert a.family_id != b.family_id
    assert Family.objects.count() == 2


def test_re_posting_the_same_application_in_another_spelling_updates_it(offices):
    first = application_upsert(office=offices["US"], number="US 13/926,335", title="Widget")
    again = application_upsert(
        office=offices["US"],
        number="US13926335",
        title="Better widget",
        publications=[PublicationIn("US2014/0123456 A1", dt.date(2014, 5, 1))],
    )
    assert first.pk == again.pk
    again.refresh_from_db()
    assert (again.title, again.published, again.display) == ("Better widget", True, "US 13/926,335")
    assert set(LookupKey.objects.filter(application=again).values_list("source", flat=True)) == {
        "application",
        "publication",
    }


def test_bad_number_or_another_offices_number_is_refused_with_a_message(offices):
    with pytest.raises(ValidationError) as exc:
        application_upsert(office=offices["US"], number="hello")
    assert "number" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        application_upsert(office=offices["US"], number="EP13844704")
    assert "not one of US" in exc.value.message_dict["number"][0]
    assert not Application.objects.exists()


# --- unpublished applications (issue 18.2): undetectable by every other office ---


def _family(app) -> int:
    return Application.objects.get(pk=app.pk).family_id


def test_another_offices_claim_to_an_unpublished_number_does_not_link_until_it_is_published(
    offices,
):
    hidden = application_upsert(office=offices["US"], number="US 13/926,335")
    claimant = application_upsert(
        office=offices["EP"],
        number="EP13844704",
        priorities=[PriorityIn("US", "US 13/926,335")],
        published=True,
    )
    # A new family of its own, as if the hidden application did not exist (the hidden one may
    # follow it there, for the US office's own examiners).
    assert claimant.family_id > hidden.family_id
    assert Application.objects.filter(family_id=hidden.family_id).count() == 0
    application_upsert(office=offices["US"], number="US 13/926,335", published=True)
    assert _family(claimant) == _family(hidden)


def test_two_offices_unpublished_applications_claiming_one_priority_stay_apart(offices):
    us = application_upsert(
        office=offices["US"], number="US 14/123,456", priorities=[PriorityIn("US", "61/111,111")]
    )
    jp = application_upsert(
        office=offices["JP"],
        number="2015-512345",
        priorities=[PriorityIn("US", "US 61/111,111")],
    )
    assert _family(us) != _family(jp)
    jp_family = _family(jp)
    application_upsert(
        office=offices["JP"],
        number="2015-512345",
        priorities=[PriorityIn("US", "US 61/111,111")],
        published=True,
    )
    # The JP family is public now and keeps its id; the unpublished US application may join
    # it (for US examiners only), it does not pull anything in.
    assert _family(jp) == jp_family
    assert _family(us) == jp_family
    application_upsert(
        office=offices["US"],
        number="US 14/123,456",
        priorities=[PriorityIn("US", "61/111,111")],
        published=True,
    )
    assert _family(us) == _family(jp)


def test_an_unpublished_application_joins_the_published_family_it_claims_into(offices):
    parent = application_upsert(office=offices["US"], number="US 13/926,335", published=True)
    ep = application_upsert(
        office=offices["EP"], number="EP13844704", priorities=[PriorityIn("US", "13/926,335")]
    )
    assert _family(ep) == _family(parent)
    # Its own office's unpublished continuation follows it; nothing merges for anyone else.
    ep2 = application_upsert(
        office=offices["EP"], number="EP14150001", priorities=[PriorityIn("EP", "EP13844704")]
    )
    assert _family(ep2) == _family(parent)


def test_an_unpublished_application_claiming_two_public_families_merges_neither(offices):
    a = application_upsert(office=offices["US"], number="US 13/926,335", published=True)
    b = application_upsert(office=offices["JP"], number="2015-512345", published=True)
    fam_a, fam_b = _family(a), _family(b)
    both = application_upsert(
        office=offices["EP"],
        number="EP13844704",
        priorities=[PriorityIn("US", "13/926,335"), PriorityIn("JP", "2015-512345")],
    )
    assert (_family(a), _family(b)) == (fam_a, fam_b)
    assert _family(both) == fam_a  # the older family
    application_upsert(
        office=offices["EP"],
        number="EP13844704",
        priorities=[PriorityIn("US", "13/926,335"), PriorityIn("JP", "2015-512345")],
        published=True,
    )
    assert _family(a) == _family(b) == _family(both) == fam_a
