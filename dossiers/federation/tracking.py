"""News from offices that serve their documents themselves: watch notices and request
fulfilment for documents that appear on an office's service.

A beat task (dossiers/tasks.py) runs `remote_changes_check_all` every FEDERATION_CHECK_SECONDS.
Per web-service office: the applications someone watches or has an open request on (told by
notifications through `interest_register`: dossiers never imports it) are listed through the
one client — only those the office's change feed names since the last run, or, for an office
without a feed, all of them. A document id not in the application's `RemoteListing.seen` is
new: it is recorded and announced with `signals.document_added`, in one transaction, so the
notifications receivers treat it exactly like an upload and nothing is announced twice.

The first listing of an application is a baseline: what it holds then was on the family page
the watcher looked at, so it is recorded without a notice — except a document that answers an
open request (it is fulfilled) and every document of an application that came into the portal
after the watch or request (all of it is new to them). A node that is down changes nothing: the
feed's cursor is kept and the applications are listed again next time.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from offices.service_models import OfficeService

from .. import signals
from ..models import Application
from . import cache as fcache
from . import client, contract
from .offices import service_for
from .reads import FederatedDocument
from .tracking_models import RemoteListing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Interest:
    """Why the portal cares about one application's list."""

    since: dt.datetime  # the earliest watch or open request on it
    answers: frozenset[str] = frozenset()  # categories that would fulfil an open request


_interest: Callable[[object], dict[int, Interest]] | None = None


def interest_register(provider: Callable[[object], dict[int, Interest]]) -> None:
    """notifications tells us which applications of an office are watched or requested."""
    global _interest
    _interest = provider


def check_every() -> float:
    return float(getattr(settings, "FEDERATION_CHECK_SECONDS", 60))


def _budget() -> float:
    # A beat task has no reader waiting: more time than a page, still bounded.
    return float(getattr(settings, "FEDERATION_CHECK_BUDGET", 20))


@dataclass
class CheckResult:
    office: str
    listed: int = 0
    announced: int = 0
    failed: int = 0
    feed: bool = False
    problem: str = ""


def remote_changes_check_all() -> list[CheckResult]:
    """Every web-service office in turn; one office's trouble never stops the others."""
    out = []
    rows = OfficeService.objects.filter(mode=OfficeService.Mode.WEB_SERVICE).select_related(
        "office"
    )
    for row in rows.order_by("office__code"):
        try:
            out.append(remote_changes_check(office=row.office))
        except Exception:  # noqa: BLE001 - logged; the next run tries again
            logger.exception("Change check of %s failed", row.office.code)
            out.append(CheckResult(office=row.office.code, problem="error"))
    return out


def remote_changes_check(*, office) -> CheckResult:
    """One office: list what changed among the applications someone cares about, announce the
    documents never seen before. Safe to run twice at once (the listing row is locked)."""
    result = CheckResult(office=office.code)
    office = type(office).objects.select_related("service").get(pk=office.pk)
    service = service_for(office)
    if service is None:
        return result
    interest = _interest(office) if _interest else {}
    apps = {
        a.pk: a
        for a in Application.objects.filter(pk__in=list(interest), office=office).select_related(
            "office", "remote_listing"
        )
    }
    row = office.service
    started = timezone.now()
    try:
        changed, until = client.changes_fetch(
            service, since=row.changes_until or started.isoformat()
        )
        result.feed = True
        # Every application the feed names, watched or not: packages and the worklist trust
        # the other lists (client.lists_start(trust_feed=True)).
        fcache.feed_record(office.code, changed, read_at=started, keep=3 * check_every())
    except client.NoChangeFeed:
        changed, until = None, ""
    except client.FetchFailed as exc:
        result.problem = str(exc)
        return result  # the node is down: nothing recorded, the cursor stays
    wanted = [
        app
        for app in apps.values()
        if changed is None or app.key in changed or not _has_listing(app)
    ]
    lists = client.documents_lists(
        # max_age=0: a list cached for pages may predate the change the feed reports.
        [(service, app.key) for app in wanted],
        requester=None,
        budget=_budget(),
        max_age=0,
    )
    for app in wanted:
        listed = lists[(service.office_code, app.key)]
        if listed.problem:
            result.failed += 1
            continue
        result.listed += 1
        result.announced += _listing_record(app, listed.documents, interest[app.pk])
    if until and not result.failed:
        # Only once every named application is recorded: a failed one is named again next time.
        OfficeService.objects.filter(pk=row.pk).update(changes_until=until[:64])
    return result


def _has_listing(app: Application) -> bool:
    try:
        app.remote_listing  # noqa: B018 - prefetched by select_related
    except RemoteListing.DoesNotExist:
        return False
    return True


@transaction.atomic
def _listing_record(app: Application, documents: list[contract.RemoteDocument], interest) -> int:
    """Record the list; announce what is new. Returns how many documents were announced."""
    listing, first = RemoteListing.objects.select_for_update().get_or_create(application=app)
    seen = set(listing.seen)
    new = [d for d in documents if d.id not in seen]
    if first:
        everything_new = app.created_at >= interest.since
        announce = [d for d in new if everything_new or d.category in interest.answers]
    else:
        announce = new
    listing.seen = sorted(seen | {d.id for d in new})
    listing.checked_at = timezone.now()
    listing.save(update_fields=["seen", "checked_at"])
    for doc in sorted(announce, key=lambda d: (d.date, d.id)):
        signals.document_added.send(
            sender=FederatedDocument, document=FederatedDocument(remote=doc, application=app)
        )
    return len(announce)
