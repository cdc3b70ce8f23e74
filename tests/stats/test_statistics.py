"""Statistics page: exact live figures from the rollups, permissions, CSV and PDF."""

import csv
import io
import random
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from pypdf import PdfReader

from stats import selectors
from stats.models import Action, UsageEvent, UsageMonthly
from stats.selectors import Period
from stats.services import usage_record, usage_rollup, usage_rollup_rebuild
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
URL = "/statistics/"


@pytest.fixture
def toronto(settings):
    settings.TIME_ZONE = "America/Toronto"
    return TORONTO


def _generate(offices, people, n, *, seed, start, days):
    """Random events, a third of them within a minute of a Toronto month edge."""
    rng = random.Random(seed)
    actions = list(Action.values)
    edges = [datetime(y, m, 1, tzinfo=TORONTO) for y in (2025, 2026) for m in range(1, 13)]
    for _ in range(n):
        person = rng.choice(people)
        if rng.random() < 0.33:
            when = rng.choice(edges) + timedelta(seconds=rng.randint(-60, 59))
        else:
            when = start + timedelta(seconds=rng.randint(0, days * 86400))
        action = rng.choice(actions)
        usage_record(
            action=action,
            user=person,
            provider_office=rng.choice([None, *offices]),
            count=rng.choice([1, 1, 1, 3]),
            bulk=action == Action.DOCUMENT_DOWNLOAD and rng.random() < 0.3,
            application_id=rng.randint(1, 5),
            when=when,
        )


def _raw_monthly(office, period):
    """Straight from the raw events: sum of count per (local month, action, bulk)."""
    rows = (
        UsageEvent.objects.filter(
            office=office, occurred_at__gte=period.start_at, occurred_at__lt=period.stop_at
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=TORONTO))
        .values("month", "action", "bulk")
        .annotate(n=Sum("count"))
    )
    return {(r["month"].date(), r["action"], r["bulk"]): r["n"] for r in rows}


def _raw_active(office, period):
    """Distinct people per local month: any use, logged in, searched, retrieved."""
    events = UsageEvent.objects.filter(
        office=office,
        user__isnull=False,
        occurred_at__gte=period.start_at,
        occurred_at__lt=period.stop_at,
    ).exclude(action=Action.NOTIFICATION_SENT)
    kinds = [
        None,
        [Action.LOGIN],
        [Action.SEARCH],
        [Action.FAMILY_VIEW, Action.DOCUMENT_VIEW, Action.DOCUMENT_DOWNLOAD],
    ]
    out = {}
    for i, actions in enumerate(kinds):
        picked = events if actions is None else events.filter(action__in=actions)
        rows = (
            picked.annotate(month=TruncMonth("occurred_at", tzinfo=TORONTO))
            .values("month")
            .annotate(n=Count("user", distinct=True))
        )
        for r in rows:
            out.setdefault((r["month"].date(),), [0, 0, 0, 0])[i] = r["n"]
    return {k: tuple(v) for k, v in out.items()}


def test_rollups_equal_raw_counts_around_month_ends_in_toronto(toronto, offices):
    people = [UserFactory(office=o) for o in offices for _ in range(3)]
    start = datetime(2025, 1, 1, tzinfo=TORONTO)
    period = Period(date(2025, 1, 1), date(2025, 12, 1))
    _generate(offices, people, 500, seed=1, start=start, days=365)
    usage_rollup()  # part of the rollup rows are merged ...
    assert not UsageMonthly.objects.filter(settled=False).exists()
    _generate(offices, people, 250, seed=2, start=start, days=365)  # ... the rest are not
    assert UsageMonthly.objects.filter(settled=False).count() == 250
    for office in offices:
        got = selectors.usage_sums(period, by=("action", "bulk"), monthly=True, office=office.pk)
        assert got == _raw_monthly(office, period)
        active = selectors.active_users(period, office=office, monthly=True)
        assert active == _raw_active(office, period)
        over_period = selectors.active_users(period, office=office, monthly=False)
        assert over_period[()][0] == sum(1 for p in people if p.office_id == office.pk)
    # Rolling up the rest, or rebuilding from scratch, changes nothing a reader sees.
    before = selectors.usage_sums(period, by=("office", "provider", "action"))
    usage_rollup()
    assert selectors.usage_sums(period, by=("office", "provider", "action")) == before
    usage_rollup_rebuild()
    assert selectors.usage_sums(period, by=("office", "provider", "action")) == before


