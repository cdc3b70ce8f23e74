import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import dates
from dossiers.models import Worklist, WorklistEntry
from dossiers.services import worklists
from dossiers.services.applications import application_upsert
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db


def _parse(text, world, order=worklists.DAY_FIRST):
    return worklists.lines_parse(text=text, office=world["office"], order=order)


def test_csv_with_bom_windows_endings_header_blank_lines_and_extra_columns_is_read(world):
    data = (
        "\ufeffApplication number;Examination date;Examiner\r\n"
        "CA 3,000,001;2026-12-01;J. Smith\r\n"
        "\r\n"
        "3000002;01/12/2026;extra;columns\r\n"
    ).encode()
    lines = _parse(worklists.text_from_upload(data), world)
    assert [(p.line_no, p.application, p.date, p.reason) for p in lines] == [
        (2, world["ca1"], dt.date(2026, 12, 1), ""),
        (4, world["ca2"], dt.date(2026, 12, 1), ""),
    ]


def test_comma_lines_keep_thousands_commas_in_unquoted_numbers(world):
    text = 'CA 3,000,001,2026-12-01\n"CA 3,000,002",15/01/2027\nCA3000003\n'
    lines = _parse(text, world)
    assert [(p.application, p.date) for p in lines] == [
        (world["ca1"], dt.date(2026, 12, 1)),
        (world["ca2"], dt.date(2027, 1, 15)),
        (world["ca3"], None),
    ]


def test_slashed_dates_follow_the_order_the_clerk_chose(world):
    day_first = _parse("CA 3000001;01/12/2026", world, worklists.DAY_FIRST)[0]
    month_first = _parse("CA 3000001;01/12/2026", world, dates.MONTH_FIRST)[0]
    assert day_first.date == dt.date(2026, 12, 1)
    assert month_first.date == dt.date(2026, 1, 12)
    wrong = _parse("CA 3000001;12/31/2026", world, worklists.DAY_FIRST)[0]
    assert wrong.reason == worklists.Reason.DATE
    assert "day-first" in wrong.detail


def test_each_bad_line_gets_its_number_and_reason_and_good_lines_are_kept(world):
    worklist = worklists.worklist_create(user=world["clerk"], name="December")
    text = (
        "CA 3,000,001; 2026-12-01\n"
        "CA 12; 2026-12-01\n"  # invalid number
        "AU 2020123456; 2026-12-01\n"  # another office's
        "CA 3,000,009; 2026-12-01\n"  # ours in form, but not in the portal
        "CA 3000002; next tuesday\n"  # date
        "3000001; 2026-12-02\n"  # duplicate of line 1
        "CA 3000003; 2026-12-03\n"
    )
    result = worklists.worklist_lines_add(worklist=worklist, text=text)
    assert [p.application for p in result.added] == [world["ca1"], world["ca3"]]
    worklist.refresh_from_db()
    reasons = [(r["line"], r["reason"]) for r in worklist.rejected_lines]
    assert reasons == [
        (2, "Invalid number"),
        (3, "Not an application of your office"),
        (4, "Not an application of your office"),
        (5, "Unknown date format"),
        (6, "Duplicate"),
    ]
    assert "6 or 7 digits" in worklist.rejected_lines[0]["detail"]  # the parser's own message
    assert "AU number" in worklist.rejected_lines[1]["detail"]
    assert "line 1" in worklist.rejected_lines[4]["detail"]


def test_resubmitting_only_the_fixed_lines_adds_them_and_clears_the_report(world):
    worklist = worklists.worklist_create(user=world["clerk"], name="Fixes")
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000001;2026-12-01\nCA 3000002;x")
    worklist.refresh_from_db()
    assert len(worklist.rejected_lines) == 1
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000002;2026-12-05")
    worklist.refresh_from_db()
    assert worklist.rejected_lines == []
    assert WorklistEntry.objects.filter(worklist=worklist).count() == 2
    again = worklists.worklist_lines_add(worklist=worklist, text="CA 3000002;2026-12-05")
    assert again.rejected[0].reason == "Duplicate"
    assert "already on this worklist" in again.rejected[0].detail


