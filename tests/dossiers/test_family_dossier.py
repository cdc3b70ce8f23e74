"""The family page as an examiner's dossier: one document table with filters and explained codes,
why a member is missing (one test per reason, and never a word about another office's unpublished
application), downloads of several documents at once, and a pinned query count."""

import datetime as dt
import errno
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from pypdf import PdfReader

from dossiers.services.applications import PriorityIn, application_upsert
from dossiers.services.documents import document_add
from dossiers.services.package_archive import CHUNK
from notifications.services import request_make
from stats.models import Action, UsageEvent
from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.offices.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def _url(world, **params):
    return reverse("dossiers:family-detail", args=[world["us"].family_id]), params


def _get(client, world, **params):
    url, params = _url(world, **params)
    return client.get(url, params)


def _doc_rows(response) -> list[str]:
    html = response.content.decode()
    table = html[html.index('data-testid="documents"') :]
    table = table[: table.index("</table>")]
    rows = [r.split(">", 1)[1] for r in table.split("<tr data-doc=")[1:]]
    return [" ".join(strip_tags(r).split()) for r in rows]


def _missing(response) -> list[str]:
    html = response.content.decode()
    if 'data-testid="missing"' not in html:
        return []
    part = html[html.index('data-testid="missing"') :]
    part = part[: part.index("</ul>")]
    return [" ".join(strip_tags(li).split()) for li in part.split("<li>")[1:]]


# --- one document table ---


def test_one_document_table_lists_every_members_documents_with_codes_in_words(client, family_world):
    client.force_login(family_world["au_examiner"])
    rows = _doc_rows(_get(client, family_world))
    assert len(rows) == 3
    # By date: the US search report, then the EP report and opinion of the same day.
    assert rows[0].startswith("US US 13/926,335 Search report Non-final rejection CTNF 2014-02-01")
    assert "European search report EPO Form 1503" in rows[1]
    assert "European search opinion EPO Form 1703" in rows[2]


def test_unknown_office_codes_are_shown_as_they_are(client, family_world):
    w = family_world
    document_add(
        application=w["jp"],
        file=ContentFile(report_pdf_bytes("JP notice"), name="n.pdf"),
        category="office_action",
        date=dt.date(2016, 2, 2),
        code="ZZ99",
    )
    client.force_login(w["au_examiner"])
    rows = _doc_rows(_get(client, w))
    assert any("Examination report / office action ZZ99 2016-02-02" in r for r in rows)


def test_filters_by_office_category_language_and_dates_are_kept_in_the_url(client, family_world):
    w = family_world
    document_add(
        application=w["jp"],
        file=ContentFile(report_pdf_bytes("JP refusal"), name="n.pdf"),
        category="office_action",
        date=dt.date(2016, 2, 2),
        code="A131",
        language="ja",
    )
    client.force_login(w["au_examiner"])
    assert len(_doc_rows(_get(client, w, office="EP"))) == 2
    assert len(_doc_rows(_get(client, w, category="search_report"))) == 2
    only_ja = _doc_rows(_get(client, w, language="ja"))
    assert len(only_ja) == 1 and "Notice of reasons for refusal A131" in only_ja[0]
    dated = _doc_rows(_get(client, w, date_from="2014-03-01", date_to="2015-12-31"))
    assert [r.split()[0] for r in dated] == ["EP", "EP"]
    page = _get(client, w, office="EP", sort="-date")
    html = page.content.decode()
    # Sort links and the download form carry the filters along.
    assert re.search(r'href="\?office=EP&amp;sort=office"', html)
    assert 'name="office" value="EP"' in html
    newest_first = _doc_rows(page)
    assert "Written opinion" in newest_first[0] or "2014-03-01" in newest_first[0]


def test_a_bad_date_filter_says_so_and_shows_everything(client, family_world):
    client.force_login(family_world["au_examiner"])
    page = _get(client, family_world, date_from="2014-13-45", sort="nonsense")
    assert page.status_code == 200
    assert "From date:" in page.content.decode()
    assert len(_doc_rows(page)) == 3
    # What was typed stays in its box to be corrected (one format: a text box, not a picker).
    assert 'name="date_from" value="2014-13-45" placeholder="YYYY-MM-DD"' in page.content.decode()


