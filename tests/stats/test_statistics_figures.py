"""The figures the offices asked for, against the raw rows: requests (vs DocumentRequest
rows, around a month edge), packages built, users of my office, pickers, published PDF."""

import datetime as dt
import io
from statistics import median

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from dossiers.services import packages, worklists
from notifications import services as requests_services
from notifications.models import DocumentRequest
from stats import selectors
from stats.models import Action
from stats.selectors import Period
from stats.services import usage_record, usage_rollup
from tests.dossiers.factories import ApplicationFactory, DocumentFactory
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 1))
APRIL = Period(dt.date(2025, 4, 1), dt.date(2025, 4, 1))


def _at(y, m, d, h=10, mi=0):
    return time_machine.travel(dt.datetime(y, m, d, h, mi, tzinfo=UTC), tick=False)


@pytest.fixture
def asked(eager_celery, office, other_office, examiner):
    """CA asks AU twice (one fulfilled after 4 days, one asked a minute before April), GB asks
    AU once (fulfilled after 10 days); all through the real request and upload services."""
    gb = OfficeFactory(code="GB", name="UK IPO")
    gb_examiner = UserFactory(office=gb, email="examiner@gb.test")
    apps = [ApplicationFactory(office=other_office, number=f"AU201312345{i}") for i in range(3)]
    with _at(2025, 3, 10):
        requests_services.request_make(user=examiner, application=apps[0])
    with _at(2025, 3, 5):
        requests_services.request_make(user=gb_examiner, application=apps[1])
    with _at(2025, 3, 14):
        # a search report: fulfils CA's request
        DocumentFactory(application=apps[0], date=dt.date(2025, 3, 14))
    with _at(2025, 3, 15):
        DocumentFactory(application=apps[1], date=dt.date(2025, 3, 15))
    usage_rollup()  # part rolled up, part in the tail
    with _at(2025, 3, 31, 23, 59):
        requests_services.request_make(user=examiner, application=apps[2])
    with _at(2025, 4, 2, 23, 59):
        DocumentFactory(application=apps[2], date=dt.date(2025, 4, 2))
    return gb


def _rows_by_pair(period: Period) -> dict:
    """The same figures straight from the request rows."""
    out = {}
    for req in DocumentRequest.objects.select_related("requesting_office", "provider_office"):
        pair = out.setdefault(
            (req.requesting_office.code, req.provider_office.code),
            {"asked": 0, "fulfilled": 0, "waits": []},
        )
        if period.start_at <= req.created_at < period.stop_at:
            pair["asked"] += 1
        if req.state == "fulfilled" and period.start_at <= req.updated_at < period.stop_at:
            pair["fulfilled"] += 1
            pair["waits"].append((req.updated_at - req.created_at).days)  # whole days
    return out


@pytest.mark.parametrize("period", [MARCH, APRIL, Period(MARCH.first, APRIL.last)])
def test_request_figures_match_the_request_rows(asked, other_office, period):
    page = selectors.stats_page_get(office=None, period=period)
    got = {
        (p.asking.code, p.providing.code): (p.asked, p.fulfilled, p.median_days)
        for p in page.requests.pairs
    }
    want = {
        pair: (f["asked"], f["fulfilled"], round(median(f["waits"]), 1) if f["waits"] else None)
        for pair, f in _rows_by_pair(period).items()
        if f["asked"] or f["fulfilled"]
    }
    assert got == want
    au = selectors.stats_page_get(office=other_office, period=period)
    received = sum(f["asked"] for (a, p), f in _rows_by_pair(period).items() if p == "AU")
    assert au.totals["requests_received"] == received
    assert au.totals["requests_fulfilled"] == au.totals["requests_answered"]


def test_the_month_edge_request_is_asked_in_march_and_fulfilled_in_april(asked, office):
    march = selectors.stats_page_get(office=office, period=MARCH)
    assert march.totals["requests_made"] == 2
    assert [(p.asked, p.fulfilled, p.median_days) for p in march.requests.pairs] == [(2, 1, 4.0)]
    april = selectors.stats_page_get(office=office, period=APRIL)
    assert [(p.asked, p.fulfilled, p.median_days) for p in april.requests.pairs] == [(0, 1, 2.0)]


