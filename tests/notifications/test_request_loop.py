"""The request loop: the asked office is told, works a queue, answers; the requester hears once,
about their own application. CA's examiner asks AU (the `foreign_app` of conftest)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossiers import numbers
from dossiers.models import Worklist, WorklistEntry
from dossiers.services import applications, documents
from notifications import services
from notifications.models import DocumentRequest, Notification, Watch
from stats.models import UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

S = DocumentRequest.State
TODAY = timezone.localdate()
SOON = TODAY + dt.timedelta(days=20)


@pytest.fixture
def own_app(office, foreign_app):
    """CA's application in AU's family (claims AU's priority): the examiner's own case."""
    app = applications.application_upsert(
        office=office,
        number="CA 2,827,121",
        filing_date=dt.date(2014, 5, 1),
        published=True,
        priorities=[applications.PriorityIn(office="AU", number="AU2013123456")],
    )
    assert app.family_id == foreign_app.family_id
    return app


def _ask(examiner, foreign_app, own_app=None, **kw):
    return services.request_make(
        user=examiner, application=foreign_app, requester_application=own_app, **kw
    )[0]


# ------------------------------------------------------------------ 1. the asked office is told


def test_asked_office_clerks_and_admins_are_told_by_email_in_the_app_and_by_the_badge(
    client, smtp, examiner, clerk, provider_admin, foreign_app, own_app
):
    _ask(examiner, foreign_app, own_app, message="Examination on the 20th", needed_by=SOON)
    assert sorted(r for m in smtp.messages for r in m["to"]) == ["admin@au.test", "clerk@au.test"]
    [mail] = smtp.to("clerk@au.test")
    assert mail["subject"].strip() == (
        f"[CASE] Document request: CA asks for all reports of AU 2013123456 "
        f"(for CA 2,827,121), needed by {SOON:%Y-%m-%d}: \u201cExamination on the 20th\u201d"
    )
    body = mail.get_content()
    assert "For their application: CA 2,827,121" in body and f"Needed by:    {SOON}" in body
    note = Notification.objects.get(user=clerk)
    assert note.kind == "request_received" and note.read_at is None
    client.force_login(clerk)
    home = client.get("/").content.decode()
    assert 'data-testid="requests-badge">1<' in home
    client.force_login(examiner)  # the requesting side has no badge for its own request
    assert 'data-testid="requests-badge"' not in client.get("/").content.decode()


def test_a_clerks_unread_and_queue_badges_are_read_in_one_query(
    client, smtp, examiner, clerk, foreign_app, own_app
):
    _ask(examiner, foreign_app, own_app)
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as page:
        home = client.get("/").content.decode()
    assert 'data-testid="requests-badge">1<' in home
    assert 'data-testid="unread-count">1<' in home
    counts = [
        q["sql"]
        for q in page.captured_queries
        if "notifications_notification" in q["sql"] or "notifications_documentrequest" in q["sql"]
    ]
    assert len(counts) == 1 and "count(*)" in counts[0].lower()


def test_office_admin_chooses_who_receives_requests_and_an_inbox_address(
    client, smtp, examiner, clerk, provider_admin, provider, foreign_app
):
    other_clerk = UserFactory(office=provider, role="clerk", email="clerk2@au.test")
    client.force_login(provider_admin)
    url = reverse("offices:request-contacts")
    page = client.get(url).content.decode()
    assert "clerk2@au.test" in page and "examiner@ca.test" not in page
    bad = client.post(url, {"request_inbox": "not an address"}).content.decode()
    assert "Enter a valid email address." in bad
    response = client.post(
        url,
        {"request_inbox": "Requests@AU.test", "request_contacts": [other_clerk.pk]},
        follow=True,
    )
    assert "Request contacts saved." in response.content.decode()
    provider.refresh_from_db()
    assert provider.request_inbox == "requests@au.test"

    _ask(examiner, foreign_app)
    assert sorted(r for m in smtp.messages for r in m["to"]) == [
        "clerk2@au.test",
        "requests@au.test",
    ]
    # The others still see it in the portal (no e-mail), and the inbox row is nobody's list.
    assert Notification.objects.filter(user=clerk, email="none").count() == 1
    assert Notification.objects.filter(user=None, email_to="requests@au.test").count() == 1
    inbox_mail = smtp.to("requests@au.test")[0].get_content()
    req = DocumentRequest.objects.get()
    assert f"/requests/{req.pk}/" in inbox_mail


def test_an_examiner_cannot_open_the_request_contacts_page(client, examiner):
    client.force_login(examiner)
    assert client.get(reverse("offices:request-contacts")).status_code == 404


# ------------------------------------------------------------------ 2. the queue is a work list


def test_queue_shows_office_own_application_wanted_message_needed_by_and_overdue(
    client, examiner, clerk, provider, foreign_app, own_app
):
    late = _ask(examiner, foreign_app, own_app, message="Urgent please", needed_by=SOON)
    DocumentRequest.objects.filter(pk=late.pk).update(needed_by=TODAY - dt.timedelta(days=2))
    second = applications.application_upsert(office=provider, number="AU2013000777", published=True)
    gb = OfficeFactory(code="GB", name="UKIPO")
    gb_examiner = UserFactory(office=gb, email="e@gb.test")
    services.request_make(
        user=gb_examiner,
        application=second,
        category="office_action",
        needed_by=TODAY + dt.timedelta(days=60),
    )
    client.force_login(clerk)
    page = client.get(reverse("notifications:request-list")).content.decode()
    assert "CA 2,827,121" in page and "Urgent please" in page and "Latest office action" in page
    assert 'data-testid="overdue"' in page
    # Sorted by needed-by: the overdue CA request comes before GB's.
    assert page.index("AU 2013123456") < page.index("AU 2013000777")
    only_gb = client.get(reverse("notifications:request-list") + "?office=GB").content.decode()
    assert "AU 2013000777" in only_gb and "AU 2013123456" not in only_gb
    newest = client.get(reverse("notifications:request-list") + "?sort=new").content.decode()
    assert newest.index("AU 2013000777") < newest.index("AU 2013123456")
    declined = client.get(reverse("notifications:request-list") + "?state=declined")
    assert "AU 2013123456" not in declined.content.decode()


def test_providing_office_application_page_shows_its_open_requests(
    client, examiner, clerk, foreign_app, own_app
):
    _ask(examiner, foreign_app, own_app, needed_by=SOON)
    client.force_login(clerk)
    url = reverse("dossiers:provide-application", args=[foreign_app.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="open-requests"' in page
    assert f"CA: all reports</a> for CA 2,827,121, needed by {SOON:%Y-%m-%d}" in page


def test_needed_by_and_own_application_default_from_the_worklist_entry(
    client, examiner, office, foreign_app, own_app
):
    worklist = Worklist.objects.create(office=office, name="December", created_by=examiner)
    WorklistEntry.objects.create(worklist=worklist, application=own_app, examination_date=SOON)
    client.force_login(examiner)
    url = reverse("notifications:request-new") + f"?application={foreign_app.pk}"
    page = client.get(url).content.decode()
    assert f'value="{SOON:%Y-%m-%d}"' in page
    assert f'<option value="{own_app.pk}" selected>CA 2,827,121</option>' in page
    client.post(url, {"category": "all", "own_application": own_app.pk, "needed_by": SOON})
    req = DocumentRequest.objects.get()
    assert (req.requester_application, req.needed_by) == (own_app, SOON)


# ------------------------------------------------------------------ 3. ask for what is missing


def test_a_newer_office_action_can_be_asked_for_and_only_an_office_action_fulfils_it(
    client, examiner, clerk, foreign_app
):
    DocumentFactory(application=foreign_app, category="office_action", date=dt.date(2015, 1, 5))
    DocumentFactory(application=foreign_app, category="search_report")
    client.force_login(examiner)
    page = client.get(f"/families/{foreign_app.family_id}/").content.decode()
    assert "Ask for more" in page  # documents exist, and asking is still offered
    req = _ask(examiner, foreign_app, category="office_action")
    with pytest.raises(ValidationError, match="search report of AU 2013123456 is already shared"):
        _ask(examiner, foreign_app, category="search_report")
    DocumentFactory(application=foreign_app, category="written_opinion", uploaded_by=clerk)
    req.refresh_from_db()
    assert req.state == S.OPEN
    newer = DocumentFactory(application=foreign_app, category="office_action", uploaded_by=clerk)
    req.refresh_from_db()
    assert (req.state, req.fulfilled_by) == (S.FULFILLED, newer)


def test_a_valid_number_not_in_the_portal_is_asked_from_its_office_and_fulfilled_later(
    client, smtp, examiner, clerk, provider
):
    client.force_login(examiner)
    start = reverse("notifications:request-new") + "?number=AU 2015 900 123"
    page = client.get(start).content.decode()
    assert "The portal does not hold AU 2015900123 yet" in page
    response = client.post(
        reverse("notifications:request-new"),
        {"number": "AU2015900123", "category": "search_report", "message": "Please provide"},
        follow=True,
    )
    assert "Search report of AU 2015900123 requested from IP Australia." in (
        response.content.decode()
    )
    req = DocumentRequest.objects.get()
    assert (req.application, req.wanted_key) == (None, "AU2015900123")
    assert req.provider_office == provider
    assert smtp.to("clerk@au.test")  # the asked office heard of it
    unknown = client.get(reverse("notifications:request-new") + "?number=XX123")
    assert "is not an office code we know" in unknown.content.decode()

    app = applications.application_upsert(office=provider, number="AU2015900123", published=True)
    DocumentFactory(application=app, category="search_report", uploaded_by=clerk)
    req.refresh_from_db()
    assert (req.application, req.state) == (app, S.FULFILLED)
    assert "your request is fulfilled" in smtp.to("examiner@ca.test")[-1]["subject"]


def test_an_asked_number_provided_unpublished_stays_unknown_to_the_asking_office(
    client, examiner, clerk, provider
):
    req = services.request_make(user=examiner, number=numbers.normalise("AU2015900123"))[0]
    app = applications.application_upsert(
        office=provider, number="AU2015900123", title="Secret battery chemistry", published=False
    )
    req.refresh_from_db()
    assert req.application is None
    client.force_login(examiner)
    detail = client.get(reverse("notifications:request-detail", args=[req.pk])).content.decode()
    listing = client.get(reverse("notifications:request-list")).content.decode()
    for page in (detail, listing):
        assert "Secret battery chemistry" not in page
        assert "not in the portal yet" in page

    # The providing office's clerk is told the truth about its own application.
    client.force_login(clerk)
    own = client.get(reverse("notifications:request-detail", args=[req.pk])).content.decode()
    assert "provided by your office, not published yet" in own
    assert "not in the portal yet" not in own
    queue = client.get(reverse("notifications:request-list") + "?tab=incoming").content.decode()
    assert "provided, not published yet" in queue

    applications.application_upsert(
        office=provider, number="AU2015900123", title="Secret battery chemistry", published=True
    )
    req.refresh_from_db()
    assert req.application == app
    client.force_login(examiner)
    detail = client.get(reverse("notifications:request-detail", args=[req.pk])).content.decode()
    assert "Secret battery chemistry" in detail


def test_a_number_of_an_office_that_does_not_take_part_cannot_be_requested(examiner):
    OfficeFactory(code="GB", name="UKIPO", provides=False)
    number = numbers.normalise("GB 2 345 678")
    with pytest.raises(ValidationError, match="UKIPO does not share documents through CASE"):
        services.request_make(user=examiner, number=number)


# ------------------------------------------------------------------ 4. family first


def test_request_form_shows_what_the_family_holds_and_asks_for_confirmation(
    client, examiner, foreign_app
):
    ep = applications.application_upsert(
        office=OfficeFactory(code="EP", name="EPO"),
        number="EP13844704",
        published=True,
        priorities=[applications.PriorityIn(office="AU", number="AU2013123456")],
    )
    DocumentFactory(application=ep, category="search_report", date=dt.date(2016, 3, 30))
    client.force_login(examiner)
    url = reverse("notifications:request-new") + f"?application={foreign_app.pk}"
    page = client.get(url).content.decode()
    assert "EP search report 2016-03-30</a> is available." in page
    refused = client.post(url, {"category": "office_action"}).content.decode()
    assert "look at them, then confirm" in refused
    assert not DocumentRequest.objects.exists()
    client.post(url, {"category": "office_action", "family_checked": "on"})
    assert DocumentRequest.objects.get().category == "office_action"


# ------------------------------------------------------------------ 5. answers, expiry


def test_accept_commence_decline_tell_the_requester_and_count_for_both_offices(
    client, smtp, examiner, clerk, office, provider, foreign_app, own_app
):
    req = _ask(examiner, foreign_app, own_app)
    client.force_login(clerk)
    url = reverse("notifications:request-detail", args=[req.pk])
    page = client.post(url, {"state": "acknowledged"}).content.decode()
    assert "Give the date the reports are expected by." in page
    client.post(url, {"state": "acknowledged", "expected_date": SOON.isoformat()})
    client.post(url, {"state": "examination_commenced", "expected_date": SOON.isoformat()})
    subjects = [m["subject"].strip() for m in smtp.to("examiner@ca.test")]
    assert subjects == [
        f"[CASE] For your CA 2,827,121: request for AU 2013123456 (AU): Accepted \u2014 reports "
        f"expected by {SOON:%Y-%m-%d}",
        f"[CASE] For your CA 2,827,121: request for AU 2013123456 (AU): Examination commenced "
        f"\u2014 reports expected by {SOON:%Y-%m-%d}",
    ]
    other = _ask(examiner, foreign_app, category="written_opinion")
    services.request_change(user=clerk, request=other, state="declined", reason="Not issued")
    assert "Declined \u2014 Not issued" in smtp.to("examiner@ca.test")[-1]["subject"]
    pairs = {
        (e.action, e.office.code, e.provider_office.code)
        for e in UsageEvent.objects.filter(action__startswith="request_")
    }
    assert pairs == {
        ("request_made", "CA", "AU"),
        ("request_accepted", "CA", "AU"),
        ("request_declined", "CA", "AU"),
    }
    assert UsageEvent.objects.filter(action="request_accepted").count() == 1


def test_requests_expire_after_the_configured_time_and_both_sides_are_told(
    settings, smtp, examiner, clerk, foreign_app
):
    settings.REQUESTS_EXPIRE_DAYS = 30
    req = _ask(examiner, foreign_app)
    fresh = _ask(examiner, foreign_app, category="office_action")
    DocumentRequest.objects.filter(pk=req.pk).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    smtp.messages.clear()
    assert services.requests_expire() == 1
    req.refresh_from_db()
    fresh.refresh_from_db()
    assert (req.state, fresh.state) == (S.EXPIRED, S.OPEN)
    assert "Expired" in smtp.to("examiner@ca.test")[0]["subject"]
    assert "Expired after 30 days" in smtp.to("clerk@au.test")[0]["subject"]
    event = UsageEvent.objects.get(action="request_expired")
    assert (event.office.code, event.provider_office.code) == ("CA", "AU")
    assert services.requests_expire() == 0  # nothing twice


# ------------------------------------------------------------------ 6. one message, my case


def test_a_document_that_fulfils_a_request_and_matches_a_watch_sends_one_message(
    smtp, examiner, clerk, foreign_app, own_app
):
    Watch.objects.create(user=examiner, application=own_app, scope="family")
    _ask(examiner, foreign_app, own_app)
    smtp.messages.clear()
    DocumentFactory(
        application=foreign_app,
        category="search_report",
        date=dt.date(2026, 11, 30),
        uploaded_by=clerk,
    )
    [note] = Notification.objects.filter(user=examiner)
    assert note.text == (
        "For your CA 2,827,121: AU 2013123456 search report added, 2026-11-30 "
        "\u2014 your request is fulfilled"
    )
    assert len(smtp.to("examiner@ca.test")) == 1


def test_family_watch_is_recorded_on_the_watchers_own_application(
    client, examiner, foreign_app, own_app
):
    client.force_login(examiner)
    response = client.post(
        reverse("notifications:watch-quick"), {"family": foreign_app.family_id}, follow=True
    )
    assert "You are now watching the family of CA 2,827,121." in response.content.decode()
    assert Watch.objects.get().application == own_app


def test_every_watch_email_has_a_signed_one_click_unsubscribe(client, smtp, examiner, foreign_app):
    Watch.objects.create(user=examiner, application=foreign_app)
    DocumentFactory(application=foreign_app)
    [mail] = smtp.to("examiner@ca.test")
    link = mail["List-Unsubscribe"].strip().strip("<>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.get_content()
    path = link.removeprefix("http://127.0.0.1:8000")
    client.logout()
    assert "Stop watching AU 2013123456?" in client.get(path).content.decode()
    assert Watch.objects.exists()  # opening the link alone changes nothing
    done = client.post(path).content.decode()
    assert "You no longer watch AU 2013123456" in done
    assert not Watch.objects.exists()
    forged = client.get(path[:-3] + "xx/").content.decode()
    assert "This unsubscribe link is not valid any more" in forged


# ------------------------------------------------------------------ 7. corrections, withdrawals


def test_correction_and_withdrawal_reach_everyone_told_of_the_original(
    smtp, examiner, clerk, foreign_app, own_app
):
    _ask(examiner, foreign_app, own_app)
    doc = DocumentFactory(application=foreign_app, category="search_report", uploaded_by=clerk)
    smtp.messages.clear()
    documents.document_correct(
        document=doc, user=clerk, category="search_report", date=dt.date(2026, 2, 27)
    )
    [corrected] = smtp.to("examiner@ca.test")
    assert corrected["subject"].strip() == (
        "[CASE] For your CA 2,827,121: AU 2013123456 search report corrected: "
        "date 2026-03-02 \u2192 2026-02-27"
    )
    documents.document_correct(
        document=doc, user=clerk, category="search_report", date=dt.date(2026, 2, 27), code="X"
    )
    assert len(smtp.to("examiner@ca.test")) == 1  # a code is not news
    examiner.language = "fr"
    examiner.save(update_fields=["language"])
    documents.document_correct(
        document=doc, user=clerk, category="written_opinion", date=dt.date(2026, 2, 27)
    )
    assert (
        smtp.to("examiner@ca.test")[-1]["subject"]
        .strip()
        .endswith("corrigé(e)\u00a0: catégorie rapport de recherche \u2192 opinion écrite")
    )
    examiner.language = "en"
    examiner.save(update_fields=["language"])
    documents.document_correct(
        document=doc, user=clerk, category="search_report", date=dt.date(2026, 2, 27)
    )
    documents.document_withdraw(document=doc, user=clerk, reason="wrong application")
    assert smtp.to("examiner@ca.test")[-1]["subject"].strip() == (
        "[CASE] For your CA 2,827,121: AU 2013123456 search report of 2026-02-27 withdrawn "
        "because wrong application"
    )


def test_a_withdrawn_documents_page_says_when_and_why_to_those_who_could_see_it(
    client, examiner, clerk, foreign_app
):
    Watch.objects.create(user=examiner, application=foreign_app)
    doc = DocumentFactory(application=foreign_app, category="office_action", uploaded_by=clerk)
    documents.document_withdraw(document=doc, user=clerk, reason="sent to the wrong file")
    note = Notification.objects.filter(user=examiner, kind="document_withdrawn").get()
    client.force_login(examiner)
    response = client.get(reverse("notifications:notification-open", args=[note.pk]), follow=True)
    assert response.status_code == 410
    page = response.content.decode()
    assert f"on {timezone.localdate():%Y-%m-%d} because sent to the wrong file" in page
    # An office the provider never admitted still meets the plain 404.
    foreign_app.office.shares_with_all = False
    foreign_app.office.save()
    client.force_login(UserFactory(office=OfficeFactory(code="GB"), email="x@gb.test"))
    assert client.get(reverse("dossiers:document-detail", args=[doc.pk])).status_code == 404
