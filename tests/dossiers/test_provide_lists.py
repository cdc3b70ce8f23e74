"""The providing clerk's forms say everything at once, and the application list works."""

import datetime as dt

import pytest
from django.urls import reverse

from dossiers.models import Application, Document
from dossiers.services.applications import PriorityIn, application_upsert
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, office):
    client.force_login(UserFactory(office=office, role="clerk", email="clerk@ca.test"))
    return client


def _new(client, **fields):
    form = {
        "number": "2123456",
        "filing_date": "2013-10-11",
        "status": "filed",
        "priorities": "",
        "publications": "",
        "pct": "",
        **fields,
    }
    return client.post(reverse("dossiers:provide-application-create"), form)


def test_three_errors_are_shown_at_once_each_on_its_field(clerk_client):
    page = _new(
        clerk_client,
        number="2,123,45",
        filing_date="10/11/2013",
        priorities="GB 1218345.6 12/10/2012",
        pct="PCT/GB13/5",
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert set(errors) == {"number", "filing_date", "priorities", "pct"}
    assert "looks incomplete" in errors["number"][0]
    assert "wrong order" in errors["filing_date"][0] and "2013-11-10" in errors["filing_date"][0]
    # The date is at fault, and the words say so (not "a GB number has 7 digits").
    assert errors["priorities"] == [
        "Line 1: ‘12/10/2012’ is in the wrong order: write the date as YYYY-MM-DD "
        "(2012-10-12 or 2012-12-10)."
    ]
    assert "PCT/GB2013/051234" in errors["pct"][0]
    html = page.content.decode()
    assert "4 fields to correct" in html
    assert not Application.objects.exists()


def test_number_errors_of_every_field_come_together_from_the_service(clerk_client):
    page = _new(clerk_client, number="CA 12", priorities="US 61/7 2012-10-09\nEP 1 2012-01-01")
    errors = page.context["form"].errors
    assert set(errors) == {"number", "priorities"}
    assert len(errors["priorities"]) == 2  # both bad priority lines named


@pytest.mark.parametrize("typed", ["2,123,45", "CA 2,12,456", "PCT/GB13/5", "PCT/GB2013/51"])
def test_partial_numbers_are_errors_in_plain_words(clerk_client, typed):
    field = "pct" if typed.startswith("PCT") else "number"
    page = _new(clerk_client, **{field: typed})
    assert "looks incomplete" in page.context["form"].errors[field][0]


def test_priority_office_codes_come_from_the_known_list(clerk_client):
    page = _new(clerk_client, priorities="XX 1 2012-01-01\nGB 1218345.6 2012-10-12")
    assert page.context["form"].errors["priorities"] == [
        "‘XX 1’: ‘XX’ is not an office code we know."
    ]


def test_date_boxes_show_and_take_one_format(clerk_client, office):
    page = clerk_client.get(reverse("dossiers:provide-application-create"))
    html = page.content.decode()
    assert 'name="filing_date"' in html and 'placeholder="YYYY-MM-DD"' in html
    assert 'type="date"' not in html  # no browser-locale mm/dd/yyyy picker
    app = application_upsert(office=office, number="CA 2123456", filing_date=dt.date(2013, 10, 11))
    edit = clerk_client.get(reverse("dossiers:provide-application-edit", args=[app.pk]))
    assert 'value="2013-10-11"' in edit.content.decode()


def test_language_is_chosen_from_iso_639_1_codes_with_names(clerk_client, office):
    app = application_upsert(office=office, number="CA 2123456", published=True)
    url = reverse("dossiers:provide-document-upload", args=[app.pk])
    html = clerk_client.get(url).content.decode()
    assert '<option value="en" selected>en — English</option>' in html
    assert '<option value="ja">ja — Japanese</option>' in html
    page = clerk_client.post(
        url,
        {"category": "search_report", "date": "2014-02-03", "language": "eng"}
        | {"direction": "outgoing"},
    )
    assert "language" in page.context["form"].errors  # "eng" is not saved beside "en"


@pytest.fixture
def listing(office):
    us = OfficeFactory(code="US")
    prio = [PriorityIn("US", "US 61/711,111", dt.date(2012, 10, 9))]
    apps = {
        "granted": application_upsert(
            office=office,
            number="CA 2,000,001",
            filing_date=dt.date(2013, 1, 5),
            status="granted",
            priorities=prio,
        ),
        "refused": application_upsert(
            office=office, number="CA 2,000,002", filing_date=dt.date(2014, 6, 1), status="refused"
        ),
        "withdrawn": application_upsert(
            office=office,
            number="CA 2,000,003",
            filing_date=dt.date(2015, 3, 3),
            status="withdrawn",
        ),
    }
    DocumentFactory(application=apps["granted"])
    asker = UserFactory(office=us, role="examiner")
    from notifications.services import request_make

    request_make(user=asker, application=apps["refused"])
    return apps


def _rows(page) -> list[str]:
    return [a.display for a in page.context["applications"]]


def test_the_list_sorts_by_each_column_both_ways(clerk_client, listing):
    url = reverse("dossiers:upload-home")
    assert _rows(clerk_client.get(url, {"sort": "filed"})) == [
        "CA 2,000,001",
        "CA 2,000,002",
        "CA 2,000,003",
    ]
    assert _rows(clerk_client.get(url, {"sort": "-filed"}))[0] == "CA 2,000,003"
    assert _rows(clerk_client.get(url, {"sort": "-reports"}))[0] == "CA 2,000,001"
    page = clerk_client.get(url, {"sort": "number"})
    assert 'aria-sort="ascending"' in page.content.decode()
    assert "sort=-number" in page.content.decode()  # the header link turns the order round


def test_the_list_filters_by_status_requests_reports_and_filing_dates(clerk_client, listing):
    url = reverse("dossiers:upload-home")
    assert _rows(clerk_client.get(url, {"status": "refused"})) == ["CA 2,000,002"]
    assert _rows(clerk_client.get(url, {"open_requests": "on"})) == ["CA 2,000,002"]
    assert sorted(_rows(clerk_client.get(url, {"no_reports": "on"}))) == [
        "CA 2,000,002",
        "CA 2,000,003",
    ]
    between = {"filed_from": "2014-01-01", "filed_to": "2015-12-31", "sort": "filed"}
    assert _rows(clerk_client.get(url, between)) == ["CA 2,000,002", "CA 2,000,003"]
    bad = clerk_client.get(url, {"filed_from": "2015-01-01", "filed_to": "2014-01-01"})
    assert bad.status_code == 200
    assert "before ‘Filed from’" in bad.content.decode()
    nonsense = clerk_client.get(
        url, {"filed_from": "13/13/13", "sort": "drop table", "status": "refused"}
    )
    assert nonsense.status_code == 200 and "not a date" in nonsense.content.decode()
    assert _rows(nonsense) == ["CA 2,000,002"]  # the valid filter still applies


def test_statuses_have_distinct_colours_and_words_and_families_their_names(clerk_client, listing):
    html = clerk_client.get(reverse("dossiers:upload-home")).content.decode()
    for status, words in [("granted", "Granted"), ("refused", "Refused")]:
        assert f'class="pill status-{status}" data-status="{status}">{words}</span>' in html
    assert 'class="pill status-withdrawn"' in html
    # Family links name the family: its earliest priority, else its first member.
    assert "Family of US 61/711,111" in html
    assert "Family of CA 2,000,002" in html
    assert "Family " + str(listing["granted"].family_id) + "<" not in html
    detail = clerk_client.get(
        reverse("dossiers:provide-application", args=[listing["granted"].pk])
    ).content.decode()
    assert "Family of US 61/711,111</a>" in detail
    assert Document.objects.count() == 1
