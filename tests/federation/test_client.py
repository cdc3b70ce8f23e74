"""The federation client against a real office node (gunicorn) on loopback: lists, ETags,
content, and every fault of the misbehaving node."""

import hashlib
import socket
import threading
import time
from pathlib import Path

import pytest
from django.utils import timezone

from dossiers.federation import breaker, client
from dossiers.federation import cache as fcache
from tests.federation.nodes import application_put


def _cache_files(settings) -> list[str]:
    folder = Path(settings.FEDERATION_CACHE_DIR)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_list_names_each_document_with_its_size_and_sha256(node, service, au_examiner_requester):
    files = application_put(
        node.root,
        "CA3100001",
        [{"id": "sr", "pages": 2}, {"id": "wo", "category": "written_opinion"}],
    )
    result = client.documents_list(service, "CA3100001", requester=au_examiner_requester)
    assert result.problem == "" and result.notice == ""
    by_id = {d.id: d for d in result.documents}
    assert set(by_id) == {"CA3100001.sr", "CA3100001.wo"}
    sr = by_id["CA3100001.sr"]
    assert sr.category == "search_report" and sr.pages == 2 and sr.office_code == "CA"
    assert sr.sha256 == hashlib.sha256(files["CA3100001.sr"]).hexdigest()
    assert sr.size == len(files["CA3100001.sr"])


def test_the_office_hears_who_asks(node, service, au_examiner_requester):
    application_put(node.root, "CA3100002", [{"id": "sr"}])
    client.documents_list(service, "CA3100002", requester=au_examiner_requester)
    assert node.calls("AU examiner /applications/CA3100002/documents") == 1


def test_fresh_list_is_served_from_cache_then_revalidated_with_its_etag(
    node, service, settings, au_examiner_requester
):
    application_put(node.root, "CA3100003", [{"id": "sr"}])
    first = client.documents_list(service, "CA3100003", requester=au_examiner_requester)
    client.documents_list(service, "CA3100003", requester=au_examiner_requester)
    assert node.calls("CA3100003") == 1  # second read: the short-lived cache, no call
    settings.FEDERATION_LIST_TTL = 0
    again = client.documents_list(service, "CA3100003", requester=au_examiner_requester)
    assert node.calls("CA3100003") == 2
    assert again.documents == first.documents and again.fetched_at > first.fetched_at
    # A new document changes the ETag: the next check brings the new list.
    application_put(
        node.root, "CA3100003", [{"id": "sr"}, {"id": "oa", "category": "office_action"}]
    )
    newer = client.documents_list(service, "CA3100003", requester=au_examiner_requester)
    assert {d.id for d in newer.documents} == {"CA3100003.sr", "CA3100003.oa"}


def test_unknown_application_is_an_empty_list_not_a_failure(node, service):
    result = client.documents_list(service, "CA3999999", requester=None)
    assert result.documents == [] and result.problem == ""


def test_content_is_verified_then_kept_by_sha256(node, service, settings, au_examiner_requester):
    files = application_put(node.root, "CA3100004", [{"id": "sr", "pages": 3}])
    (doc,) = client.documents_list(service, "CA3100004", requester=None).documents
    path = client.content_fetch(service, doc, requester=au_examiner_requester)
    assert path.read_bytes() == files["CA3100004.sr"]
    assert _cache_files(settings) == [f"{doc.sha256}.pdf"]
    client.content_fetch(service, doc, requester=au_examiner_requester)
    assert node.calls("/documents/CA3100004.sr/content") == 1


def test_content_cache_drops_the_least_recently_used_over_its_cap(node, service, settings):
    application_put(node.root, "CA3100005", [{"id": "a"}, {"id": "b"}, {"id": "c"}])
    docs = client.documents_list(service, "CA3100005", requester=None).documents
    settings.FEDERATION_CONTENT_CACHE_BYTES = sum(d.size for d in docs[:2]) + 10
    a, b, c = docs
    client.content_fetch(service, a, requester=None)
    client.content_fetch(service, b, requester=None)
    time.sleep(0.05)
    client.content_fetch(service, a, requester=None)  # a used again: b is now the oldest
    client.content_fetch(service, c, requester=None)
    assert set(_cache_files(settings)) == {f"{a.sha256}.pdf", f"{c.sha256}.pdf"}