def test_members_table_offers_every_number_form_and_links_out(client, family_world):
    client.force_login(family_world["au_examiner"])
    html = _get(client, family_world).content.decode()
    assert 'data-copy="EP 13844704.0"' in html
    assert 'data-copy="EP.13844704.A"' in html and 'data-copy="EP20130844704"' in html
    assert "https://register.epo.org/application?number=EP20130844704" in html
    assert "https://worldwide.espacenet.com/patent/search?q=pn%3DEP20130844704" in html
    # Cited patents link out too.
    assert "https://worldwide.espacenet.com/patent/search?q=pn%3DUS8131731" in html


def test_time_line_has_priority_filing_publication_and_report_events(client, family_world):
    client.force_login(family_world["au_examiner"])
    html = _get(client, family_world).content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    timeline = " ".join(strip_tags(timeline[: timeline.index("</ol>")]).split())
    assert "2013-06-26 Filed" in timeline
    assert "2014-05-01 Published US 2014/0123456 A1" in timeline
    assert "2014-02-01 Search report: Non-final rejection" in timeline
    assert "2013-06-26 Priority US 13/926,335" in timeline


# --- why a member is missing: one test per reason ---


def test_reason_not_published_yet_comes_from_the_claimed_date_alone(client, family_world):
    """Trust rule: the line is the same whether or not the office's unpublished application
    is in CASE; the page never tells them apart."""
    w = family_world
    recent = timezone.localdate() - dt.timedelta(days=100)
    OfficeFactory(code="GB")
    application_upsert(
        office=w["offices"]["AU"],
        number="AU 2026900001",
        published=True,
        priorities=[PriorityIn("GB", "GB 1111185", recent), PriorityIn("US", "US 13/926,335")],
    )
    client.force_login(w["ca_examiner"])
    before = _missing(_get(client, w))
    assert any(
        line.startswith("GB 1111185: Not available: not published yet at its office")
        for line in before
    )
    application_upsert(
        office=OfficeFactory._meta.model.objects.get(code="GB"),
        number="GB 1111185",
        published=False,
        filing_date=recent,
        title="Secret GB filing",
    )
    after = _get(client, w)
    assert _missing(after) == before
    assert "Secret GB filing" not in after.content.decode()


def test_reason_not_available_for_an_old_number_says_nothing_more(client, family_world):
    w = family_world
    OfficeFactory(code="GB")
    application_upsert(
        office=w["offices"]["AU"],
        number="AU 2026900002",
        published=True,
        priorities=[PriorityIn("GB", "GB 1318000", dt.date(2013, 1, 5))],
        pct="PCT/US2013/064552",
    )
    client.force_login(w["ca_examiner"])
    lines = _missing(_get(client, w))
    assert "GB 1318000: Not available in CASE." in lines
    assert "PCT/US2013/064552: Not available in CASE." in lines


def test_reason_office_does_not_take_part(client, family_world):
    w = family_world
    application_upsert(
        office=w["offices"]["AU"],
        number="AU 2026900003",
        published=True,
        priorities=[PriorityIn("KR", "KR 10-2013-0012345", dt.date(2013, 2, 1))],
        pct="PCT/US2013/064552",
    )
    client.force_login(w["ca_examiner"])
    assert "KR 10-2013-0012345: Not available: the office does not take part in CASE." in _missing(
        _get(client, w)
    )


def test_reason_office_does_not_share_reports_at_all(client, family_world):
    w = family_world
    jp = w["offices"]["JP"]
    jp.provides = False
    jp.save()
    client.force_login(w["au_examiner"])
    assert f"JP 2015-512345: {jp.name} does not share reports in CASE." in _missing(_get(client, w))


def test_reason_office_does_not_share_with_your_office(client, family_world):
    w = family_world
    ep = w["offices"]["EP"]
    ep.shares_with_all = False
    ep.save()
    ep.shares_with.set([w["offices"]["JP"]])
    client.force_login(w["au_examiner"])
    assert f"EP 13844704.0: {ep.name} does not share with your office." in _missing(_get(client, w))


