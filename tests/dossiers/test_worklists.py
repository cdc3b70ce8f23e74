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
    # A US date that only reads one way is understood whatever the order.
    us = _parse("CA 3000001;12/31/2026", world, worklists.DAY_FIRST)[0]
    assert (us.reason, us.date) == ("", dt.date(2026, 12, 31))
    wrong = _parse("CA 3000001;31/31/2026", world, worklists.DAY_FIRST)[0]
    assert wrong.reason == worklists.Reason.DATE


@pytest.mark.parametrize(
    "line",
    [
        "AU2013315519 2026-12-23",
        "AU2013315519\t2026-12-23",
        "AU 2013315519, 23/12/2026",
        "AU 2013315519; 23.12.2026",
        "AU2013315519   12/23/2026",
        '"AU 2013315519","2026-12-23",extra',
        "AU2013315519 23-12-2026 examiner: J. Smith",
    ],
)
def test_pasted_lines_with_any_separator_and_date_shape_are_read(line, db):
    from tests.offices.factories import OfficeFactory

    au = OfficeFactory(code="AU")
    app = application_upsert(office=au, number="AU 2013315519")
    [p] = worklists.lines_parse(text=line, office=au)
    assert (p.reason, p.application, p.date) == ("", app, dt.date(2026, 12, 23)), p.detail


def test_a_date_that_reads_both_ways_is_asked_about_unless_the_office_says_its_order(world):
    [asked] = _parse("CA 3000001 03/04/2026", world, worklists.ASK)
    assert asked.reason == worklists.Reason.AMBIGUOUS
    assert "3 April 2026" in asked.detail and "4 March 2026" in asked.detail
    # The office's setting is the default order of its worklists.
    worklist = worklists.worklist_create(user=world["clerk"], name="Order")
    result = worklists.worklist_lines_add(worklist=worklist, text="CA 3000001 03/04/2026")
    assert result.rejected[0].reason == worklists.Reason.AMBIGUOUS
    world["office"].worklist_date_order = "mdy"
    world["office"].save()
    worklist.refresh_from_db()
    result = worklists.worklist_lines_add(worklist=worklist, text="CA 3000001 03/04/2026")
    assert result.added[0].date == dt.date(2026, 3, 4)
    # Same digits both ways (04/04/2026) is no question.
    [same] = _parse("CA 3000002 04/04/2026", world, worklists.ASK)
    assert same.date == dt.date(2026, 4, 4)


def test_duplicate_lines_are_merged_and_counted_and_a_later_date_moves_the_entry(world):
    worklist = worklists.worklist_create(user=world["clerk"], name="Dups")
    result = worklists.worklist_lines_add(
        worklist=worklist,
        text="CA 3000001 2026-12-01\n3,000,001\nCA3000001 2026-12-01\nCA 3000002 2026-12-02",
    )
    assert (len(result.added), result.merged, result.rejected) == (2, 2, [])
    again = worklists.worklist_lines_add(worklist=worklist, text="CA 3000002 2026-12-09")
    assert (again.merged, again.redated, again.rejected) == (1, 1, [])
    assert worklist.entries.get(application=world["ca2"]).examination_date == dt.date(2026, 12, 9)


def test_each_bad_line_gets_its_number_and_reason_and_good_lines_are_kept(world):
    worklist = worklists.worklist_create(user=world["clerk"], name="December")
    text = (
        "CA 3,000,001; 2026-12-01\n"
        "CA 12; 2026-12-01\n"  # invalid number
        "AU 2020123456; 2026-12-01\n"  # another office's
        "CA 3,000,009; 2026-12-01\n"  # ours in form, but not in the portal
        "CA 3000002; next tuesday\n"  # date
        "3000001; 2026-12-02\n"  # the same application as line 1: merged, its date wins
        "CA 3000003; 2026-12-03\n"
    )
    result = worklists.worklist_lines_add(worklist=worklist, text=text)
    assert [p.application for p in result.added] == [world["ca1"], world["ca3"]]
    assert result.merged == 1
    assert worklist.entries.get(application=world["ca1"]).examination_date == dt.date(2026, 12, 2)
    worklist.refresh_from_db()
    reasons = [(r["line"], r["reason"]) for r in worklist.rejected_lines]
    assert reasons == [
        (2, "Invalid number"),
        (3, "Not an application of your office"),
        (4, "Not an application of your office"),
        (5, "Unknown date format"),
    ]
    assert "6 or 7 digits" in worklist.rejected_lines[0]["detail"]  # the parser's own message
    assert "AU number" in worklist.rejected_lines[1]["detail"]