def test_clerk_uploads_a_csv_and_sees_the_bad_line_with_its_reason(client, world):
    client.force_login(world["clerk"])
    upload = SimpleUploadedFile(
        "list.csv", b"\xef\xbb\xbfCA 3,000,001;2026-12-01\r\nCA 99;2026-12-01\r\n", "text/csv"
    )
    response = client.post(
        reverse("dossiers:worklist-list"),
        {"name": "Week 49", "file": upload, "text": "", "date_order": "dmy"},
    )
    worklist = Worklist.objects.get(name="Week 49")
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "1 line not added" in html
    assert "Invalid number" in html and "CA 99" in html
    assert "CA 3,000,001" in html
    # The fix form is prefilled with just the bad line.
    assert page.context["lines_form"].initial["text"] == "CA 99;2026-12-01"
    assert worklist.entries.count() == 1


def test_an_empty_submission_is_refused_with_a_message_and_creates_nothing(client, world):
    client.force_login(world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-list"), {"name": "x", "text": "  ", "date_order": "dmy"}
    )
    assert response.status_code == 200
    assert "Choose a CSV file or paste at least one line" in response.content.decode()
    assert not Worklist.objects.exists()


def test_worklist_page_shows_foreign_reports_by_office_and_category_in_fixed_queries(
    client, world, docs, django_assert_max_num_queries
):
    worklist = worklists.worklist_create(user=world["clerk"], name="Mine")
    worklists.worklist_lines_add(
        worklist=worklist, text="CA 3000001;2026-12-01\nCA 3000002;2026-12-02"
    )
    client.force_login(world["clerk"])
    url = reverse("dossiers:worklist-detail", args=[worklist.pk])
    client.get(url)  # warm session/caches
    with django_assert_max_num_queries(14):
        response = client.get(url)
    rows = {r.entry.application.key: r for r in response.context["rows"]}
    ca1 = rows["CA3000001"]
    assert ca1.available == 3  # the CA office's own office action is not a foreign report
    assert dict(ca1.by_office)["US"] == [
        ("Examination report / office action", 1),
        (
            "Search report",
            1,
        ),
    ]
    assert dict(ca1.by_office)["AU"] == [("Search report", 1)]
    assert ca1.new == 3
    assert rows["CA3000002"].available == 0
    html = response.content.decode()
    assert reverse("dossiers:family-detail", args=[world["ca1"].family_id]) in html
    assert "Nothing available" in html

    # More entries do not mean more queries.
    for n in range(4, 10):
        application_upsert(office=world["office"], number=f"CA 300000{n}")
    worklists.worklist_lines_add(
        worklist=worklist, text="\n".join(f"CA 300000{n};2026-12-03" for n in range(4, 10))
    )
    with django_assert_max_num_queries(14):
        client.get(url)


def test_clerk_of_another_office_gets_404_for_the_worklist(client, world):
    worklist = worklists.worklist_create(user=world["clerk"], name="Mine")
    au_clerk = UserFactory(office=world["other_office"], role="clerk")
    client.force_login(au_clerk)
    response = client.get(reverse("dossiers:worklist-detail", args=[worklist.pk]))
    assert response.status_code == 404
    response = client.post(reverse("dossiers:package-create", args=[worklist.pk]))
    assert response.status_code == 404


def test_examiners_are_not_offered_worklists(client, world, examiner):
    client.force_login(examiner)
    assert client.get(reverse("dossiers:worklist-list")).status_code == 404


def test_a_family_with_nothing_shared_offers_request_documents_from_each_foreign_member(
    client, world
):
    worklist = worklists.worklist_create(user=world["clerk"], name="Empty")
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000001;2026-12-01\nCA 3000002")
    client.force_login(world["clerk"])
    response = client.get(reverse("dossiers:worklist-detail", args=[worklist.pk]))
    rows = {r.entry.application.key: r for r in response.context["rows"]}
    new = reverse("notifications:request-new")
    assert [link[0] for link in rows["CA3000001"].request_links] == [
        f"{new}?application={world['us'].pk}",
        f"{new}?application={world['au'].pk}",
    ]
    assert rows["CA3000002"].request_links == []  # no other office to ask
    assert f"{new}?application={world['au'].pk}" in response.content.decode()
