"""Examiners read a web-service office's documents through the portal: family page, reader and
download, with the access policy and usage counting of deposited documents, and every fault of
the node answered plainly (never a 500, never a hang)."""

import datetime as dt
import hashlib
import os
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone

from dossiers.federation.client import FetchFailed
from offices.service_models import office_service_save
from stats.models import Action, UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.federation.conftest import web_service_family
from tests.federation.nodes import application_put
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed(node, office, other_office, settings):
    """CA serves from its node; AU deposits. One family: AU first filing, CA member claiming it."""
    settings.FEDERATION_LIST_TTL = 0  # every page asks the node (the cache has its own tests)
    au, (ca,) = web_service_family(node=node, ca=office, au=other_office)
    files = application_put(node.root, ca.key, [{"id": "sr", "pages": 2, "date": "2022-04-05"}])
    DocumentFactory(application=au, date=dt.date(2021, 3, 1))
    examiner = UserFactory(office=other_office, role="examiner", email="ex@au.test")
    return {"ca": ca, "au": au, "files": files, "examiner": examiner, "node": node}


def _page(client, fed):
    client.force_login(fed["examiner"])
    return client.get(f"/families/{fed['ca'].family_id}/")


def test_family_page_lists_the_offices_documents_from_its_service(client, fed):
    response = _page(client, fed)
    html = response.content.decode()
    doc_id = f"{fed['ca'].key}.sr"
    assert response.status_code == 200
    assert f"/documents/remote/{fed['ca'].pk}/{doc_id}/" in html
    assert "2022-04-05" in html and "not answering" not in html
    assert fed["node"].calls(f"AU examiner /applications/{fed['ca'].key}/documents") == 1


def test_reader_and_download_serve_the_verified_pdf_and_count_like_deposited(client, fed):
    client.force_login(fed["examiner"])
    doc_id = f"{fed['ca'].key}.sr"
    base = f"/documents/remote/{fed['ca'].pk}/{doc_id}/"
    reader = client.get(base)
    assert reader.status_code == 200
    assert "Served on request by CA" in reader.content.decode()
    download = client.get(base + "content")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == fed["files"][doc_id]
    assert "attachment" in download["Content-Disposition"]
    events = UsageEvent.objects.filter(provider_office__code="CA", application_id=fed["ca"].pk)
    assert sorted(events.values_list("action", flat=True)) == sorted(
        [Action.DOCUMENT_VIEW, Action.DOCUMENT_DOWNLOAD]
    )


def test_office_policy_is_applied_before_the_office_is_called(client, fed, office):
    gb = OfficeFactory(code="GB", name="UKIPO")
    office.shares_with_all = False
    office.save()
    office.shares_with.set([gb])
    calls = fed["node"].calls()
    html = _page(client, fed).content.decode()
    assert "/documents/remote/" not in html
    doc_id = f"{fed['ca'].key}.sr"
    assert client.get(f"/documents/remote/{fed['ca'].pk}/{doc_id}/").status_code == 404
    assert client.get(f"/documents/remote/{fed['ca'].pk}/{doc_id}/content").status_code == 404
    assert fed["node"].calls() == calls  # the office never heard of it


def test_unpublished_application_of_another_office_is_not_fetched(client, fed):
    fed["ca"].published = False
    fed["ca"].save()
    client.force_login(fed["examiner"])
    doc_id = f"{fed['ca'].key}.sr"
    calls = fed["node"].calls()
    assert client.get(f"/documents/remote/{fed['ca'].pk}/{doc_id}/").status_code == 404
    assert fed["node"].calls() == calls