def test_declined_and_expired_requests_count_as_the_providing_offices_answers(
    office, other_office, examiner
):
    clerk = UserFactory(office=other_office, role="clerk")
    when = dt.datetime(2025, 3, 3, tzinfo=UTC)
    for action in (Action.REQUEST_MADE, Action.REQUEST_MADE, Action.REQUEST_DECLINED):
        usage_record(
            action=action, user=examiner, provider_office=other_office, application_id=7, when=when
        )
    usage_record(
        action=Action.REQUEST_EXPIRED,
        user=clerk,
        office=office,
        provider_office=other_office,
        application_id=8,
        when=when,
    )
    page = selectors.stats_page_get(office=other_office, period=MARCH)
    assert [(p.asking.code, p.asked, p.declined, p.expired) for p in page.requests.pairs] == [
        ("CA", 2, 1, 1)
    ]
    assert page.totals["requests_answered"] == 1 and page.totals["requests_expired"] == 1
    # An office not in the pair does not see it.
    gb = OfficeFactory(code="GB", name="UK IPO")
    assert selectors.stats_page_get(office=gb, period=MARCH).requests.pairs == []


def test_a_built_package_counts_once_for_its_office(world, docs):
    wl = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="CA 3000001;2026-12-01")
    package = packages.package_request(worklist=wl, user=world["clerk"])
    packages.package_build(package_id=package.pk)
    assert packages.package_build(package_id=package.pk) is None  # built once, counted once
    period = Period.last_months(1)
    page = selectors.stats_page_get(office=world["office"], period=period)
    assert page.totals["packages_built"] == 1


def test_office_admin_matrix_has_no_empty_rows_or_columns(admin_user, used):
    ca, au, gb = used
    page = selectors.stats_page_get(
        office=ca, period=Period.last_months(12, today=dt.date(2025, 6, 1))
    )
    rows = [r["office"].code for r in page.matrix.rows()]
    cols = [o.code for o in page.matrix.offices]
    assert rows == ["AU", "CA"] and cols == ["AU", "CA"]  # GB: nothing to do with CA
    assert all(any(c for c in r["cells"] if c) for r in page.matrix.rows())


def test_users_of_my_office_flag_the_inactive_and_stay_in_the_office(
    client, admin_client, admin_user, examiner, other_office
):
    idle = UserFactory(office=admin_user.office, email="idle@ca.test")
    usage_record(action=Action.SEARCH, user=examiner, count=5)
    usage_record(action=Action.DOCUMENT_VIEW, user=examiner, provider_office=other_office)
    page = admin_client.get(reverse("stats:office-users"))
    assert page.status_code == 200
    lines = {line.user.email: line for line in page.context["lines"]}
    assert lines["examiner@ca.test"].figures == {
        "searches": 1,
        "numbers_searched": 5,
        "document_views": 1,
    }
    assert lines[idle.email].inactive and not lines["examiner@ca.test"].inactive
    assert "Inactive in this period" in page.content.decode()
    csv_text = admin_client.get(reverse("stats:office-users-csv")).content.decode()
    assert "idle@ca.test,examiner,Inactive in this period" in csv_text
    pdf = admin_client.get(reverse("stats:office-users-pdf"))
    assert "idle@ca.test" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    # Another office's admin sees only its own people; examiners and operators get a 404.
    client.force_login(UserFactory(office=other_office, role="office_admin"))
    emails = [
        line.user.email for line in client.get(reverse("stats:office-users")).context["lines"]
    ]
    assert "examiner@ca.test" not in emails
    client.force_login(examiner)
    assert client.get(reverse("stats:office-users")).status_code == 404
    client.force_login(UserFactory(office=None, is_operator=True))
    assert client.get(reverse("stats:office-users")).status_code == 404


def test_pickers_always_show_the_period_shown_and_presets_are_links(admin_client):
    html = admin_client.get("/statistics/").content.decode()
    default = Period.last_months(12)
    assert f'<option value="{default.first:%Y-%m}" selected>' in html
    assert f'<option value="{default.last:%Y-%m}" selected>' in html
    assert 'type="month"' not in html
    today = dt.datetime.now(tz=UTC).date()
    assert f"start={today.year - 1}-01&amp;end={today.year - 1}-12" in html  # last year
    picked = admin_client.get("/statistics/", {"end": "2024-06"}).content.decode()
    assert '<option value="2023-07" selected>' in picked  # the 12 months up to June 2024
    wrong = admin_client.get("/statistics/", {"start": "2025-05", "end": "2025-01"})
    assert "The first month must not come after the last month." in wrong.content.decode()


def test_operator_publishes_a_month_of_all_offices_as_pdf(client, admin_client, used):
    assert admin_client.get(reverse("stats:published")).status_code == 404
    client.force_login(UserFactory(office=None, is_operator=True))
    response = client.get(reverse("stats:published"), {"month": "2025-03"})
    assert response["Content-Type"] == "application/pdf"
    assert "case-published-statistics-2025-03.pdf" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "published monthly statistics" in text and "March 2025" in text
    assert "GB" in text and "who asked whom" in text
    # A month that is not one falls back to the last complete month, no 500.
    assert client.get(reverse("stats:published"), {"month": "13/2025"}).status_code == 200
