"""The family page's "download selected / all shown" ZIP and one PDF take a web-service office's
documents too: fetched whole through the one client (sha256 checked), counted like deposited
ones, and one the node cannot deliver listed in the index or cover with the reason, never as a
half file. A real node on loopback."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from stats.models import Action, UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.dossiers.pdf_samples import report_pdf_bytes
from tests.federation.conftest import web_service_family
from tests.federation.nodes import application_put
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

SR = "CA 3,200,001/Search report 2022-04-05.pdf"


@pytest.fixture
def fam(node, office, other_office, settings):
    """AU deposits a search report; CA serves a search report and an office action."""
    settings.FEDERATION_LIST_TTL = 300.0
    au, (ca,) = web_service_family(node=node, ca=office, au=other_office)
    files = application_put(
        node.root,
        ca.key,
        [
            {"id": "sr", "pages": 2, "date": "2022-04-05"},
            {"id": "oa", "category": "office_action", "date": "2023-01-09"},
        ],
    )
    au_sr = DocumentFactory(
        application=au, category="search_report", date=dt.date(2021, 3, 1), pages=1
    )
    au_sr.file.save("au-sr.pdf", io.BytesIO(report_pdf_bytes("AU search")), save=True)
    examiner = UserFactory(office=OfficeFactory(code="GB", name="UKIPO"), role="examiner")
    return {"au": au, "ca": ca, "files": files, "au_sr": au_sr, "examiner": examiner, "node": node}


def _get(django_client, fam, name, **params):
    django_client.force_login(fam["examiner"])
    url = reverse(name, args=[fam["ca"].family_id])
    return django_client.get(url, params)


def _zip(django_client, fam, **params) -> zipfile.ZipFile:
    response = _get(django_client, fam, "dossiers:family-documents-zip", **params)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _text(pdf: bytes, pages=slice(None)) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages[pages]).split())


def _downloads(office_code: str) -> int:
    return UsageEvent.objects.filter(
        action=Action.DOCUMENT_DOWNLOAD, provider_office__code=office_code
    ).count()


def test_the_family_table_gives_web_service_documents_a_tick_box(client, fam):
    client.force_login(fam["examiner"])
    html = client.get(f"/families/{fam['ca'].family_id}/").content.decode()
    key = fam["ca"].key
    assert f'name="doc" value="r:CA:{key}.sr"' in html
    assert f'name="doc" value="r:CA:{key}.oa"' in html
    assert f'name="doc" value="{fam["au_sr"].pk}"' in html


def test_download_all_shown_holds_the_offices_files_byte_for_byte_and_counts_them(client, fam):
    zf = _zip(client, fam, all="1")
    key = fam["ca"].key
    assert sorted(zf.namelist()) == [
        "AU 2020123456/Search report 2021-03-01.pdf",
        "CA 3,200,001/Examination report - office action 2023-01-09.pdf",
        SR,
        "index.pdf",
    ]
    assert zf.read(SR) == fam["files"][f"{key}.sr"]
    index = _text(zf.read("index.pdf"))
    assert "3 documents" in index and "Not included" not in index
    assert _downloads("CA") == 2 and _downloads("AU") == 1
    assert fam["node"].calls(f"GB examiner /documents/{key}.sr/content") == 1


def test_download_selected_takes_only_the_ticked_remote_document(client, fam):
    zf = _zip(client, fam, doc=[f"r:CA:{fam['ca'].key}.sr"])
    assert sorted(zf.namelist()) == [SR, "index.pdf"]
    assert _downloads("CA") == 1 and _downloads("AU") == 0


def test_a_document_that_fails_its_sha256_is_left_out_of_the_zip_with_the_reason(client, fam):
    key = fam["ca"].key
    # The list is cached as the portal saw it; then the office replaces the file's bytes.
    _get(client, fam, "dossiers:family-detail")
    original = fam["files"][f"{key}.sr"]
    middle = len(original) // 2
    altered = original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1 :]
    (fam["node"].root / key / "sr.pdf").write_bytes(altered)
    zf = _zip(client, fam, all="1")
    assert SR not in zf.namelist()  # never a half or altered file
    assert "CA 3,200,001/Examination report - office action 2023-01-09.pdf" in zf.namelist()
    index = _text(zf.read("index.pdf"))
    assert f"Not included (1) {SR}: the file does not match its sha256" in index
    assert "not included, try again later" in index
    assert _downloads("CA") == 1  # only what was delivered


def test_a_node_that_is_down_leaves_its_documents_listed_missing_in_the_zip(client, fam):
    _get(client, fam, "dossiers:family-detail")  # the page saw CA's list
    fam["node"].stop()
    zf = _zip(client, fam, all="1")
    assert sorted(zf.namelist()) == ["AU 2020123456/Search report 2021-03-01.pdf", "index.pdf"]
    index = _text(zf.read("index.pdf"))
    assert f"{SR}: CA's service is not answering; not included, try again later" in index
    assert _downloads("CA") == 0 and _downloads("AU") == 1


def test_one_pdf_merges_the_offices_reports_under_their_bookmarks(client, fam):
    response = _get(client, fam, "dossiers:family-documents-pdf", all="1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles == [
        "Contents",
        "AU 2020123456 — Search report 2021-03-01",
        "CA 3,200,001 — Search report 2022-04-05",
        "CA 3,200,001 — Examination report / office action 2023-01-09",
    ]
    sr_pages = len(PdfReader(io.BytesIO(fam["files"][f"{fam['ca'].key}.sr"])).pages)
    assert len(reader.pages) >= 1 + 1 + sr_pages + 1
    assert _downloads("CA") == 2 and _downloads("AU") == 1


def test_one_pdf_cover_names_what_the_node_could_not_deliver(client, fam):
    _get(client, fam, "dossiers:family-detail")
    fam["node"].stop()
    response = _get(client, fam, "dossiers:family-documents-pdf", all="1")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles == ["Contents", "AU 2020123456 — Search report 2021-03-01"]
    cover = _text(response.content, slice(0, 1))
    assert "Not included (2)" in cover
    assert "CA 3,200,001 — Search report 2022-04-05.pdf: CA's service is not answering" in cover
    assert _downloads("CA") == 0


def test_a_ticked_remote_document_of_an_office_that_does_not_share_is_not_fetched(
    client, fam, office
):
    office.shares_with_all = False
    office.save()
    calls = fam["node"].calls()
    response = _get(client, fam, "dossiers:family-documents-zip", doc=[f"r:CA:{fam['ca'].key}.sr"])
    assert response.status_code == 302  # nothing the user may read was ticked
    assert fam["node"].calls() == calls
    assert _downloads("CA") == 0