def test_an_examination_date_before_the_filing_date_is_a_bad_line_with_its_reason(world):
    # CA 3,000,001 was filed on 2020-02-27; CA 3,000,002 has no filing date in the portal.
    worklist = worklists.worklist_create(user=world["clerk"], name="Early")
    text = "CA 3,000,001; 26/02/2020\nCA 3000002; 2001-01-01\nCA 3000003; 2026-12-03\n"
    result = worklists.worklist_lines_add(worklist=worklist, text=text)
    assert [p.application for p in result.added] == [world["ca2"], world["ca3"]]
    worklist.refresh_from_db()
    assert worklist.rejected_lines == [
        {
            "line": 1,
            "text": "CA 3,000,001; 26/02/2020",
            "reason": "Before the filing date",
            "detail": "The examination date 2020-02-26 is before CA 3,000,001 was filed "
            "(2020-02-27).",
        }
    ]
    # The filing day itself is a possible examination date.
    again = worklists.worklist_lines_add(worklist=worklist, text="CA 3000001; 2020-02-27")
    assert (len(again.added), again.rejected) == (1, [])


def test_several_numbers_on_one_line_are_refused_one_per_line_and_thousands_commas_still_read(
    world,
):
    worklist = worklists.worklist_create(user=world["clerk"], name="Pasted family")
    text = (
        "EP 2906789 A1, US 9,184,456 B2\n"  # a family's members, copied from a report
        "CA 3,000,001, CA 3,000,002, 2026-12-01\n"
        "CA 3000001,3000002 2026-12-01\n"
        "CA 3,000,003, 2026-12-03\n"
        "US 9,184,456\n"  # one number, thousands commas and all: reported as not ours
    )
    result = worklists.worklist_lines_add(worklist=worklist, text=text)
    assert [p.application for p in result.added] == [world["ca3"]]
    worklist.refresh_from_db()
    assert [(r["line"], r["reason"]) for r in worklist.rejected_lines] == [
        (1, "One number per line"),
        (2, "One number per line"),
        (3, "One number per line"),
        (5, "Not an application of your office"),
    ]
    assert worklist.rejected_lines[0]["detail"] == (
        "‘EP 2906789 A1’; ‘US 9,184,456 B2’ are separate numbers: put each on its own line, "
        "with its examination date."
    )
    assert "‘CA 3,000,001’; ‘CA 3,000,002’" in worklist.rejected_lines[1]["detail"]
    assert "US 9,184,456 B2" not in worklist.rejected_lines[3]["detail"]


def test_a_line_over_the_csv_field_limit_is_a_bad_line_and_the_good_ones_are_kept(world):
    worklist = worklists.worklist_create(user=world["clerk"], name="Blob")
    text = "CA 3,000,001; 2026-12-01\n" + "A" * 200_000 + "\nCA 3000003; 2026-12-03\n"
    result = worklists.worklist_lines_add(worklist=worklist, text=text)
    assert [p.application for p in result.added] == [world["ca1"], world["ca3"]]
    worklist.refresh_from_db()
    [rejected] = worklist.rejected_lines
    assert (rejected["line"], rejected["reason"]) == (2, "Invalid number")
    assert "too long" in rejected["detail"]


def test_a_huge_paste_lists_the_first_bad_lines_and_keeps_every_one_in_the_box(client, world):
    from dossiers.views.worklists import REJECTED_SHOWN

    worklist = worklists.worklist_create(user=world["clerk"], name="Year")
    bad = [f"CA {9_000_000 + i}; 2026-12-01" for i in range(REJECTED_SHOWN + 40)]
    worklists.worklist_lines_add(worklist=worklist, text="\n".join(bad))
    client.force_login(world["clerk"])
    page = client.get(reverse("dossiers:worklist-detail", args=[worklist.pk])).content.decode()
    assert f"{REJECTED_SHOWN + 40} lines not added" in page
    assert page.count('<tr class="row-error">') == REJECTED_SHOWN
    assert "40 more lines are not listed here; they are in the box below" in page
    box = page[page.index("<textarea") : page.index("</textarea>")]
    assert all(line in box for line in bad)  # nothing to type again


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
    assert (again.rejected, again.merged, again.redated) == ([], 1, 0)


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