# --- the misbehaving node ---


def test_node_failing_with_500_gives_the_last_list_and_says_so(node, service, settings):
    application_put(node.root, "CA3100006", [{"id": "sr"}])
    good = client.documents_list(service, "CA3100006", requester=None)
    settings.FEDERATION_LIST_TTL = 0
    node.fault("error")
    bad = client.documents_list(service, "CA3100006", requester=None)
    assert bad.documents == good.documents
    hhmm = f"{timezone.localtime(good.fetched_at):%H:%M}"
    assert bad.notice == f"CA's service is not answering; list as of {hhmm}"


def test_wrong_content_type_is_refused_for_lists_and_documents(node, service, settings):
    application_put(node.root, "CA3100007", [{"id": "sr"}])
    (doc,) = client.documents_list(service, "CA3100007", requester=None).documents
    settings.FEDERATION_LIST_TTL = 0
    node.fault("wrong-type")
    assert "JSON" in client.documents_list(service, "CA3100007", requester=None).problem
    with pytest.raises(client.FetchFailed, match="did not send a PDF"):
        client.content_fetch(service, doc, requester=None)
    assert _cache_files(settings) == []


def test_hanging_node_costs_the_page_its_budget_not_more(node, service):
    application_put(node.root, "CA3100008", [{"id": "sr"}])
    node.fault("hang")
    start = time.monotonic()
    result = client.documents_list(service, "CA3100008", requester=None, budget=1.0)
    elapsed = time.monotonic() - start
    assert result.documents == [] and result.notice == "CA's service is not answering; no list yet"
    assert elapsed < 10  # the budget is 1 s; a generous margin for a loaded machine


def test_slow_node_within_the_read_timeout_still_answers(node, service, settings):
    application_put(node.root, "CA3100009", [{"id": "sr"}])
    node.fault("slow:200")
    result = client.documents_list(service, "CA3100009", requester=None, budget=15)
    assert result.problem == "" and len(result.documents) == 1


def test_download_cut_half_way_is_neither_cached_nor_served(node, service, settings):
    application_put(node.root, "CA3100010", [{"id": "sr", "pages": 40}])
    (doc,) = client.documents_list(service, "CA3100010", requester=None).documents
    node.fault("truncate")
    with pytest.raises(client.FetchFailed):
        client.content_fetch(service, doc, requester=None)
    assert _cache_files(settings) == []  # no .pdf and no leftover .part
    node.fault("")
    assert client.content_fetch(service, doc, requester=None).stat().st_size == doc.size


def test_sha256_mismatch_is_refused(node, service, settings):
    application_put(node.root, "CA3100011", [{"id": "sr"}])
    settings.FEDERATION_LIST_TTL = 0
    node.fault("bad-sha")
    (doc,) = client.documents_list(service, "CA3100011", requester=None).documents
    with pytest.raises(client.FetchFailed, match="sha256"):
        client.content_fetch(service, doc, requester=None)
    assert _cache_files(settings) == []


def test_endless_file_is_cut_off_at_its_listed_size(node, service, settings):
    application_put(node.root, "CA3100012", [{"id": "sr"}])
    (doc,) = client.documents_list(service, "CA3100012", requester=None).documents
    node.fault("huge")
    with pytest.raises(client.FetchFailed, match="more than"):
        client.content_fetch(service, doc, requester=None)
    assert _cache_files(settings) == []