def test_an_event_a_minute_before_midnight_utc_belongs_to_the_toronto_month(toronto, examiner):
    # 2025-03-01 02:00 UTC is still 28 February in Toronto.
    usage_record(action=Action.SEARCH, user=examiner, when=datetime(2025, 3, 1, 2, tzinfo=UTC))
    usage_rollup()
    assert UsageMonthly.objects.get().month == date(2025, 2, 1)
    feb = Period(date(2025, 2, 1), date(2025, 2, 1))
    assert selectors.usage_sums(feb, by=("action",), office=examiner.office_id) == {("search",): 1}


def test_office_admin_sees_a_search_done_a_second_ago(admin_client, examiner):
    usage_rollup()
    usage_record(action=Action.SEARCH, user=examiner, count=2)  # a pasted list of two numbers
    response = admin_client.get(URL)
    assert response.status_code == 200
    rows = {r["key"]: r for r in response.context["page"].table_rows()}
    assert rows["searches"]["values"][-1] == 1 and rows["searches"]["total"] == 1
    assert rows["numbers_searched"]["values"][-1] == 2 and rows["numbers_searched"]["total"] == 2


PERIOD = {"start": "2025-01", "end": "2025-12"}


@pytest.mark.parametrize("role", ["examiner", "clerk"])
def test_examiners_and_clerks_get_404(client, office, role):
    client.force_login(UserFactory(office=office, role=role))
    assert client.get(URL).status_code == 404
    assert client.get(reverse("stats:statistics-pdf")).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        URL,
        "/statistics/monthly.csv",
        "/statistics/matrix.csv",
        "/statistics/report.pdf",
        "/statistics/access-log/",
        "/statistics/access-log.csv",
    ],
)
def test_office_admin_cannot_see_another_offices_figures(admin_client, used, url):
    assert admin_client.get(url, {"office": "AU", **PERIOD}).status_code == 404
    assert admin_client.get(url, {"office": "ZZ", **PERIOD}).status_code == 404
    assert admin_client.get(url, {"office": "all", **PERIOD}).status_code == 404
    assert admin_client.get(url, {"office": "CA", **PERIOD}).status_code == 200


def test_office_admin_matrix_shows_only_their_row_and_column(admin_client, used):
    ca, au, gb = used
    response = admin_client.get(URL, PERIOD)
    matrix = response.context["page"].matrix
    assert matrix.cells == {(ca.pk, au.pk): 1, (au.pk, ca.pk): 3}
    assert matrix.total == 4
    html = response.content.decode()
    assert 'aria-label="not shown"' in html  # AU -> GB is someone else's business
    downloads = admin_client.get(URL, {**PERIOD, "metric": "downloads"})
    assert downloads.context["page"].matrix.cells == {(ca.pk, au.pk): 1}


def test_operator_sees_every_office_and_can_pick_one(client, operator, used):
    ca, au, gb = used
    client.force_login(operator)
    everything = client.get(URL, {**PERIOD, "metric": "downloads"})
    assert everything.context["page"].office is None
    assert everything.context["page"].matrix.cells == {(ca.pk, au.pk): 1, (au.pk, gb.pk): 4}
    lines = {line["office"].code: line["values"] for line in everything.context["page"].by_office}
    assert lines["AU"][4] == 4  # downloads, packages included
    au_page = client.get(URL, {**PERIOD, "office": "AU"})
    assert au_page.context["page"].office == au
    assert "Statistics — IP Australia (AU)" in au_page.content.decode()


@pytest.mark.parametrize("url", [URL, "/statistics/access-log/", "/statistics/report.pdf"])
def test_an_office_code_with_a_nul_is_an_unknown_office_not_a_server_error(client, operator, url):
    client.force_login(operator)
    assert client.get(url, {**PERIOD, "office": "\x00"}).status_code == 404
    assert client.get(url, {**PERIOD, "office": "A\x00"}).status_code == 404


