"""The one HTTP client of the federation (httpx): every call to an office's service is here.

Strict connect/read timeouts, a total budget for the lists of one page (fetched in parallel),
ETag conditional requests over the list cache, the per-office breaker, and content streamed to
disk, checked (type, size, sha256) and only then put in the content cache. Nothing here logs or
shows the credential.
"""

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy as say
from django.utils.translation import gettext_lazy as _

from . import breaker, contract
from . import cache as fcache


@dataclass(frozen=True)
class Service:
    """Where and how to reach one office's service."""

    office_code: str
    base_url: str
    token: str = field(repr=False)  # never in a repr, a log line or a traceback's locals dump


@dataclass(frozen=True)
class Requester:
    """Who asks (sent as headers, so the office can keep its own audit)."""

    office_code: str
    role: str


@dataclass
class ListResult:
    office_code: str
    number: str
    documents: list[contract.RemoteDocument]
    fetched_at: dt.datetime | None
    problem: str = ""  # "" when the list is current

    @property
    def notice(self) -> str:
        if not self.problem:
            return ""
        if self.fetched_at:
            return say(
                _("{office}'s service is not answering; list as of {time}"),
                office=self.office_code,
                time=f"{timezone.localtime(self.fetched_at):%H:%M}",
            )
        return say(_("{office}'s service is not answering; no list yet"), office=self.office_code)


# What a person reads is lazy: put into words when shown, in the reader's language (a page,
# or a package index a task writes in its clerk's language).
REFUSED_SHA256 = _("the file does not match its sha256; refused")


def not_answering(office_code: str):
    return say(_("{office}'s service is not answering"), office=office_code)


class FetchFailed(Exception):
    """A document could not be fetched whole and verified; nothing was cached or served."""


class NoChangeFeed(FetchFailed):
    """The office does not offer `GET {base}/changes` (404): its lists are checked instead."""


def _setting(name: str, default):
    return getattr(settings, name, default)


def _timeout() -> httpx.Timeout:
    connect = _setting("FEDERATION_CONNECT_TIMEOUT", 1.0)
    read = _setting("FEDERATION_READ_TIMEOUT", 2.0)
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def page_budget() -> float:
    """Seconds a page waits for the offices' lists."""
    return _setting("FEDERATION_PAGE_BUDGET", 2.0)


_clients: dict[str, httpx.Client] = {}
_clients_lock = threading.Lock()
# Shared, never shut down per call: a hung office must not hold up the page that gave up on it.
_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="federation")


class _StaleRetry(httpx.HTTPTransport):
    """Sends a GET a second time, on a new connection, when the first try died before any
    answer: an office that restarted (or dropped idle connections) leaves pooled ones that
    fail on their next use, and that is not the office being down."""

    _STALE = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except self._STALE:
            if request.method != "GET":
                raise
            return super().handle_request(request)


def _client(service: Service) -> httpx.Client:
    key = service.base_url.rstrip("/")
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = httpx.Client(
                base_url=key + "/",
                timeout=_timeout(),
                transport=_StaleRetry(
                    limits=httpx.Limits(max_connections=20, max_keepalive_connections=10)
                ),
                follow_redirects=False,
            )
            _clients[key] = client
        return client


def _headers(service: Service, requester: Requester | None, **extra) -> dict:
    headers = {"Authorization": f"Bearer {service.token}", **extra}
    if requester is not None:
        headers[contract.REQUESTING_OFFICE] = requester.office_code
        headers[contract.REQUESTING_ROLE] = requester.role
    return headers


def _number_path(number: str) -> str:
    return contract.LIST_PATH.format(number=quote(number, safe=""))


# --- lists ---


