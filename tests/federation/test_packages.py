"""A clerk's package takes web-service offices' documents too: fetched whole through the one
client during the build, sha256 checked; what a node cannot deliver is listed in the index as
missing with the reason, and the package is built all the same. A real node on loopback."""

import csv
import datetime as dt
import html
import io
import re
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from dossiers import selectors
from dossiers.federation import cache as fcache
from dossiers.federation import client, tracking
from dossiers.services import packages, worklists
from dossiers.services.applications import PriorityIn, application_upsert
from notifications.models import Notification
from notifications.services import outbox
from stats.models import Action, UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.federation.conftest import FIRST, web_service_family
from tests.federation.nodes import TOKEN, application_put
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

PRIO = [PriorityIn("AU", *FIRST)]


@pytest.fixture
def world(node, office, other_office, settings):
    """AU's clerk packages AU 2020123456; its family has two CA members served by CA's node."""
    settings.FEDERATION_LIST_TTL = 300.0
    au, cas = web_service_family(
        node=node, ca=office, au=other_office, numbers=("CA 3,200,001", "CA 3,200,002")
    )
    files = application_put(node.root, cas[0].key, [{"id": "sr", "date": "2022-04-05", "pages": 2}])
    files |= application_put(
        node.root,
        cas[1].key,
        [{"id": "oa", "category": "office_action", "date": "2023-01-09"}],
    )
    clerk = UserFactory(office=other_office, role="clerk", email="clerk@au.test")
    wl = worklists.worklist_create(user=clerk, name="Week 49")
    worklists.worklist_lines_add(worklist=wl, text="AU 2020123456;2026-12-01")
    return {"au": au, "cas": cas, "files": files, "clerk": clerk, "worklist": wl, "node": node}


def _build(world):
    package = packages.package_request(worklist=world["worklist"], user=world["clerk"])
    packages.package_build(package_id=package.pk)
    package.refresh_from_db()
    return package


def _open(package) -> zipfile.ZipFile:
    with default_storage.open(package.file.name, "rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def _index(zf) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(zf.read("index.pdf"))).pages)
    return " ".join(text.split())


def test_package_holds_the_web_service_offices_reports_byte_for_byte(world):
    package = _build(world)
    assert package.state == "ready" and package.done == package.total == 2
    zf = _open(package)
    assert sorted(zf.namelist()) == [
        "AU2020123456/CA3200001_CA_search-report_2022-04-05.pdf",
        "AU2020123456/CA3200002_CA_office-action_2023-01-09.pdf",
        "index.pdf",
        "manifest.csv",
    ]
    cas = world["cas"]
    assert (
        zf.read("AU2020123456/CA3200001_CA_search-report_2022-04-05.pdf")
        == world["files"][f"{cas[0].key}.sr"]
    )
    manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
    assert [(r["document_id"], r["office"], r["category"]) for r in manifest] == [
        ("CA3200001.sr", "CA", "search_report"),
        ("CA3200002.oa", "CA", "office_action"),
    ]
    assert world["node"].calls("AU clerk /documents/CA3200001.sr/content") == 1
    downloads = UsageEvent.objects.filter(
        action=Action.DOCUMENT_DOWNLOAD, provider_office__code="CA"
    )
    assert downloads.count() == 2  # counted like deposited documents in a package


def test_a_document_the_node_cannot_deliver_is_listed_missing_with_the_reason(world, office):
    cas = world["cas"]
    world["node"].fault("")
    service = client.Service(office_code="CA", base_url=world["node"].url, token=TOKEN)
    client.documents_list(service, cas[1].key)  # the list as the portal last saw it...
    # ...then the office replaces the file: its bytes no longer match the listed sha256.
    original = world["files"][f"{cas[1].key}.oa"]
    middle = len(original) // 2
    altered = original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1 :]
    (world["node"].root / cas[1].key / "oa.pdf").write_bytes(altered)  # same size, other bytes
    package = _build(world)
    assert package.state == "ready"
    zf = _open(package)
    names = [n for n in zf.namelist() if n.startswith("AU2020123456/")]
    assert names == ["AU2020123456/CA3200001_CA_search-report_2022-04-05.pdf"]  # no half file
    index = _index(zf)
    assert "CA3200002_CA_office-action_2023-01-09.pdf: the file does not match its sha256" in index
    assert "not included, try again later" in index