def test_a_policy_changed_by_its_office_admin_shows_on_the_next_page_not_minutes_later(
    client, family_world
):
    """The offices are kept per process (family_reads.offices_read): a change still shows at
    once here, and within a second on every other process (the test below)."""
    from offices.services import office_policy_update
    from tests.offices.factories import UserFactory

    w = family_world
    jp = w["offices"]["JP"]
    client.force_login(w["au_examiner"])
    assert "JP 2015-512345: No reports shared yet. Request documents for JP 2015-512345" in (
        _missing(_get(client, w))
    )
    admin = UserFactory(office=jp, role="office_admin")
    office_policy_update(admin=admin, office=jp, shares_with_all=False, shares_with=[])
    assert f"JP 2015-512345: {jp.name} does not share with your office." in _missing(
        _get(client, w)
    )
    office_policy_update(
        admin=admin, office=jp, shares_with_all=False, shares_with=[w["offices"]["AU"]]
    )
    assert "JP 2015-512345: No reports shared yet. Request documents for JP 2015-512345" in (
        _missing(_get(client, w))
    )


def test_an_office_changed_by_another_process_shows_here_within_a_second(monkeypatch, db):
    """The change mark in the shared cache is read again at most once a second (every search
    asks for the offices): another process's change shows here within that second."""
    import types

    from django.core.cache import cache

    from dossiers import family_reads
    from offices.models import Office

    clock = [1000.0]
    monkeypatch.setattr(family_reads, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    assert "ZZ" not in family_reads.offices_read(None)[0]
    # Another process: its row (no signal here) and its new mark in the shared cache.
    Office.objects.bulk_create([Office(code="ZZ", name="Elsewhere")])
    cache.set(family_reads._GENERATION_KEY, "another process's change", timeout=None)
    clock[0] += 0.5
    assert "ZZ" not in family_reads.offices_read(None)[0]  # this process's kept offices
    clock[0] += 0.6
    assert "ZZ" in family_reads.offices_read(None)[0]


def test_reason_no_reports_yet_offers_a_request(client, family_world):
    w = family_world
    client.force_login(w["au_examiner"])
    page = _get(client, w)
    assert "JP 2015-512345: No reports shared yet. Request documents for JP 2015-512345" in (
        _missing(page)
    )
    assert f"/requests/new/?application={w['jp'].pk}" in page.content.decode()


def test_reason_requested_by_your_office_on_the_day_it_was_asked(client, family_world):
    w = family_world
    request_make(user=w["au_examiner"], application=w["jp"], message="Please")
    client.force_login(w["au_examiner"])
    today = timezone.localdate()
    assert f"JP 2015-512345: Requested by your office on {today:%Y-%m-%d} (open)." in _missing(
        _get(client, w)
    )


# --- several documents at once ---


def _zip(client, world, **params):
    url = reverse("dossiers:family-documents-zip", args=[world["us"].family_id])
    return client.get(url, params)


def test_download_all_shown_streams_a_zip_with_display_names_and_an_index(client, family_world):
    w = family_world
    client.force_login(w["au_examiner"])
    response = _zip(client, w, office="EP", all="1")
    assert response.status_code == 200 and response.streaming
    assert response["Cache-Control"] == "private, no-store"
    chunks = list(response.streaming_content)
    assert max(len(c) for c in chunks) <= CHUNK + 64 * 1024  # streamed, never whole in memory
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert sorted(archive.namelist()) == [
        "EP 13844704.0/Search report 2014-03-01 EPO Form 1503.pdf",
        "EP 13844704.0/Written opinion 2014-03-01 EPO Form 1703.pdf",
        "index.pdf",
    ]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    index = PdfReader(io.BytesIO(archive.read("index.pdf"))).pages[0].extract_text()
    assert "European search opinion" in " ".join(index.split())
    assert archive.read("EP 13844704.0/Search report 2014-03-01 EPO Form 1503.pdf").startswith(
        b"%PDF-"
    )
    downloads = UsageEvent.objects.filter(action=Action.DOCUMENT_DOWNLOAD, user=w["au_examiner"])
    assert downloads.count() == 2


def test_download_all_with_storage_down_is_the_503_page_not_a_zip_of_an_index(
    client, family_world, monkeypatch
):
    w = family_world
    client.force_login(w["au_examiner"])
    # A file that is gone is listed as missing in the ZIP, as before ...
    default_storage.delete(w["docs"]["ep_sr"].file.name)
    response = _zip(client, w, office="EP", all="1")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "EP 13844704.0/Written opinion 2014-03-01 EPO Form 1703.pdf",
        "index.pdf",
    ]
    before = UsageEvent.objects.count()

    # ... but a storage that does not answer is the page a single download gives.
    def down(self, name, mode="rb"):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(FileSystemStorage, "_open", down)
    response = _zip(client, w, office="EP", all="1")
    assert response.status_code == 503 and not response.streaming
    assert "cannot reach its file storage right now" in response.content.decode()
    assert response["Retry-After"]
    assert UsageEvent.objects.count() == before  # nothing was downloaded, nothing counted