def _list_call(service: Service, number: str, requester, cached) -> fcache.CachedList:
    extra = {"If-None-Match": cached.etag} if cached and cached.etag else {}
    response = _client(service).get(
        _number_path(number), headers=_headers(service, requester, **extra), timeout=_timeout()
    )
    now = timezone.now()
    if response.status_code == 304 and cached:
        return fcache.CachedList(cached.etag, cached.documents, now)
    if response.status_code == 404:
        return fcache.CachedList("", [], now)  # the office has nothing on this application
    if response.status_code != 200:
        raise FetchFailed(f"answered {response.status_code}")
    if response.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise FetchFailed("answered something other than JSON")
    try:
        docs = contract.documents_parse(response.json(), office_code=service.office_code)
    except (ValueError, contract.ContractError) as exc:
        raise FetchFailed(f"answered a list outside the contract: {exc}") from exc
    return fcache.CachedList(response.headers.get("etag", ""), docs, now)


def _list_one(service: Service, number: str, requester, cached, state) -> ListResult:
    """One list from the office (in a pool thread): the breaker's trial, the call, the cache.
    `state` is the breaker's, read with the lists: with no failures on record there is no
    breaker call to make before or after (each is a cache round trip)."""
    code = service.office_code
    if state and not breaker.breaker_allows(code):
        return _stale(code, number, cached, "circuit open")
    try:
        fresh = _list_call(service, number, requester, cached)
    except (httpx.HTTPError, FetchFailed) as exc:
        breaker.breaker_failure(code)
        return _stale(code, number, cached, str(exc) or type(exc).__name__)
    if state:
        breaker.breaker_success(code)
    fcache.list_put(code, number, fresh)
    return ListResult(code, number, fresh.documents, fresh.fetched_at)


def _stale(code, number, cached, problem) -> ListResult:
    if cached:
        return ListResult(code, number, cached.documents, cached.fetched_at, problem)
    return ListResult(code, number, [], None, problem)


@dataclass
class PendingLists:
    """Lists asked for and not yet collected: a page starts them, does its own queries, and
    only then waits (`results`) — the office's time overlaps the portal's."""

    ready: dict[tuple[str, str], ListResult]
    futures: dict
    cached: dict
    deadline: float

    def results(self) -> dict[tuple[str, str], ListResult]:
        out = dict(self.ready)
        if not self.futures:
            return out
        done, late = futures_wait(self.futures, timeout=max(0.0, self.deadline - time.monotonic()))
        for future in done:
            out[self.futures[future]] = future.result()
        for future in late:
            code, number = self.futures[future]
            breaker.breaker_failure(code)
            out[(code, number)] = _stale(code, number, self.cached.get((code, number)), "too slow")
        return out


def lists_start(
    wanted: list[tuple[Service, str]],
    *,
    requester: Requester | None,
    budget: float | None = None,
    max_age: float | None = None,
    trust_feed: bool = False,
) -> PendingLists:
    """Start the lists of several applications, in parallel; collect them with .results()
    within `budget` seconds of now. Whatever has not answered by then is given as its cached
    list (or none) with a notice. A cached list younger than `max_age` (default
    FEDERATION_LIST_TTL) is used without a call; 0 always asks (with If-None-Match). With
    `trust_feed`, so is an older one the office's change feed vouches for (cache.feed_vouches):
    the scheduler and packages then ask only for lists that changed."""
    budget = page_budget() if budget is None else budget
    deadline = time.monotonic() + budget
    max_age = fcache.list_ttl() if max_age is None else max_age
    keys = [(service.office_code, number) for service, number in wanted]
    # Two cache round trips at most for all lists and breakers, none while an office's breaker
    # is open and its lists were seen here; only real calls go to the pool. A page with fresh
    # lists or an open breaker never waits on a thread (profiled: that cost ~10 ms a page).
    # One round trip reads the breakers and the lists together; an office this process saw
    # open is answered from the lists it remembers (none read) unless it has none.
    codes = {code for code, _n in keys}
    memo_open = {c for c in codes if breaker.breaker_seen_open(c)}
    cached = {k: fcache.list_recent(*k) for k in keys if k[0] in memo_open}
    to_read = [k for k in keys if cached.get(k) is None]
    feeds = [fcache.feed_key(c) for c in codes] if trust_feed else []
    states, found = breaker.breaker_states(
        codes, also=[fcache.list_key(*k) for k in to_read] + feeds
    )
    cached |= fcache.lists_from(to_read, found)
    covered = {c: found.get(fcache.feed_key(c)) for c in codes} if trust_feed else {}
    closed_out = {code for code, state in states.items() if breaker.state_is_open(state)}
    now = timezone.now()
    ready = {}
    futures = {}
    for (service, number), key in zip(wanted, keys, strict=True):
        entry = cached.get(key)
        if entry and (
            (now - entry.fetched_at).total_seconds() < max_age
            or fcache.feed_vouches(covered.get(key[0]), entry, now)
        ):
            ready[key] = ListResult(key[0], number, entry.documents, entry.fetched_at)
        elif key[0] in closed_out:
            ready[key] = _stale(key[0], number, entry, "circuit open")
        else:
            job = _pool.submit(_list_one, service, number, requester, entry, states.get(key[0]))
            futures[job] = key
    return PendingLists(ready, futures, cached, deadline)