def test_a_node_that_is_down_leaves_its_members_listed_as_unreachable_and_the_rest_built(world):
    us = application_upsert(
        office=OfficeFactory(code="US"),
        number="US 16/123,456",
        filing_date=dt.date(2021, 1, 5),
        priorities=PRIO,
        published=True,
    )
    DocumentFactory(application=us, category="search_report", date=dt.date(2021, 6, 1))
    world["node"].stop()
    package = _build(world)
    assert package.state == "ready" and package.done == 1
    zf = _open(package)
    assert [n for n in zf.namelist() if n.startswith("AU2020123456/")] == [
        "AU2020123456/US16-123456_US_search-report_2021-06-01.pdf"
    ]
    index = _index(zf)
    assert "CA's service is not answering; no list yet, so its documents could not be listed" in (
        index
    )


def _schedule_and_build():
    made = packages.packages_schedule()
    for package in made:
        packages.package_build(package_id=package.pk)
        package.refresh_from_db()
    return made


def test_delivered_web_service_documents_are_not_sent_again_and_a_new_one_makes_a_top_up(
    world, settings
):
    settings.FEDERATION_LIST_TTL = 0  # the scheduler sees the node's list as it is now
    cas = world["cas"]
    soon = timezone.localdate() + dt.timedelta(days=10)  # inside the 14-day lead: due now
    wl = worklists.worklist_create(user=world["clerk"], name="Next week")
    worklists.worklist_lines_add(worklist=wl, text=f"AU 2020123456;{soon:%Y-%m-%d}")
    [first] = _schedule_and_build()
    assert (first.trigger, first.state) == ("just_in_time", "ready")
    assert sorted(first.items.values_list("remote_application__office__code", "remote_id")) == [
        ("CA", f"{cas[0].key}.sr"),
        ("CA", f"{cas[1].key}.oa"),
    ]
    assert _schedule_and_build() == []  # nothing new at CA: no top-up

    application_put(
        world["node"].root,
        cas[0].key,
        [
            {"id": "sr", "date": "2022-04-05", "pages": 2},
            {"id": "wo", "category": "written_opinion", "date": "2026-11-30"},
        ],
    )
    [top_up] = _schedule_and_build()
    assert (top_up.trigger, top_up.only_new, top_up.state) == ("top_up", True, "ready")
    zf = _open(top_up)
    assert [n for n in zf.namelist() if n.startswith("AU2020123456/")] == [
        "AU2020123456/CA3200001_CA_written-opinion_2026-11-30.pdf"
    ]
    assert "2 documents already delivered in an earlier package" in _index(zf)
    notice = Notification.objects.filter(user=world["clerk"], kind="package_top_up").get()
    assert notice.text.endswith(
        f"arrived after the package of {timezone.localdate():%Y-%m-%d} was built: "
        "CA 3,200,001 written opinion of 2026-11-30"
    )
    body = outbox._email_for(notice).body
    assert "For AU 2020123456: CA 3,200,001 written opinion of 2026-11-30" in body
    assert _schedule_and_build() == []  # and only once


def test_an_only_new_package_leaves_out_web_service_documents_already_delivered(world):
    first = _build(world)
    assert first.items.count() == 2
    again = packages.package_request(worklist=world["worklist"], user=world["clerk"], only_new=True)
    packages.package_build(package_id=again.pk)
    again.refresh_from_db()
    zf = _open(again)
    assert [n for n in zf.namelist() if n.startswith("AU2020123456/")] == []
    assert "2 documents already delivered in an earlier package" in _index(zf)