def test_download_selected_takes_only_ticked_documents_the_reader_may_see(client, family_world):
    w = family_world
    ep = w["offices"]["EP"]
    ep.shares_with_all = False
    ep.save()
    client.force_login(w["au_examiner"])
    ids = [w["docs"]["us_sr"].pk, w["docs"]["ep_sr"].pk]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(_zip(client, w, doc=ids).streaming_content)))
    assert sorted(archive.namelist()) == [
        "US 13-926,335/Search report 2014-02-01 CTNF.pdf",
        "index.pdf",
    ]


def test_download_with_nothing_ticked_goes_back_with_a_message(client, family_world):
    client.force_login(family_world["au_examiner"])
    response = _zip(client, family_world, office="EP")
    assert response.status_code == 302 and "office=EP" in response["Location"]
    page = client.get(response["Location"])
    assert "Tick at least one document" in page.content.decode()


def test_one_pdf_has_a_cover_and_a_bookmark_per_document(client, family_world):
    w = family_world
    client.force_login(w["au_examiner"])
    url = reverse("dossiers:family-documents-pdf", args=[w["us"].family_id])
    response = client.get(url, {"all": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # Each document's own bookmarks (WeasyPrint makes them) nest under its entry.
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[0] == "Contents"
    assert titles[1:] == [
        "US 13/926,335 — Search report 2014-02-01",
        "EP 13844704.0 — Search report 2014-03-01",
        "EP 13844704.0 — Written opinion 2014-03-01",
    ]
    assert len(reader.pages) == 1 + 3
    assert "US search" in reader.pages[1].extract_text()


def test_one_pdf_for_a_french_reader_is_in_french_and_keeps_the_numbers(client, family_world):
    w = family_world
    w["au_examiner"].language = "fr"
    w["au_examiner"].save(update_fields=["language"])
    client.force_login(w["au_examiner"])
    url = reverse("dossiers:family-documents-pdf", args=[w["us"].family_id])
    reader = PdfReader(io.BytesIO(client.get(url, {"all": "1"}).content))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[0] == "Contenu"
    assert titles[1] == "US 13/926,335 — Rapport de recherche 2014-02-01"
    cover = reader.pages[0].extract_text()
    assert "Portail CASE — " in cover and "CASE Portal" not in cover


def test_other_families_and_unpublished_families_give_404_for_downloads(client, family_world):
    w = family_world
    secret = application_upsert(office=w["offices"]["CA"], number="CA 2,999,999", published=False)
    client.force_login(w["au_examiner"])
    url = reverse("dossiers:family-documents-zip", args=[secret.family_id])
    assert client.get(url, {"all": "1"}).status_code == 404


# --- performance: a fixed number of queries ---

# Pinned: grows only when the page learns to show something new. session, user, members,
# documents, watches/requests/unread count, and usage_record's one statement.
FAMILY_PAGE_QUERIES = 6


def test_a_four_member_and_a_ten_member_sixty_document_family_page_take_the_same_queries(
    client, family_world, django_assert_num_queries
):
    w = family_world
    client.force_login(w["au_examiner"])
    _get(client, w)  # warm the session and the content types
    with django_assert_num_queries(FAMILY_PAGE_QUERIES):
        small = _get(client, w)
    assert len(small.context["members"]) == 4
    codes = ["NZ", "SG", "IL", "MX", "ZA", "PH"]
    for i, code in enumerate(codes):
        app = application_upsert(
            office=OfficeFactory(code=code),
            number=f"{code} 123456{i}",
            published=True,
            pct="PCT/US2013/064552",
            filing_date=dt.date(2015, 5, 1),
        )
        for n in range(9 if i < 5 else 12):
            document_add(
                application=app,
                file=ContentFile(report_pdf_bytes(f"r{i}-{n}"), name="r.pdf"),
                category="office_action",
                date=dt.date(2016, 1, 1) + dt.timedelta(days=n),
            )
    # New offices: the first page after them reads the offices again (kept per process).
    with django_assert_num_queries(FAMILY_PAGE_QUERIES + 1):
        _get(client, w)
    with django_assert_num_queries(FAMILY_PAGE_QUERIES):
        page = _get(client, w)
    assert len(page.context["members"]) == 10
    assert len(page.context["page"].documents) == 60