@pytest.mark.parametrize(
    ("language", "asked", "invalid", "help_words"),
    [
        ("en", "Which date?", "Invalid number", "Some dates read two ways"),
        ("fr", "Quelle date\u202f?", "Numéro invalide", "Certaines dates"),
    ],
)
def test_a_date_asked_about_is_amber_and_a_bad_number_red_in_the_readers_language(
    client, world, language, asked, invalid, help_words
):
    clerk = world["clerk"]
    clerk.language = language
    clerk.save(update_fields=["language"])
    worklist = worklists.worklist_create(user=clerk, name="Week 50")
    worklists.worklist_lines_add(
        worklist=worklist, text="CA 3000001 03/04/2026\nCA 99 2026-12-01", order=worklists.ASK
    )
    client.force_login(clerk)
    html = client.get(reverse("dossiers:worklist-detail", args=[worklist.pk])).content.decode()
    assert f'<span class="pill pill-amber">{asked}</span>' in html
    assert f'<span class="pill pill-red">{invalid}</span>' in html
    assert help_words in html  # the date order is offered


def test_an_empty_submission_is_refused_with_a_message_and_creates_nothing(client, world):
    client.force_login(world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-list"), {"name": "x", "text": "  ", "date_order": "dmy"}
    )
    assert response.status_code == 200
    assert "Choose a CSV file or paste at least one line" in response.content.decode()
    assert not Worklist.objects.exists()


