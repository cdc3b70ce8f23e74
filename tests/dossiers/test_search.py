import datetime as dt

import pytest
from django.urls import reverse

from dossiers.services.applications import application_upsert
from stats.models import UsageEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "US 13/926,335",
        "13/926,335",
        "US13926335",
        "US201313926335",
        "US 2014/0123456 A1",
        "PCT/US2013/064552",
        "WO2013US64552",
        "EP13844704.0",
        "EP 13 844 704",
        "EP20130844704",
        "JP 2015-512345",
    ],
)
def test_any_spelling_of_any_member_number_reaches_the_family(client, family_world, typed):
    client.force_login(family_world["au_examiner"])
    response = client.get(reverse("dossiers:search"), {"q": typed})
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("dossiers:family-detail", args=[family_world["us"].family_id])
    )


def test_many_numbers_pasted_one_per_line_each_get_a_result_line(client, family_world):
    client.force_login(family_world["au_examiner"])
    text = "US 13/926,335\r\nnot a number\n\nEP 99123456\nPCT/US2013/064552"
    page = client.get(reverse("dossiers:search"), {"q": text})
    assert page.status_code == 200
    lines = page.context["lines"]
    assert [ln.typed for ln in lines] == [
        "US 13/926,335",
        "not a number",
        "EP 99123456",
        "PCT/US2013/064552",
    ]
    assert lines[0].found and lines[3].found
    assert lines[1].error and not lines[1].found
    assert lines[2].number.display.startswith("EP 99123456") and not lines[2].found
    html = page.content.decode()
    assert "Not a valid number" in html
    assert "Try the application's priority number or its PCT number" in html
    assert UsageEvent.objects.get(action="search").count == 4


def test_search_uses_a_fixed_number_of_queries_for_many_lines(
    client, family_world, django_assert_max_num_queries
):
    client.force_login(family_world["au_examiner"])
    text = "\n".join(["US 13/926,335", "EP13844704", "JP 2015-512345"] * 30)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("dossiers:search"), {"q": text, "list": "1"}).status_code == 200


def test_number_without_office_code_is_read_as_the_examiners_own_office(client, family_world):
    client.force_login(family_world["au_examiner"])
    page = client.get(reverse("dossiers:search"), {"q": "2013331234", "list": "1"})
    line = page.context["lines"][0]
    assert line.number.office == "AU" and line.found


def test_unpublished_application_of_another_office_is_not_found(client, family_world):
    application_upsert(
        office=family_world["offices"]["CA"],
        number="CA 2,900,001",
        filing_date=dt.date(2015, 1, 1),
        published=False,
    )
    client.force_login(family_world["au_examiner"])
    page = client.get(reverse("dossiers:search"), {"q": "CA 2,900,001", "list": "1"})
    assert not page.context["lines"][0].found
    client.force_login(family_world["ca_examiner"])
    page = client.get(reverse("dossiers:search"), {"q": "CA 2,900,001", "list": "1"})
    assert page.context["lines"][0].found


def test_hostile_search_text_is_shown_escaped(client, family_world):
    client.force_login(family_world["au_examiner"])
    page = client.get(reverse("dossiers:search"), {"q": "<script>alert(1)</script>"})
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content
    # The examiner sees what they typed, as text.
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
