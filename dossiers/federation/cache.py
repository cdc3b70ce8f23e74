"""The two caches of the federation.

The list cache (the Django cache) keeps each application's list with its ETag and when it was
fetched: fresh for FEDERATION_LIST_TTL seconds (no call at all), kept a day as the "list as of"
answer when the office is down. The content cache is a folder of verified PDFs named by sha256,
capped at FEDERATION_CONTENT_CACHE_BYTES; the least recently used go first.
"""

import datetime as dt
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from . import contract

_KEEP_SECONDS = 24 * 3600


@dataclass
class CachedList:
    etag: str
    documents: list[contract.RemoteDocument]
    fetched_at: dt.datetime


def list_key(office_code: str, number: str) -> str:
    return f"federation:list:{office_code}:{number}"


def list_ttl() -> float:
    return getattr(settings, "FEDERATION_LIST_TTL", 30.0)


def _entry(data) -> CachedList | None:
    if not data:
        return None
    return CachedList(
        etag=data["etag"],
        documents=[contract.document_from_json(d) for d in data["documents"]],
        fetched_at=dt.datetime.fromisoformat(data["fetched_at"]),
    )


# The last list this process saw of each application, for pages answered while an office's
# breaker is open: they need no cache round trip at all (under load one costs several ms).
_recent: OrderedDict[tuple[str, str], CachedList] = OrderedDict()
_RECENT_MAX = 2048


def _remember(key: tuple[str, str], entry: CachedList | None) -> CachedList | None:
    if entry is not None:
        _recent[key] = entry
        _recent.move_to_end(key)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)
    return entry


def list_recent(office_code: str, number: str) -> CachedList | None:
    """The last list this process saw (no cache call); may be older than the shared one."""
    return _recent.get((office_code, number))


def list_get(office_code: str, number: str) -> CachedList | None:
    key = (office_code, number)
    return _remember(key, _entry(cache.get(list_key(*key))))


def lists_from(keys: list[tuple[str, str]], found: dict) -> dict:
    """The lists of `keys` out of a cache.get_many answer (see breaker.breaker_states(also=)):
    {key: CachedList or None}."""
    return {k: _remember(k, _entry(found.get(list_key(*k)))) for k in keys}


def list_put(office_code: str, number: str, entry: CachedList) -> None:
    _remember((office_code, number), entry)
    cache.set(
        list_key(office_code, number),
        {
            "etag": entry.etag,
            "documents": [d.as_json() for d in entry.documents],
            "fetched_at": entry.fetched_at.isoformat(),
        },
        timeout=_KEEP_SECONDS,
    )


def list_forget(office_code: str, number: str) -> None:
    _recent.pop((office_code, number), None)
    cache.delete(list_key(office_code, number))


# --- what the change feed vouches for ---


def feed_key(office_code: str) -> str:
    return f"federation:feed:{office_code}"


def feed_trust() -> float:
    """The longest a list the feed vouches for is used without asking (a safety net)."""
    return getattr(settings, "FEDERATION_FEED_TRUST_SECONDS", 3600.0)


def feed_record(office_code: str, changed: list[str], *, read_at: dt.datetime, keep: float):
    """The office's change feed was read: the lists of the applications it names are stale
    (forgotten), and every other list fetched since the feed has been read without a break
    is still the office's (see feed_vouches). The mark lapses after `keep` seconds without a
    read (the office or the check is down): lists are then asked for as usual."""
    covered_since = cache.get(feed_key(office_code)) or read_at.timestamp()
    for number in changed:
        _recent.pop((office_code, number), None)
    cache.delete_many([list_key(office_code, number) for number in changed])
    cache.set(feed_key(office_code), covered_since, timeout=keep)


def feed_vouches(covered_since: float | None, entry: CachedList, now: dt.datetime) -> bool:
    """Whether a cached list is the office's current one by the feed: fetched after the feed's
    unbroken watch began (a change since would have been named, and the list forgotten), and
    not older than feed_trust()."""
    if covered_since is None:
        return False
    fetched = entry.fetched_at.timestamp()
    return fetched >= covered_since and now.timestamp() - fetched < feed_trust()


def _refusal_key(sha256: str) -> str:
    return f"federation:refused:{sha256}"


def refusal_put(sha256: str, reason: str) -> None:
    """A file refused after it was streamed (sha256 mismatch): the next reader is told at once,
    with a plain page, instead of being sent it again."""
    cache.set(
        _refusal_key(sha256), reason, timeout=getattr(settings, "FEDERATION_REFUSAL_TTL", 600)
    )


def refusal_get(sha256: str) -> str:
    return cache.get(_refusal_key(sha256)) or ""


# --- content on disk ---


def content_dir() -> Path:
    path = Path(getattr(settings, "FEDERATION_CACHE_DIR", Path(settings.MEDIA_ROOT) / "federation"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def content_cap() -> int:
    return getattr(settings, "FEDERATION_CONTENT_CACHE_BYTES", 2 * 1024**3)


def content_path(sha256: str) -> Path:
    return content_dir() / f"{sha256}.pdf"


def content_get(sha256: str) -> Path | None:
    path = content_path(sha256)
    try:
        os.utime(path)  # the mtime is the "last used" of the LRU
    except FileNotFoundError:
        return None
    return path


def content_temp(sha256: str) -> Path:
    # Partial downloads live under another name: a reader never finds a half file by its sha256.
    return content_dir() / f".part-{sha256}-{os.getpid()}-{os.urandom(4).hex()}"


def content_commit(temp: Path, sha256: str) -> Path:
    final = content_path(sha256)
    os.replace(temp, final)
    content_evict(keep=final)
    return final


def content_evict(*, keep: Path | None = None) -> int:
    """Drop least recently used files until the folder fits the cap; returns how many went."""
    files = []
    for entry in os.scandir(content_dir()):
        if entry.name.endswith(".pdf"):
            st = entry.stat()
            files.append((st.st_mtime, st.st_size, Path(entry.path)))
    total = sum(size for _m, size, _p in files)
    cap = content_cap()
    dropped = 0
    for _mtime, size, path in sorted(files, key=lambda f: f[0]):
        if total <= cap:
            break
        if keep is not None and path == keep:
            continue
        path.unlink(missing_ok=True)
        total -= size
        dropped += 1
    return dropped