def _worklist_shared(client, world) -> str:
    """The worklist page's text as the clerk reads it (one entry on it)."""
    client.force_login(world["clerk"])
    response = client.get(reverse("dossiers:worklist-detail", args=[world["worklist"].pk]))
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_worklist_counts_what_the_web_service_serves_as_the_package_carries_it(
    world, client, settings
):
    settings.FEDERATION_LIST_TTL = 0  # every page asks the node
    shared = _worklist_shared(client, world)
    assert "CA 1 examination report / office action, 1 search report" in shared
    assert "2 not yet in a package" in shared and "Nothing to package" not in shared
    [row] = selectors.worklist_rows(worklist=world["worklist"])
    assert (row.available, row.new, row.ready, row.request_targets) == (2, 2, False, [])

    package = _build(world)
    assert package.items.count() == row.available  # the count and the package agree
    [row] = selectors.worklist_rows(worklist=world["worklist"])
    assert (row.available, row.new, row.ready) == (2, 0, True)
    assert "not yet in a package" not in _worklist_shared(client, world)

    cas = world["cas"]
    application_put(
        world["node"].root,
        cas[0].key,
        [
            {"id": "sr", "date": "2022-04-05", "pages": 2},
            {"id": "wo", "category": "written_opinion", "date": "2026-11-30"},
        ],
    )
    shared = _worklist_shared(client, world)
    assert "1 not yet in a package" in shared and "1 written opinion" in shared
    again = packages.package_request(worklist=world["worklist"], user=world["clerk"], only_new=True)
    packages.package_build(package_id=again.pk)
    assert again.items.count() == 1  # exactly what the worklist said was new

    world["node"].stop()  # the office goes down: the counts stay, as of the last list, and say so
    [row] = selectors.worklist_rows(worklist=world["worklist"])
    assert (row.available, row.new, row.ready) == (3, 0, True)
    assert len(row.notices) == 1 and row.notices[0].startswith(
        "CA's service is not answering; list as of "
    )
    assert "CA's service is not answering" in _worklist_shared(client, world)


def test_the_scheduler_asks_only_for_lists_the_office_s_change_feed_names(world, settings):
    """Every 120 s the scheduler looks for reports new since each due package. With CA's change
    feed read by the beat's check, it asks CA for no list that has not changed, and for the
    one that has."""
    settings.FEDERATION_LIST_TTL = 0  # as if 120 s passed between beats: no list is young
    node, cas = world["node"], world["cas"]
    soon = timezone.localdate() + dt.timedelta(days=10)
    wl = worklists.worklist_create(user=world["clerk"], name="Next week")
    worklists.worklist_lines_add(worklist=wl, text=f"AU 2020123456;{soon:%Y-%m-%d}")

    def lists_asked(beat) -> int:
        before = node.calls("AU clerk /applications/")
        beat()
        return node.calls("AU clerk /applications/") - before

    def check():
        tracking.remote_changes_check(office=cas[0].office)

    assert lists_asked(_schedule_and_build) == 2  # the first package lists both CA members
    check()  # the feed's watch begins: lists fetched from now on are vouched for
    assert lists_asked(_schedule_and_build) == 2  # fetched before the watch: asked once more
    for _beat in range(3):
        check()
        assert lists_asked(_schedule_and_build) == 0  # nothing changed at CA: no list asked
    application_put(
        node.root,
        cas[0].key,
        [
            {"id": "sr", "date": "2022-04-05", "pages": 2},
            {"id": "wo", "category": "written_opinion", "date": "2026-11-30"},
        ],
    )
    check()  # the feed names CA 3,200,001
    made = []
    assert lists_asked(lambda: made.extend(_schedule_and_build())) == 1
    [top_up] = made
    assert list(top_up.items.values_list("remote_id", flat=True)) == [f"{cas[0].key}.wo"]

    cache.delete(fcache.feed_key("CA"))  # the check stopped three intervals ago: no mark
    assert lists_asked(_schedule_and_build) == 2  # without the feed: every list, as before