def documents_lists(wanted, *, requester, budget=None, max_age=None, trust_feed=False):
    """lists_start(...).results(): the lists, waited for at once."""
    return lists_start(
        wanted, requester=requester, budget=budget, max_age=max_age, trust_feed=trust_feed
    ).results()


def memos_clear() -> None:
    """Forget what this process remembers of lists and open breakers (with the cache they
    mirror, e.g. between tests)."""
    fcache._recent.clear()
    breaker._open_seen.clear()


def documents_list(service: Service, number: str, *, requester=None, budget=None) -> ListResult:
    return documents_lists([(service, number)], requester=requester, budget=budget)[
        (service.office_code, number)
    ]


# --- content ---


def content_fetch(
    service: Service, doc: contract.RemoteDocument, *, requester: Requester | None
) -> Path:
    """A verified local copy of the document (from the cache, else fetched). Raises FetchFailed."""
    hit = fcache.content_get(doc.sha256)
    if hit is not None:
        return hit
    for _chunk in content_stream(service, doc, requester=requester):
        pass
    return fcache.content_path(doc.sha256)


def content_stream(
    service: Service, doc: contract.RemoteDocument, *, requester: Requester | None
) -> Iterator[bytes]:
    """The document's bytes as they arrive from the office, in one pass: each chunk is hashed
    and written to the content cache's temporary file on its way out, and the last chunk is
    held back until size and sha256 are verified, so a cut or altered file never arrives whole
    and is never cached. What the headers and the first bytes can tell (status, type, PDF,
    a refusal remembered from an earlier try) raises FetchFailed before anything is sent."""
    refused = fcache.refusal_get(doc.sha256)
    if refused:
        raise FetchFailed(refused)
    limit = min(doc.size, _setting("FEDERATION_MAX_BYTES", 200 * 1024**2))
    if doc.size > limit:
        raise FetchFailed(_("the document is larger than the portal accepts"))
    if not breaker.breaker_allows(service.office_code):
        raise FetchFailed(not_answering(service.office_code))
    path = contract.CONTENT_PATH.format(id=quote(doc.id, safe=""))
    stream = _client(service).stream(
        "GET", path, headers=_headers(service, requester), timeout=_timeout()
    )
    try:
        response = stream.__enter__()
        if response.status_code != 200:
            raise FetchFailed(
                say(
                    _("{office}'s service answered {status}"),
                    office=service.office_code,
                    status=response.status_code,
                )
            )
        ctype = response.headers.get("content-type", "").split(";")[0].strip()
        if ctype != "application/pdf":
            raise FetchFailed(
                say(_("{office}'s service did not send a PDF"), office=service.office_code)
            )
        # As received (httpcore reads 64 KB): asking for bigger chunks copies every byte twice.
        chunks = response.iter_raw()
        first = b""
        while len(first) < 5 and (more := next(chunks, b"")):
            first += more
        if not first.startswith(b"%PDF-"):
            raise FetchFailed(_("the office sent something that is not a PDF"))
    except (httpx.HTTPError, FetchFailed) as exc:
        stream.__exit__(None, None, None)
        breaker.breaker_failure(service.office_code)
        if isinstance(exc, FetchFailed):
            raise
        raise FetchFailed(_failure_text(service.office_code, exc)) from exc
    return _relay(service, doc, stream, chunks, first, limit)


