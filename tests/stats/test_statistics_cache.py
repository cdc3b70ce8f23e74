"""The statistics page's figures are written once per set of rollup rows (stats/page_figures.py):
the HTML a viewer gets is always the HTML of the figures as they are now, for their office,
period and language, never another's."""

import re
from unittest import mock

import pytest

from stats import page_figures
from stats.models import Action
from stats.services import usage_record, usage_rollup
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/statistics/"
PERIOD = {"start": "2025-01", "end": "2025-12"}


@pytest.fixture(autouse=True)
def _empty():
    page_figures.forget()
    yield
    page_figures.forget()


def _figures(response) -> str:
    """The part of the page that is kept (the charts and the tables), with the charts' element
    ids (numbered as drawn, unique in a page) left out."""
    html = response.content.decode()
    html = html[html.index('data-testid="trend-chart"') : html.index("</main>")]
    return re.sub(r"chart-[td]\d+", "chart-id", html)


def _period_total(html: str, label: str) -> str:
    """The period column of a row of the monthly table."""
    row = re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", html, re.S)[1]
    return re.search(r'<td class="num total">([^<]*)</td>', row)[1]


def test_two_offices_with_the_same_figures_each_get_their_own_page(
    client, admin_user, office, other_office
):
    # Same accounts (an office admin each, this month), no use: the rows read are the same.
    au_admin = UserFactory(office=other_office, role="office_admin", email="admin@au.test")
    client.force_login(admin_user)
    ca = _figures(client.get(URL, PERIOD))
    client.force_login(au_admin)
    au = _figures(client.get(URL, PERIOD))
    assert "Monthly use — CA," in ca and "— AU," not in ca
    assert "Monthly use — AU," in au and "— CA," not in au


def test_each_period_and_matrix_figure_gets_its_own_figures(admin_client):
    # Two years without any use and the matrix's two figures: the same rows read.
    old = _figures(admin_client.get(URL, {"start": "2019-01", "end": "2019-12"}))
    older = _figures(admin_client.get(URL, {"start": "2018-01", "end": "2018-12"}))
    assert "Jan 2018 – Dec 2019" in old and "Jan 2017 – Dec 2018" in older
    downloads = _figures(
        admin_client.get(URL, {"start": "2019-01", "end": "2019-12", "metric": "downloads"})
    )
    assert "Office × office — documents viewed" in old
    assert "Office × office — documents downloaded" in downloads


def test_each_period_and_language_gets_its_own_figures(admin_client, admin_user, used):
    first = _figures(admin_client.get(URL, PERIOD))
    other = _figures(admin_client.get(URL, {"start": "2025-03", "end": "2025-03"}))
    assert "Jan 2024 – Dec 2025" in first and "Apr 2023 – Mar 2025" in other
    assert "Apr 2023" not in first
    admin_user.language = "fr"
    admin_user.save(update_fields=["language"])
    french = _figures(admin_client.get(URL, PERIOD))
    assert "Utilisation mensuelle — CA" in french and "Monthly use" not in french
    admin_user.language = "en-gb"
    admin_user.save(update_fields=["language"])
    assert _figures(admin_client.get(URL, PERIOD)) == first


def test_a_use_counted_a_moment_ago_changes_the_kept_figures(
    admin_client, office, other_office, examiner
):
    before = _figures(admin_client.get(URL))
    assert _period_total(before, "Numbers looked up") == "0"
    active = int(_period_total(before, "Active users"))  # the admin, logged in
    assert _period_total(before, "Document requests received") == "0"
    usage_record(action=Action.SEARCH, user=examiner, count=7)
    asking = UserFactory(office=other_office, role="examiner", email="asks@au.test")
    usage_record(action=Action.REQUEST_MADE, user=asking, provider_office=office)
    # Read again with the statements the first view prepared (stats/ledger.py: read_rows).
    after = _figures(admin_client.get(URL))
    assert _period_total(after, "Numbers looked up") == "7"
    assert _period_total(after, "Searches \\(submissions\\)") == "1"
    assert int(_period_total(after, "Active users")) == active + 1  # and the examiner
    assert _period_total(after, "Document requests received") == "1"


def test_merging_by_beat_keeps_the_figures_and_is_not_drawn_again(admin_client, used):
    fresh = _figures(admin_client.get(URL, PERIOD))
    usage_rollup()  # the tail's unsettled rows merged: the same sums
    with mock.patch.object(
        page_figures, "figures_context", side_effect=AssertionError("drawn again")
    ):
        kept = admin_client.get(URL, PERIOD)
    assert _figures(kept) == fresh
    assert kept.context["page"].totals == admin_client.get(URL, PERIOD).context["page"].totals


def test_kept_figures_are_the_figures_drawn_afresh(client, operator, used):
    client.force_login(operator)
    query = {**PERIOD, "office": "all", "metric": "downloads"}
    client.get(URL, query)
    kept = _figures(client.get(URL, query))
    page_figures.forget()
    assert _figures(client.get(URL, query)) == kept