def test_document_over_the_portal_limit_is_not_even_asked_for(node, service, settings):
    application_put(node.root, "CA3100013", [{"id": "sr"}])
    (doc,) = client.documents_list(service, "CA3100013", requester=None).documents
    settings.FEDERATION_MAX_BYTES = doc.size - 1
    with pytest.raises(client.FetchFailed, match="larger"):
        client.content_fetch(service, doc, requester=None)
    assert node.calls("/documents/CA3100013.sr/content") == 0


def test_wrong_credential_is_a_failure_not_an_empty_list(node, service):
    application_put(node.root, "CA3100014", [{"id": "sr"}])
    wrong = client.Service(office_code="CA", base_url=node.url, token="nope")  # noqa: S106
    result = client.documents_list(wrong, "CA3100014", requester=None)
    assert result.problem == "answered 401" and result.notice
    assert "nope" not in repr(wrong)


def test_breaker_opens_after_failures_and_then_spares_the_node(node, service, settings):
    application_put(node.root, "CA3100015", [{"id": "sr"}])
    settings.FEDERATION_LIST_TTL = 0
    settings.FEDERATION_BREAKER_FAILURES = 2
    node.fault("error")
    for _ in range(2):
        client.documents_list(service, "CA3100015", requester=None)
    assert breaker.breaker_is_open("CA")
    node.fault("")
    calls = node.calls("CA3100015")
    result = client.documents_list(service, "CA3100015", requester=None)
    assert result.problem == "circuit open" and node.calls("CA3100015") == calls
    # Once the open time is over, one trial call goes through and closes it.
    settings.FEDERATION_BREAKER_OPEN_SECONDS = 0
    breaker.breaker_failure("CA")
    time.sleep(0.01)
    assert client.documents_list(service, "CA3100015", requester=None).problem == ""
    assert not breaker.breaker_is_open("CA")


def test_stopped_node_is_reported_and_its_last_list_kept(node, service, settings):
    application_put(node.root, "CA3100016", [{"id": "sr"}])
    good = client.documents_list(service, "CA3100016", requester=None)
    settings.FEDERATION_LIST_TTL = 0
    node.stop()
    result = client.documents_list(service, "CA3100016", requester=None)
    assert result.documents == good.documents
    assert result.notice.startswith("CA's service is not answering; list as of ")
    assert client.connection_test(service).startswith("no answer")
    fcache.list_forget("CA", "CA3100016")


def test_connection_test_reports_ok_and_a_refused_credential(node, service):
    assert client.connection_test(service).startswith("ok (")
    wrong = client.Service(office_code="CA", base_url=node.url, token="nope")  # noqa: S106
    assert client.connection_test(wrong) == "the service refused the credential"


def test_change_feed_names_applications_changed_since(node, service):
    application_put(node.root, "CA3100017", [{"id": "sr"}])
    changed, until = client.changes_fetch(service, since="2000-01-01T00:00:00+00:00")
    assert "CA3100017" in changed
    time.sleep(0.05)
    later, _ = client.changes_fetch(service, since=until)
    assert "CA3100017" not in later


@pytest.fixture
def forgetful_office():
    """An office server that answers the first request on each connection, keeps it open, and
    then closes it on the next request without a word: what a pooled connection to an office
    that restarted (or dropped idle connections) looks like."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[int] = []

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            seen.append(1)
            conn.sendall(
                b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                b"Content-Length: 2\r\nConnection: keep-alive\r\n\r\n{}"
            )
            conn.recv(65536)  # the next request on the same connection: dropped unanswered

    def accept() -> None:
        while True:
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    listener.close()


def test_a_connection_the_office_dropped_is_retried_not_reported_as_a_fault(
    forgetful_office, settings
):
    url, seen = forgetful_office
    service = client.Service(office_code="NZ", base_url=url, token="t")
    settings.FEDERATION_LIST_TTL = 0
    for number in ("NZ1", "NZ2", "NZ3"):
        result = client.documents_list(service, number)
        assert result.problem == "" and result.documents == []
    assert len(seen) == 3  # each answer came on a new connection after the dropped one