def _relay(service, doc, stream, chunks, first: bytes, limit: int) -> Iterator[bytes]:
    deadline = time.monotonic() + _setting("FEDERATION_CONTENT_SECONDS", 300.0)
    temp = fcache.content_temp(doc.sha256)
    digest = hashlib.sha256()
    done = False
    try:
        with temp.open("wb") as fh:
            held, written = first, len(first)
            digest.update(first)
            fh.write(first)
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise FetchFailed(_("the office sent more than the document's size"))
                if time.monotonic() > deadline:
                    raise FetchFailed(_("the office is sending too slowly"))
                digest.update(chunk)
                fh.write(chunk)
                yield held
                held = chunk
        if written != doc.size:
            raise FetchFailed(_("the download stopped half-way"))
        if digest.hexdigest() != doc.sha256:
            fcache.refusal_put(doc.sha256, REFUSED_SHA256)
            raise FetchFailed(REFUSED_SHA256)
        fcache.content_commit(temp, doc.sha256)
        done = True
        breaker.breaker_success(service.office_code)
        yield held
    except (httpx.HTTPError, OSError) as exc:
        breaker.breaker_failure(service.office_code)
        raise FetchFailed(
            say(_("the download stopped half-way ({fault})"), fault=type(exc).__name__)
        ) from exc
    except FetchFailed:
        breaker.breaker_failure(service.office_code)
        raise
    finally:
        # Also when the reader goes away (GeneratorExit): no partial file stays behind.
        stream.__exit__(None, None, None)
        if not done:
            temp.unlink(missing_ok=True)


def _failure_text(code: str, exc: Exception) -> str:
    """What a person is told: an office that cannot be reached or does not answer in time is
    "not answering" (like the lists say); other transport faults name the fault."""
    if isinstance(exc, (httpx.ConnectError, httpx.TimeoutException)):
        return not_answering(code)
    return say(_("{office}'s service failed: {fault}"), office=code, fault=type(exc).__name__)


# --- changes and operator checks ---


def changes_fetch(service: Service, *, since: str) -> tuple[list[str], str]:
    """Applications whose lists changed since `since` (ISO time) and the new 'until' mark.
    Raises NoChangeFeed (404: the office has no feed) or FetchFailed."""
    code = service.office_code
    if not breaker.breaker_allows(code):
        raise FetchFailed(not_answering(code))
    try:
        response = _client(service).get(
            contract.CHANGES_PATH,
            params={"since": since},
            headers=_headers(service, None),
            timeout=_timeout(),
        )
    except httpx.HTTPError as exc:
        breaker.breaker_failure(code)
        raise FetchFailed(_failure_text(code, exc)) from exc
    if response.status_code == 404:
        breaker.breaker_success(code)
        raise NoChangeFeed(f"{code}'s service has no change feed")
    try:
        if response.status_code != 200:
            raise FetchFailed(f"{code}'s change feed answered {response.status_code}")
        changed, until = contract.changes_parse(response.json())
    except (ValueError, contract.ContractError, FetchFailed) as exc:
        breaker.breaker_failure(code)
        raise FetchFailed(str(exc)) from exc
    breaker.breaker_success(code)
    return changed, until


def connection_test(service: Service) -> str:
    """One call an operator can read: 'ok (12 ms)' or what went wrong (never the credential)."""
    start = time.monotonic()
    try:
        response = _client(service).get(
            contract.CHANGES_PATH,
            params={"since": timezone.now().isoformat()},
            headers=_headers(service, None),
            timeout=_timeout(),
        )
    except httpx.HTTPError as exc:
        return f"no answer ({type(exc).__name__})"
    ms = (time.monotonic() - start) * 1000
    if response.status_code == 401:
        return "the service refused the credential"
    if response.status_code >= 400 and response.status_code != 404:
        return f"the service answered {response.status_code}"
    return f"ok ({ms:.0f} ms)"