@pytest.mark.parametrize(
    "head",
    [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-1.7\n"],
    ids=["xlsx", "xls", "pdf"],
)
def test_a_spreadsheet_or_pdf_instead_of_a_csv_is_refused_and_the_pasted_lines_kept(
    client, world, head
):
    client.force_login(world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-list"),
        {
            "name": "December",
            "file": SimpleUploadedFile("list.xlsx", head + b"\x00" * 300),
            "text": "CA 3000001; 2026-12-01",
            "date_order": "dmy",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a CSV file: save it as CSV" in page
    assert "CA 3000001; 2026-12-01</textarea>" in page  # nothing typed is lost
    assert not Worklist.objects.exists()


def test_several_csv_files_in_one_upload_are_refused_and_the_other_fields_kept(client, world):
    client.force_login(world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-list"),
        {
            "name": "December",
            "file": [
                SimpleUploadedFile("a.csv", b"CA 3000001;2026-12-01\r\n", "text/csv"),
                SimpleUploadedFile("b.csv", b"CA 3000002;2026-12-02\r\n", "text/csv"),
            ],
            "text": "CA 3000003; 2026-12-03",
            "date_order": "dmy",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "One file per upload: 2 files were sent. Choose one file." in page
    assert "Choose a CSV file or paste" not in page  # the file's own reason only
    assert "CA 3000003; 2026-12-03</textarea>" in page and 'value="December"' in page
    assert not Worklist.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"Number,Examination date\r\n",
            "The file holds no lines to add, only the header ‘Number,Examination date’.",
        ),
        (b"\xef\xbb\xbf", "The file holds no lines to add: it is empty."),
        (b"\r\n\r\n  \r\n", "The file holds no lines to add: it is empty."),
    ],
    ids=["header", "bom-only", "blank-lines"],
)
def test_a_file_with_no_lines_to_add_is_refused_and_the_name_and_pasted_lines_kept(
    client, world, data, message
):
    client.force_login(world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-list"),
        {
            "name": "December",
            "file": SimpleUploadedFile("list.csv", data, "text/csv"),
            "text": "CA 3000001; 2026-12-01",
            "date_order": "dmy",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    page = response.content.decode()
    assert "CA 3000001; 2026-12-01</textarea>" in page and 'value="December"' in page
    assert not Worklist.objects.exists()


def test_pasted_text_that_is_only_a_header_is_refused_and_kept(client, world):
    client.force_login(world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-list"),
        {"name": "December", "text": "\nNumber;Examination date\n\n", "date_order": "dmy"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [
        "The pasted text holds no lines to add, only the header ‘Number;Examination date’."
    ]
    assert "Number;Examination date" in response.content.decode()
    assert not Worklist.objects.exists()


def test_adding_a_header_only_file_to_a_worklist_is_refused_and_changes_nothing(client, world):
    worklist = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000001;2026-12-01\nCA 99;2026-12-01")
    client.force_login(world["clerk"])
    response = client.post(
        reverse("dossiers:worklist-lines-add", args=[worklist.pk]),
        {
            "file": SimpleUploadedFile("list.csv", b"Number;Date\r\n\r\n", "text/csv"),
            "date_order": "dmy",
        },
    )
    assert response.status_code == 200
    assert response.context["lines_form"].errors["file"] == [
        "The file holds no lines to add, only the header ‘Number;Date’."
    ]
    worklist.refresh_from_db()
    assert worklist.entries.count() == 1 and len(worklist.rejected_lines) == 1


SPREADSHEET_EXPORT = (
    '"Number","Examination date","Note; free text"\r\n'
    '"CA 3,000,001","2026-12-01","line one\nline two"\r\n'
    '"CA 99","2026-12-02","first\r\nsecond"\r\n'
    '"CA 3,000,002","2026-12-03",""\r\n'
)


def test_quoted_cells_with_line_breaks_in_a_file_are_one_record_numbered_where_it_starts(world):
    worklist = worklists.worklist_create(user=world["clerk"], name="Export")
    result = worklists.worklist_lines_add(worklist=worklist, csv_text=SPREADSHEET_EXPORT)
    assert [(p.line_no, p.application) for p in result.added] == [
        (2, world["ca1"]),
        (6, world["ca2"]),
    ]
    worklist.refresh_from_db()
    [bad] = worklist.rejected_lines
    assert (bad["line"], bad["reason"]) == (4, "Invalid number")
    # On one line, so the re-submit box gives it back as one line, every word kept.
    assert bad["text"] == '"CA 99","2026-12-02","first second"'


def test_pasted_lines_stay_one_entry_a_line_and_follow_the_files_numbering(world):
    parsed = worklists.lines_parse(
        csv_text="CA 3000001;2026-12-01\r\n",
        text='"CA 3,000,002","2026-12-03","a\nb"',
        office=world["office"],
    )
    assert [(p.line_no, p.text, p.ok) for p in parsed] == [
        (1, "CA 3000001;2026-12-01", True),
        (3, '"CA 3,000,002","2026-12-03","a', True),
        (4, 'b"', False),
    ]


def test_a_quote_never_closed_in_a_file_does_not_swallow_the_lines_after_it(world):
    text = 'CA 3000001;2026-12-01\n"CA 3,000,002;2026-12-02\nCA 3000003;2026-12-03\n'
    parsed = worklists.lines_parse(csv_text=text, office=world["office"], order=dates.DAY_FIRST)
    assert [(p.line_no, p.application) for p in parsed] == [
        (1, world["ca1"]),
        (2, world["ca2"]),
        (3, world["ca3"]),
    ]


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
    by_office = {code: (cats, newest) for code, cats, newest in ca1.by_office}
    assert by_office["US"] == (
        [("Examination report / office action", 1), ("Search report", 1)],
        dt.date(2021, 5, 4),  # the newest of the office's reports
    )
    assert by_office["AU"] == ([("Search report", 1)], dt.date(2021, 3, 1))
    assert "newest 2021-05-04" in response.content.decode()
    assert ca1.new == 3
    assert rows["CA3000002"].available == 0
    html = response.content.decode()
    assert reverse("dossiers:family-detail", args=[world["ca1"].family_id]) in html
    assert "Nothing shared" in html

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


def test_a_family_with_nothing_shared_offers_one_request_action_shown_until_answered(client, world):
    from notifications.models import DocumentRequest

    worklist = worklists.worklist_create(user=world["clerk"], name="Empty")
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000001;2026-12-01\nCA 3000002")
    client.force_login(world["clerk"])
    url = reverse("dossiers:worklist-detail", args=[worklist.pk])
    response = client.get(url)
    rows = {r.entry.application.key: r for r in response.context["rows"]}
    assert [code for _pk, code, _key in rows["CA3000001"].request_targets] == ["US", "AU"]
    assert rows["CA3000002"].request_targets == []  # no other office to ask
    assert "Request reports from US, AU" in response.content.decode()

    entry = worklist.entries.get(application=world["ca1"])
    response = client.post(
        reverse("dossiers:worklist-entry-request", args=[worklist.pk, entry.pk]), follow=True
    )
    html = response.content.decode()
    assert "Reports requested for US 16/123,456, AU 2020123456" in html
    asked = DocumentRequest.objects.filter(requesting_office=world["office"])
    assert sorted(asked.values_list("application__office__code", flat=True)) == ["AU", "US"]
    row = {r.entry.application.key: r for r in response.context["rows"]}["CA3000001"]
    assert [(shown, code) for shown, code, _ in row.requests] == [
        ("US 16/123,456", "US"),
        ("AU 2020123456", "AU"),
    ]
    assert "Request reports from" not in html  # shown as requested, not offered again
    assert "since" in html
    # Once answered (declined here), the entry no longer shows it as requested.
    asked.update(state="declined", decline_reason="Not yet examined")
    row = {r.entry.application.key: r for r in client.get(url).context["rows"]}["CA3000001"]
    assert row.requests == []


def _redate_url(client, world) -> tuple[str, WorklistEntry]:
    """The date-edit address of CA 3,000,001 (filed 2020-02-27, examined 2026-12-01) on a
    worklist of the clerk, logged in."""
    worklist = worklists.worklist_create(user=world["clerk"], name="Edit")
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000001;2026-12-01")
    entry = worklist.entries.get()
    client.force_login(world["clerk"])
    return reverse("dossiers:worklist-entry-redate", args=[worklist.pk, entry.pk]), entry


def test_an_examination_date_is_edited_in_place_and_a_bad_one_is_explained(client, world):
    url, entry = _redate_url(client, world)
    response = client.post(url, {"examination_date": "2027-01-15"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.examination_date == dt.date(2027, 1, 15)
    response = client.post(url, {"examination_date": "15/13/2027"})
    assert response.status_code == 200
    assert "not a valid date" in response.content.decode()
    assert 'value="15/13/2027"' in response.content.decode()  # what was typed is kept
    entry.refresh_from_db()
    assert entry.examination_date == dt.date(2027, 1, 15)
    other = UserFactory(office=world["other_office"], role="clerk")
    client.force_login(other)
    assert client.post(url, {"examination_date": "2027-02-01"}).status_code == 404


def test_the_date_edit_is_confirmed_in_the_readers_language(client, world):
    url, entry = _redate_url(client, world)
    page = client.post(url, {"examination_date": "2027-01-15"}, follow=True)
    assert "CA 3,000,001: examination 2027-01-15." in page.content.decode()
    page = client.post(url, {"examination_date": ""}, follow=True)
    assert "CA 3,000,001: examination date cleared." in page.content.decode()
    world["clerk"].language = "fr"
    world["clerk"].save()
    page = client.post(url, {"examination_date": "2027-01-15"}, follow=True)
    assert "CA 3,000,001\u00a0: examen le 2027-01-15." in page.content.decode()


def test_an_examination_date_moved_before_the_filing_date_is_refused_and_kept_in_the_box(
    client, world
):
    url, entry = _redate_url(client, world)
    response = client.post(url, {"examination_date": "2019-12-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The examination date 2019-12-31 is before CA 3,000,001 was filed (2020-02-27)." in page
    assert 'value="2019-12-31"' in page
    entry.refresh_from_db()
    assert entry.examination_date == dt.date(2026, 12, 1)


def test_each_entry_says_when_its_package_will_be_built(client, world, docs):
    import time_machine

    worklist = worklists.worklist_create(user=world["clerk"], name="When")
    worklists.worklist_lines_add(
        worklist=worklist, text="CA 3000001 2026-12-23\nCA 3000002 2026-12-05\nCA 3000003"
    )
    client.force_login(world["clerk"])
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)):
        page = client.get(reverse("dossiers:worklist-detail", args=[worklist.pk]))
    text = {r.entry.application.key: r.schedule for r in page.context["rows"]}
    assert text["CA3000001"] == "Package on 2026-12-09, 14 days before examination."
    assert text["CA3000002"].startswith("Due now: built within minutes")
    assert text["CA3000003"].startswith("No examination date")
    assert "Package on 2026-12-09, 14 days before examination." in page.content.decode()


def test_a_selection_that_cannot_be_read_builds_nothing_and_says_so(client, world):
    from dossiers.models import Package

    worklist = worklists.worklist_create(user=world["clerk"], name="Week 49")
    worklists.worklist_lines_add(worklist=worklist, text="CA 3000001;2026-12-01\nCA 3000002")
    client.force_login(world["clerk"])
    url = reverse("dossiers:package-create", args=[worklist.pk])
    page = client.post(url, {"application": ["abc"]}, follow=True)
    assert "The selection could not be read; tick the applications again." in page.content.decode()
    assert not Package.objects.exists()  # never the whole worklist in its place
    elsewhere = client.post(url, {"application": ["999999999"]}, follow=True)
    assert "none of the ticked applications is on the worklist" in elsewhere.content.decode()