def test_node_down_page_says_so_with_the_list_as_of_its_last_answer(client, fed, node):
    first = _page(client, fed)
    assert first.status_code == 200
    node.stop()
    response = _page(client, fed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "CA&#x27;s service is not answering; list as of " in html
    assert f"/documents/remote/{fed['ca'].pk}/" in html  # the last list is still shown
    doc_id = f"{fed['ca'].key}.sr"
    download = client.get(f"/documents/remote/{fed['ca'].pk}/{doc_id}/content")
    assert download.status_code == 503
    assert "not available right now" in download.content.decode()
    # A French examiner reads the same notice in French.
    fed["examiner"].language = "fr"
    fed["examiner"].save(update_fields=["language"])
    french = _page(client, fed).content.decode()
    assert "le service de l’office CA ne répond pas\u00a0; liste à " in french
    assert "not answering" not in french


def test_hanging_node_page_answers_within_its_budget(client, fed, node, settings):
    settings.FEDERATION_PAGE_BUDGET = 1.0
    node.fault("hang")
    start = time.monotonic()
    response = _page(client, fed)
    assert response.status_code == 200
    assert "CA&#x27;s service is not answering; no list yet" in response.content.decode()
    assert time.monotonic() - start < 15  # budget 1 s; generous margin on a loaded machine


def test_sha256_mismatch_download_is_refused_and_nothing_kept(client, fed, node, settings):
    node.fault("bad-sha")
    client.force_login(fed["examiner"])
    doc_id = f"{fed['ca'].key}.sr"
    response = client.get(f"/documents/remote/{fed['ca'].pk}/{doc_id}/content")
    assert response.status_code == 503
    assert "sha256" in response.content.decode()
    assert not list(Path(settings.FEDERATION_CACHE_DIR).glob("*"))


def test_truncated_download_is_refused_then_served_whole_when_the_node_recovers(client, fed, node):
    client.force_login(fed["examiner"])
    doc_id = f"{fed['ca'].key}.sr"
    url = f"/documents/remote/{fed['ca'].pk}/{doc_id}/content"
    node.fault("truncate")
    assert client.get(url).status_code == 503
    node.fault("")
    response = client.get(url)
    assert b"".join(response.streaming_content) == fed["files"][doc_id]


def test_deposit_office_pages_make_no_calls(client, fed, office, node):
    office_service_save(office=office, mode="deposit")
    calls = node.calls()
    assert _page(client, fed).status_code == 200
    assert node.calls() == calls


def test_list_as_of_time_is_the_local_time_of_the_last_answer(client, fed, node, settings):
    settings.TIME_ZONE = "America/Toronto"
    _page(client, fed)
    shown = f"{timezone.localtime(timezone.now()):%H:%M}"
    node.fault("error")
    html = _page(client, fed).content.decode()
    match = re.search(r"list as of (\d\d:\d\d)", html)
    assert match, "no 'list as of HH:MM' notice"
    # The same minute as the last good answer, in the portal's time zone (or the next one).
    assert match.group(1) in {shown, f"{timezone.localtime(timezone.now()):%H:%M}"}


def test_api_lists_and_serves_the_offices_documents_with_the_same_rules(client, fed, node):
    from offices.services import api_key_create

    raw = api_key_create(office=fed["au"].office, name="au", scopes=["access"])[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listing = client.get(f"/api/v1/applications/CA/{fed['ca'].key}/remote-documents", **auth)
    assert listing.status_code == 200, listing.content
    (doc,) = listing.json()["documents"]
    assert doc["id"] == f"{fed['ca'].key}.sr" and doc["category"] == "search_report"
    assert listing.json()["notice"] is None
    content = client.get(doc["content_url"].removeprefix("http://testserver"), **auth)
    assert content.status_code == 200
    assert b"".join(content.streaming_content) == fed["files"][doc["id"]]
    assert UsageEvent.objects.filter(
        action=Action.DOCUMENT_DOWNLOAD, via_api=True, provider_office__code="CA"
    ).exists()
    node.stop()
    down = client.get(f"/api/v1/applications/CA/{fed['ca'].key}/remote-documents", **auth)
    assert down.status_code == 200
    assert down.json()["notice"].startswith("CA's service is not answering; list as of ")
    failed = client.get(
        f"/api/v1/remote-documents/{fed['ca'].pk}/{fed['ca'].key}.zz/content", **auth
    )
    assert failed.status_code == 503 and failed["Content-Type"] == "application/json"


def test_a_deposited_and_a_federated_report_of_the_same_day_sort_side_by_side(client, fed):
    DocumentFactory(application=fed["au"], date=dt.date(2022, 4, 5))  # the CA report's day
    response = _page(client, fed)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("2022-04-05") >= 2


@pytest.fixture
def big(fed, settings):
    """A 1.5 MB report: above FEDERATION_STREAM_BYTES, so relayed as it arrives."""
    settings.FEDERATION_STREAM_BYTES = 512 * 1024
    data = b"%PDF-1.4\n" + os.urandom(1536 * 1024) + b"\n%%EOF\n"
    files = application_put(
        fed["node"].root, fed["ca"].key, [{"id": "sr", "date": "2022-04-05", "data": data}]
    )
    url = f"/documents/remote/{fed['ca'].pk}/{fed['ca'].key}.sr/content"
    return {"data": files[f"{fed['ca'].key}.sr"], "url": url}


def _read_all(response) -> tuple[bytes, Exception | None]:
    got = []
    try:
        for chunk in response.streaming_content:
            got.append(chunk)
    except FetchFailed as exc:  # what the server does with it: close the connection short
        return b"".join(got), exc
    return b"".join(got), None


def test_a_large_document_is_relayed_as_it_arrives_and_kept_once_verified(
    client, fed, big, settings
):
    client.force_login(fed["examiner"])
    asked = fed["node"].calls(big["url"].split("/", 4)[-1])  # the node's log spans the module
    response = client.get(big["url"])
    assert response.status_code == 200 and response.streaming
    assert response["Content-Length"] == str(len(big["data"]))
    assert "attachment" in response["Content-Disposition"]
    body, error = _read_all(response)
    assert error is None and body == big["data"]
    assert [p.name for p in Path(settings.FEDERATION_CACHE_DIR).iterdir()] == [
        hashlib.sha256(big["data"]).hexdigest() + ".pdf"
    ]
    again = client.get(big["url"])  # now from the content cache, not the node
    assert b"".join(again.streaming_content) == big["data"]
    assert fed["node"].calls(big["url"].split("/", 4)[-1]) == asked + 1


def test_a_large_document_that_does_not_match_ends_short_and_is_refused_next_time(
    client, fed, big, node, settings
):
    node.fault("bad-sha")
    client.force_login(fed["examiner"])
    body, error = _read_all(client.get(big["url"]))
    assert "sha256" in str(error)
    assert 0 < len(body) < len(big["data"])  # never the whole altered file
    assert not list(Path(settings.FEDERATION_CACHE_DIR).glob("*"))
    refused = client.get(big["url"])
    assert refused.status_code == 503 and "sha256" in refused.content.decode()


def test_a_large_document_cut_off_by_the_node_ends_short_and_nothing_is_kept(
    client, fed, big, node, settings
):
    node.fault("truncate")
    client.force_login(fed["examiner"])
    body, error = _read_all(client.get(big["url"]))
    assert "half-way" in str(error) and len(body) < len(big["data"])
    assert not list(Path(settings.FEDERATION_CACHE_DIR).glob("*"))
    node.fault("")
    body, error = _read_all(client.get(big["url"]))
    assert error is None and body == big["data"]
