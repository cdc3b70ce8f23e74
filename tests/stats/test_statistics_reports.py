"""Large PDF reports are queued and built by a task; only their requester downloads them."""

import datetime as dt
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from case_portal import jobs
from case_portal.celery import app as celery_app
from stats import export_builds
from stats.charts import line_chart, nice_ticks
from stats.models import StatisticsReport
from tests.offices.factories import UserFactory

from .test_statistics import PERIOD

pytestmark = pytest.mark.django_db

URL = "/statistics/"
LONG = {"office": "CA", "start": "2024-01", "end": "2025-12", "metric": "views"}


def test_one_office_over_a_year_downloads_at_once(admin_client, used):
    response = admin_client.get(URL, PERIOD)
    assert b"Download PDF report" in response.content
    assert b"Prepare PDF report" not in response.content
    assert admin_client.get("/statistics/report.pdf", PERIOD)["Content-Type"] == "application/pdf"


def test_two_years_are_built_by_a_task_and_downloaded_as_a_real_pdf(
    admin_client, admin_user, used, eager_celery, django_capture_on_commit_callbacks
):
    page = admin_client.get(URL, LONG)
    assert b"Prepare PDF report" in page.content
    # Asking for the big PDF by its plain link sends the admin back to the page, no 500.
    assert admin_client.get("/statistics/report.pdf", LONG).status_code == 302

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse("stats:report-request"), LONG, follow=True)
    assert len(callbacks) == 1
    assert "Your report is being prepared" in response.content.decode()
    report = StatisticsReport.objects.get()
    assert report.requested_by == admin_user and report.state == StatisticsReport.State.READY
    assert report.expires_at > timezone.now()
    reloaded = admin_client.get(URL, LONG).content.decode()
    assert "statistics_CA_2024-01_2025-12.pdf" in reloaded and "being prepared" not in reloaded
    assert "CA, Jan 2024 – Dec 2025" in reloaded  # the report's office, read with the figures

    download = admin_client.get(reverse("stats:report-download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="statistics_CA_2024-01_2025-12.pdf"' in download["Content-Disposition"]
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Canadian Intellectual Property Office (CA)" in text
    assert "January 2024 – December 2025" in text
    assert "Monthly use" in text and "Office × office" in text
    # 24 months: the monthly table takes two pages of twelve months each.
    assert "Monthly figures (Jan 2024 – Dec 2024)" in text
    assert "Monthly figures (Jan 2025 – Dec 2025)" in text
    assert len(reader.pages) >= 3


def test_the_page_lists_only_the_viewers_own_reports_not_yet_expired(client, admin_user, used):
    colleague = UserFactory(office=admin_user.office, role="office_admin", email="a2@ca.test")
    now = timezone.now()

    def report(user, first, **fields):
        return StatisticsReport.objects.create(
            requested_by=user,
            office=admin_user.office,
            first_month=first,
            last_month=first + timedelta(days=400),
            metric="views",
            **fields,
        )

    report(admin_user, dt.date(2021, 1, 1))
    report(admin_user, dt.date(2022, 1, 1), expires_at=now - timedelta(minutes=1))
    report(admin_user, dt.date(2023, 1, 1), expires_at=now + timedelta(days=1))
    report(colleague, dt.date(2019, 1, 1))
    listed = {}
    for user in (admin_user, colleague, admin_user):  # the SQL is kept between viewers
        client.force_login(user)
        page = client.get(URL, PERIOD).content.decode()
        section = page[page.index('data-testid="reports"') :]
        section = section[: section.index("</section>")]
        listed[user.email] = re.findall(r"CA, (\w+ \d{4}) –", section)
    assert listed == {admin_user.email: ["Jan 2023", "Jan 2021"], colleague.email: ["Jan 2019"]}


def test_all_offices_report_is_queued_even_for_one_month(
    client, operator, used, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    query = {"office": "all", "start": "2025-03", "end": "2025-03", "metric": "views"}
    assert b"Prepare PDF report" in client.get(URL, query).content
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("stats:report-request"), query, follow=True)
    report = StatisticsReport.objects.get()
    assert report.office is None and report.state == StatisticsReport.State.QUEUED
    assert report.file_name == "statistics_ALL_2025-03_2025-03.pdf"
    html = response.content.decode()
    assert "Your report is being prepared" in html and "All offices, Mar 2025" in html
    # Asking again while it is pending does not queue a second build.
    client.post(reverse("stats:report-request"), query)
    assert StatisticsReport.objects.count() == 1


def test_another_admin_gets_404_for_the_download(
    client, admin_user, used, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = export_builds.report_request(
            user=admin_user,
            office=admin_user.office,
            period=export_builds.Period.last_months(24),
            metric="views",
        )
    report.refresh_from_db()
    assert report.state == StatisticsReport.State.READY
    url = reverse("stats:report-download", args=[report.pk])
    colleague = UserFactory(office=admin_user.office, role="office_admin", email="a2@ca.test")
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert client.get(reverse("stats:report-download", args=[report.pk + 999])).status_code == 404
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    # An expired report is gone for its requester too.
    StatisticsReport.objects.filter(pk=report.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert client.get(url).status_code == 404
    assert jobs.expire(export_builds.JOB) == 1


def test_broker_down_at_enqueue_keeps_the_report_queued_and_the_sweep_builds_it(
    admin_client, used, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("stats:report-request"), LONG, follow=True)
    assert response.status_code == 200
    assert "Your report is being prepared" in response.content.decode()
    report = StatisticsReport.objects.get()
    assert report.state == StatisticsReport.State.QUEUED
    # Later the broker is back; the beat sweep sends what was left behind.
    StatisticsReport.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    celery_app.conf.task_always_eager = True
    assert jobs.requeue_stuck(export_builds.JOB) == 1
    report.refresh_from_db()
    assert report.state == StatisticsReport.State.READY
    # A second delivery of the same message builds nothing again.
    assert export_builds.report_build(report_id=report.pk) is None


def test_more_than_120_months_gets_a_clear_message(admin_client, used):
    query = {"office": "CA", "start": "2010-01", "end": "2020-01"}
    html = admin_client.get(URL, query).content.decode()
    assert "Choose at most 120 months (10 years) at a time." in html
    response = admin_client.post(reverse("stats:report-request"), query, follow=True)
    assert "Choose at most 120 months (10 years) at a time." in response.content.decode()
    assert not StatisticsReport.objects.exists()
    html = admin_client.get(URL, {"office": "CA", "start": "2011-01", "end": "2020-12"})
    assert html.status_code == 200 and html.context["page"].period.first.year == 2011


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (12, [0, 5, 10, 15]),
        (37, [0, 10, 20, 30, 40]),
        (50, [0, 20, 40, 60]),
        (100, [0, 25, 50, 75, 100]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_chart_axis_ticks_are_round_numbers(peak, ticks):
    assert nice_ticks(peak) == ticks


def test_trend_chart_labels_its_axis_with_round_numbers():
    from datetime import date

    svg = line_chart(
        title="t", months=[date(2025, 1, 1), date(2025, 2, 1)], series=[("S", [0, 50])]
    )
    for label in ("0", "20", "40", "60"):
        assert f">{label}</text>" in svg
    assert ">12</text>" not in svg and ">37</text>" not in svg
