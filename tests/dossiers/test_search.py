import datetime as dt

import pytest
from django.urls import reverse

from dossiers.services.applications import PublicationIn, application_upsert
from stats.models import UsageEvent
from tests.offices.factories import UserFactory

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


def test_a_long_pasted_list_is_posted_in_the_body_and_answered_in_one_page(client, family_world):
    client.force_login(family_world["au_examiner"])
    text = "\n".join(["US 13/926,335", "EP13844704.0", "PCT/US2013/064552"] * 100)
    page = client.post(reverse("dossiers:search"), {"q": text})
    assert page.status_code == 200
    lines = page.context["lines"]
    assert len(lines) == 300 and all(
        ln.family_ids == [family_world["us"].family_id] for ln in lines
    )
    assert b'method="post"' in page.content and b"not-searched" not in page.content


def test_more_than_1000_lines_searches_1000_and_keeps_the_rest_to_search_next(client, family_world):
    client.force_login(family_world["au_examiner"])
    typed = [f"CA {2_000_000 + n}" for n in range(1003)]
    page = client.post(reverse("dossiers:search"), {"q": "\n".join(typed)})
    assert page.status_code == 200
    assert len(page.context["lines"]) == 1000
    html = page.content.decode()
    assert "You pasted 1003 numbers; 1000 are searched at a time." in html
    assert page.context["rest"] == "CA 2001000\nCA 2001001\nCA 2001002"
    assert "Search the other 3" in html
    # The rest, searched next, is three result lines.
    page = client.post(reverse("dossiers:search"), {"q": page.context["rest"], "list": "1"})
    assert [ln.typed for ln in page.context["lines"]] == typed[1000:]


def test_a_text_that_fits_two_stored_numbers_lists_both_with_office_and_kind(client, family_world):
    # US20130926335: the EPODOC form of US 13/926,335, and the shape of a pre-grant publication.
    other = application_upsert(
        office=family_world["offices"]["US"],
        number="US 13/111,222",
        filing_date=dt.date(2013, 1, 2),
        published=True,
        publications=[PublicationIn("US 2013/0926335 A1", dt.date(2013, 12, 5))],
    )
    client.force_login(family_world["au_examiner"])
    page = client.post(reverse("dossiers:search"), {"q": "US20130926335"})
    assert page.status_code == 200  # no guess: the examiner chooses
    (line,) = page.context["lines"]
    assert line.number.display == "US 13/926,335" and line.ambiguous
    assert [(r.number.display, r.label, r.family_ids) for r in line.others] == [
        ("US 2013/0926335", "US publication", [other.family_id])
    ]
    html = page.content.decode()
    assert (
        "Did you mean" in html
        and 'US 2013/0926335</a> <span class="muted">(US publication)' in html
    )
    # Only one of the readings stored: straight to its family, whichever it is.
    other.publications.all().delete()
    other.lookup_keys.filter(source="publication").delete()
    response = client.post(reverse("dossiers:search"), {"q": "US20130926335"})
    assert response.status_code == 302


def test_a_bare_number_is_tried_in_the_searchers_office_first_then_every_office_that_fits(
    client, family_world
):
    us = family_world["offices"]["US"]
    us_app = application_upsert(
        office=us, number="US 12/569,640", filing_date=dt.date(2009, 9, 29), published=True
    )
    client.force_login(family_world["au_examiner"])
    # Not an AU number, nor one whose shape names an office: found at the US.
    page = client.post(reverse("dossiers:search"), {"q": "12569640", "list": "1"})
    (line,) = page.context["lines"]
    assert line.application == us_app and not line.ambiguous
    # A JP examiner's own office comes first; the US reading is offered too.
    jp_app = application_upsert(
        office=family_world["offices"]["JP"],
        number="JP 2009-569640",
        filing_date=dt.date(2009, 1, 5),
        published=True,
    )
    client.force_login(UserFactory(office=family_world["offices"]["JP"], email="jp@jp.test"))
    page = client.post(reverse("dossiers:search"), {"q": "2009569640", "list": "1"})
    (line,) = page.context["lines"]
    assert line.application == jp_app


def test_enter_submits_and_the_box_has_focus_on_load(client, family_world):
    client.force_login(family_world["au_examiner"])
    for url in [reverse("dossiers:search"), reverse("home")]:
        html = client.get(url).content.decode()
        assert "autofocus data-enter-submits" in html and "js/search_box.js" in html
        assert 'method="post"' in html


@pytest.mark.parametrize(
    "spelling",
    ["PCT/US2013/064552/", "US%2013/926,335/", "US20130926335", "EP.13844704.A/", "2013331234/"],
)
def test_number_permalink_redirects_to_the_family(client, family_world, spelling):
    client.force_login(family_world["au_examiner"])
    response = client.get(f"/numbers/{spelling}")
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("dossiers:family-detail", args=[family_world["us"].family_id])
    )


def test_number_permalink_of_an_unknown_or_invalid_number_says_so(client, family_world):
    client.force_login(family_world["au_examiner"])
    page = client.get("/numbers/EP99123456/")
    assert page.status_code == 404 and "Not shared" in page.content.decode()
    page = client.get("/numbers/XX12/")
    assert page.status_code == 404 and "not an office code we know" in page.content.decode()
