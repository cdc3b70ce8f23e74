"""Watch notices and request fulfilment for documents that appear on a web-service office's
node: from its change feed, or by listing the watched applications when it has none. A real
node on loopback; the notifications services do the telling, exactly as for an upload."""

import pytest
from django.urls import reverse

from dossiers.federation import tracking
from dossiers.federation.tracking_models import RemoteListing
from notifications.models import DocumentRequest, Notification
from notifications.services import outbox, request_make, watch_save
from offices.models import Office
from offices.service_models import OfficeService
from tests.federation.conftest import ca_member, web_service_family
from tests.federation.nodes import application_put
from tests.offices.factories import UserFactory

pytestmark = pytest.mark.django_db

SR = {"id": "sr", "category": "search_report", "date": "2022-04-05"}
WO = {"id": "wo", "category": "written_opinion", "date": "2022-06-01"}


@pytest.fixture
def fed(node, office, other_office, settings):
    """CA serves from its node; an AU examiner; one family (AU first filing, CA member)."""
    settings.FEDERATION_LIST_TTL = 0
    au, (ca,) = web_service_family(node=node, ca=office, au=other_office)
    application_put(node.root, ca.key, [SR])
    examiner = UserFactory(office=other_office, role="examiner", email="ex@au.test")
    return {"ca": ca, "au": au, "examiner": examiner, "node": node, "office": office}


def _ca_member(number: str):
    return ca_member(Office.objects.get(code="CA"), number)


def _check(fed):
    return tracking.remote_changes_check(office=fed["office"])


def _told(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("text", flat=True)
    )


def test_a_report_new_on_the_node_tells_the_watcher_once(fed):
    watch_save(user=fed["examiner"], application=fed["ca"])
    first = _check(fed)
    assert first.feed and first.listed == 1 and first.announced == 0
    assert _told(fed["examiner"]) == []  # the search report was on the page they watched from

    application_put(fed["node"].root, fed["ca"].key, [SR, WO])
    assert _check(fed).announced == 1
    assert _check(fed).announced == 0  # a second run announces nothing again
    told = _told(fed["examiner"])
    assert told == ["CA 3,200,001 written opinion added, 2022-06-01"]
    notice = Notification.objects.get(user=fed["examiner"])
    assert notice.kind == Notification.Kind.DOCUMENT_ADDED and notice.application == fed["ca"]
    assert notice.email == Notification.Email.IMMEDIATE


def test_the_feed_narrows_the_lists_asked_for_to_applications_that_changed(fed):
    watch_save(user=fed["examiner"], application=fed["ca"])
    _check(fed)
    path = f"/applications/{fed['ca'].key}/documents"
    before = fed["node"].calls(path)
    _check(fed)  # nothing changed on the node: the feed says so, the list is not asked for
    assert fed["node"].calls(path) == before
    application_put(fed["node"].root, fed["ca"].key, [SR, WO])
    _check(fed)
    assert fed["node"].calls(path) == before + 1


def test_an_open_request_is_fulfilled_by_the_report_the_node_lists(fed):
    req, outcome = request_make(
        user=fed["examiner"], application=fed["ca"], category="search_report"
    )
    assert outcome == "created"
    assert _check(fed).announced == 1  # first listing, but it answers the request
    req.refresh_from_db()
    assert req.state == DocumentRequest.State.FULFILLED
    assert _told(fed["examiner"]) == [
        "CA 3,200,001 search report added, 2022-04-05 \u2014 your request is fulfilled"
    ]
    _check(fed)
    assert len(_told(fed["examiner"])) == 1


def test_a_member_provided_after_the_family_watch_announces_what_its_office_holds(fed, node):
    watch_save(user=fed["examiner"], application=fed["au"], scope="family")
    _check(fed)
    application_put(node.root, "CA3200002", [SR])
    later = _ca_member("CA 3,200,002")  # pushed after the watch: all of it is news
    assert later.key == "CA3200002"
    assert _check(fed).announced == 1
    assert _told(fed["examiner"]) == [
        "For your AU 2020123456: CA 3,200,002 search report added, 2022-04-05"
    ]