def test_monthly_csv_has_a_line_per_month_with_the_live_figures(admin_client, used):
    response = admin_client.get("/statistics/monthly.csv", PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert "case-statistics-CA-2025-01_2025-12-monthly.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["month"] for r in rows][:3] == ["2025-01", "2025-02", "2025-03"]
    march = rows[2]
    assert (march["document_views"], march["downloads"], march["searches"]) == ("1", "1", "1")
    assert march["active_users"] == "1"
    assert [r["month"] for r in rows][-2:] == ["period", "change_last_month"]


def test_matrix_csv_lists_offices_with_totals(client, operator, used):
    client.force_login(operator)
    response = client.get("/statistics/matrix.csv", {**PERIOD, "office": "all"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][1:] == ["AU", "CA", "GB", "total"]
    by_office = {r[0]: r[1:] for r in rows[1:]}
    assert by_office["AU"] == ["0", "3", "1", "4"]
    assert by_office["total"] == ["1", "3", "1", "5"]


def test_pdf_report_has_the_figures_and_the_charts(admin_client, used, tmp_path):
    response = admin_client.get("/statistics/report.pdf", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Canadian Intellectual Property Office (CA)" in text
    assert "January 2025 – December 2025" in text
    assert "Document views" in text and "Office × office" in text
    assert "Monthly use" in text  # the trend chart's title, drawn from the SVG
    assert len(reader.pages) >= 2


def test_access_log_shows_who_used_our_documents_per_application(admin_client, used):
    response = admin_client.get("/statistics/access-log/", PERIOD)
    assert response.status_code == 200
    lines = [
        (line.application_id, line.office.code, line.views) for line, _ in response.context["lines"]
    ]
    assert lines == [(22, "AU", 3)]
    assert "Application #22" in response.content.decode()
    body = admin_client.get("/statistics/access-log.csv", PERIOD).content.decode()
    assert "Application #22,22,AU,3,0,3" in body


def test_bad_period_shows_a_message_and_the_default_months(admin_client, used):
    response = admin_client.get(URL, {"start": "2025-13", "end": "soon"})
    assert response.status_code == 200
    assert "Enter a month as YYYY-MM" in response.content.decode()
    assert len(response.context["page"].months) == 12
    backwards = admin_client.get(URL, {"start": "2025-06", "end": "2025-01"})
    assert "must not come after" in backwards.content.decode()
    too_long = admin_client.get(URL, {"start": "2010-01", "end": "2020-01"})
    assert "at most 120 months" in too_long.content.decode()
    assert admin_client.get("/statistics/nothing.csv").status_code == 404


def test_month_pickers_and_chart_name_the_months_in_the_readers_language(
    admin_client, admin_user, used
):
    english = admin_client.get(URL, PERIOD).content.decode()
    assert ">March 2025</option>" in english
    admin_user.language = "fr"
    admin_user.save(update_fields=["language"])
    french = admin_client.get(URL, PERIOD).content.decode()
    assert ">mars 2025</option>" in french and "March 2025" not in french


def test_matrix_figure_picker_shows_the_figure_shown_in_the_readers_language(
    admin_client, admin_user, used
):
    def picker(query) -> list[tuple[str, str, str]]:
        page = admin_client.get(URL, {**PERIOD, **query}).content.decode()
        select = re.search(r'<select name="metric" id="id_metric">(.*?)</select>', page, re.S)[1]
        return re.findall(r'<option value="(\w+)"( selected)?>([^<]*)</option>', select)

    assert picker({}) == [
        ("views", " selected", "Documents viewed"),
        ("downloads", "", "Documents downloaded"),
    ]
    assert picker({"metric": "downloads"})[1] == ("downloads", " selected", "Documents downloaded")
    admin_user.language = "fr"
    admin_user.save(update_fields=["language"])
    assert picker({}) == [
        ("views", " selected", "Documents consultés"),
        ("downloads", "", "Documents téléchargés"),
    ]


def test_statistics_page_query_count_does_not_grow_with_events(
    client, operator, used, django_assert_max_num_queries
):
    client.force_login(operator)
    with django_assert_max_num_queries(40):
        assert client.get(URL, {**PERIOD, "office": "all"}).status_code == 200