def test_a_node_that_is_down_changes_nothing_and_the_next_check_catches_up(fed, node):
    watch_save(user=fed["examiner"], application=fed["ca"])
    _check(fed)
    cursor = OfficeService.objects.get(office=fed["office"]).changes_until
    node.stop()
    application_put(node.root, fed["ca"].key, [SR, WO])
    down = _check(fed)
    assert down.problem and down.announced == 0
    assert OfficeService.objects.get(office=fed["office"]).changes_until == cursor
    assert RemoteListing.objects.get(application=fed["ca"]).seen == [f"{fed['ca'].key}.sr"]
    node.start()
    from dossiers.federation import breaker

    breaker.breaker_success("CA")  # its 30 s would outlast the test
    assert _check(fed).announced == 1
    assert _told(fed["examiner"]) == ["CA 3,200,001 written opinion added, 2022-06-01"]


def test_an_office_without_a_feed_has_its_watched_applications_listed(fed, node):
    node.fault("no-feed")
    unwatched = _ca_member("CA 3,200,003")
    application_put(node.root, unwatched.key, [SR])
    watch_save(user=fed["examiner"], application=fed["ca"])
    first = _check(fed)
    assert not first.feed and first.listed == 1
    application_put(node.root, fed["ca"].key, [SR, WO])
    assert _check(fed).announced == 1
    assert _told(fed["examiner"]) == ["CA 3,200,001 written opinion added, 2022-06-01"]
    assert node.calls(f"/applications/{unwatched.key}/documents") == 0  # nobody cares about it


def test_nobody_hears_of_a_document_their_office_may_not_read(fed, office):
    office.shares_with_all = False
    office.save()
    watch_save(user=fed["examiner"], application=fed["ca"])
    _check(fed)
    application_put(fed["node"].root, fed["ca"].key, [SR, WO])
    assert _check(fed).announced == 1  # recorded, but CA does not share with AU
    assert _told(fed["examiner"]) == []


def test_a_list_cached_for_the_pages_does_not_hide_a_new_report(fed, settings, client):
    settings.FEDERATION_LIST_TTL = 300.0
    watch_save(user=fed["examiner"], application=fed["ca"])
    _check(fed)
    client.force_login(fed["examiner"])
    assert client.get(f"/families/{fed['ca'].family_id}/").status_code == 200  # list cached
    application_put(fed["node"].root, fed["ca"].key, [SR, WO])
    assert _check(fed).announced == 1


# --- notices about a web-service document lead to it, like those about an upload ---


def test_the_watchers_notice_opens_the_document_and_its_email_names_category_and_date(fed, client):
    watch_save(user=fed["examiner"], application=fed["ca"])
    _check(fed)
    application_put(fed["node"].root, fed["ca"].key, [SR, WO])
    _check(fed)
    notice = Notification.objects.get(user=fed["examiner"])
    doc_url = f"/documents/remote/{fed['ca'].pk}/{fed['ca'].key}.wo/"
    client.force_login(fed["examiner"])
    opened = client.get(reverse("notifications:notification-open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == doc_url
    page = client.get(doc_url)
    assert page.status_code == 200 and "Written opinion" in page.content.decode()
    body = outbox._email_for(notice).body
    assert "Category:    Written opinion\nDate:        2022-06-01" in body
    assert "Application: CA 3,200,001" in body


def test_a_fulfilled_request_page_links_the_web_service_report_that_fulfilled_it(fed, client):
    req, _ = request_make(user=fed["examiner"], application=fed["ca"], category="search_report")
    _check(fed)
    req.refresh_from_db()
    assert (req.fulfilled_remote_id, req.fulfilled_remote_category) == (
        f"{fed['ca'].key}.sr",
        "search_report",
    )
    client.force_login(fed["examiner"])
    html = client.get(reverse("notifications:request-detail", args=[req.pk])).content.decode()
    doc_url = f"/documents/remote/{fed['ca'].pk}/{fed['ca'].key}.sr/"
    link = f'<a href="{doc_url}">'
    assert f"<dt>Fulfilled by</dt><dd>{link}Search report of 2022-04-05</a></dd>" in html
    notice = Notification.objects.get(user=fed["examiner"])
    assert outbox.notification_target(notice) == doc_url  # the report, as for an upload
