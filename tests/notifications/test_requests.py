import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import DocumentRequest, Notification
from stats.models import UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

S = DocumentRequest.State
FUTURE = timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def req(examiner, foreign_app):
    return services.request_make(user=examiner, application=foreign_app, message="Due soon")[0]


def test_examiner_requests_documents_and_a_colleague_joins_the_same_request(
    client, examiner, office, foreign_app
):
    client.force_login(examiner)
    url = reverse("notifications:request-new") + f"?application={foreign_app.pk}"
    assert "Request documents for AU 2013123456" in client.get(url).content.decode()
    response = client.post(url, {"message": "Examination in May"}, follow=True)
    assert "All reports of AU 2013123456 requested from IP Australia." in response.content.decode()
    colleague = UserFactory(office=office, email="colleague@ca.test")
    client.force_login(colleague)
    assert "Join the request" in client.get(url).content.decode()
    response = client.post(url, {"message": ""}, follow=True)
    assert "you joined that request" in response.content.decode()
    req = DocumentRequest.objects.get()
    assert set(req.requesters.all()) == {examiner, colleague}
    assert (req.requesting_office, req.provider_office, req.state) == (
        office,
        foreign_app.office,
        "open",
    )
    assert "Examination in May" in response.content.decode()
    made = UsageEvent.objects.filter(action="request_made")
    assert [(e.office, e.provider_office) for e in made] == [(office, foreign_app.office)]


def test_requests_that_make_no_sense_are_refused_with_a_reason(examiner, office, foreign_app):
    from dossiers.services import applications

    own = applications.application_upsert(office=office, number="CA2123456")
    with pytest.raises(ValidationError, match="application of your own office"):
        services.request_make(user=examiner, application=own)
    DocumentFactory(application=foreign_app, category="search_report")
    with pytest.raises(ValidationError, match="search report of AU 2013123456 is already shared"):
        services.request_make(user=examiner, application=foreign_app, category="search_report")
    assert not DocumentRequest.objects.exists()


def test_an_office_excluded_by_the_providers_policy_cannot_request_its_documents(
    examiner, provider, foreign_app
):
    provider.shares_with_all = False
    provider.save()
    with pytest.raises(ValidationError, match="does not share its documents with your office"):
        services.request_make(user=examiner, application=foreign_app, message="Please")
    assert not DocumentRequest.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        [S.ACKNOWLEDGED],
        [S.EXAMINATION_COMMENCED],
        [S.ACKNOWLEDGED, S.EXAMINATION_COMMENCED],
        [S.EXAMINATION_COMMENCED, S.EXAMINATION_COMMENCED],
        [S.DECLINED],
        [S.ACKNOWLEDGED, S.DECLINED],
        [S.EXAMINATION_COMMENCED, S.DECLINED],
    ],
)
def test_providing_office_moves_a_request_and_every_requester_hears(req, clerk, path):
    for state in path:
        services.request_change(
            user=clerk, request=req, state=state, expected_date=FUTURE, reason="Withdrawn case"
        )
    req.refresh_from_db()
    assert req.state == path[-1]
    texts = list(Notification.objects.filter(kind="request_updated").values_list("text", flat=True))
    assert len(texts) == len(path)
    if path[-1] == S.EXAMINATION_COMMENCED:
        assert req.state_label == f"Examination commenced — reports expected by {FUTURE:%Y-%m-%d}"
        assert req.state_label in texts[0]


@pytest.mark.parametrize(
    "before,to",
    [
        ([S.ACKNOWLEDGED], S.ACKNOWLEDGED),
        ([S.EXAMINATION_COMMENCED], S.ACKNOWLEDGED),
        ([S.DECLINED], S.ACKNOWLEDGED),
        ([S.DECLINED], S.EXAMINATION_COMMENCED),
        ([S.DECLINED], S.DECLINED),
        ([], S.OPEN),
        ([], S.FULFILLED),
    ],
)
def test_transitions_that_are_not_allowed_are_refused(req, clerk, before, to):
    for state in before:
        services.request_change(
            user=clerk, request=req, state=state, expected_date=FUTURE, reason="r"
        )
    with pytest.raises(ValidationError, match="cannot be marked"):
        services.request_change(user=clerk, request=req, state=to, expected_date=FUTURE, reason="r")
    req.refresh_from_db()
    assert req.state == (before[-1] if before else S.OPEN)


def test_fulfilled_request_is_final(req, clerk, foreign_app):
    DocumentFactory(application=foreign_app, category="office_action", uploaded_by=clerk)
    req.refresh_from_db()
    assert req.state == S.FULFILLED
    for state in [S.ACKNOWLEDGED, S.DECLINED, S.EXAMINATION_COMMENCED]:
        with pytest.raises(ValidationError, match="fulfilled cannot be marked"):
            services.request_change(
                user=clerk, request=req, state=state, expected_date=FUTURE, reason="r"
            )


def test_commenced_needs_a_date_and_declined_needs_a_reason(client, req, clerk):
    client.force_login(clerk)
    url = reverse("notifications:request-detail", args=[req.pk])
    page = client.post(url, {"state": "examination_commenced"}).content.decode()
    assert "Give the date the reports are expected by." in page
    page = client.post(url, {"state": "declined", "reason": "  "}).content.decode()
    assert "Say why the request is declined." in page
    page = client.post(url, {"state": "examination_commenced", "expected_date": "2001-01-01"})
    assert "The expected date is in the past." in page.content.decode()
    req.refresh_from_db()
    assert req.state == S.OPEN
    response = client.post(
        url, {"state": "examination_commenced", "expected_date": FUTURE.isoformat()}, follow=True
    )
    assert f"reports expected by {FUTURE:%Y-%m-%d}" in response.content.decode()


def test_upload_of_a_report_fulfils_the_request_and_tells_the_requesters(
    smtp, req, clerk, foreign_app, examiner, django_capture_on_commit_callbacks
):
    DocumentFactory(application=foreign_app, category="claims", uploaded_by=clerk)
    req.refresh_from_db()
    assert req.state == S.OPEN  # claims are not a report
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        doc = DocumentFactory(application=foreign_app, category="search_report", uploaded_by=clerk)
    assert len(callbacks) == 1  # delivery is enqueued only once the upload commits
    req.refresh_from_db()
    assert (req.state, req.fulfilled_by) == (S.FULFILLED, doc)
    # One notice about the upload, saying it fulfils the request (no second "fulfilled" mail).
    note = Notification.objects.get(user=examiner)
    assert (note.document, note.request) == (doc, req)
    assert smtp.to("examiner@ca.test")[0]["subject"].strip() == (
        "[CASE] AU 2013123456 search report added, 2026-03-02 \u2014 your request is fulfilled"
    )
    assert len(smtp.to("examiner@ca.test")) == 1
    fulfilled = UsageEvent.objects.get(action="request_fulfilled")
    assert (fulfilled.office, fulfilled.provider_office, fulfilled.document_id) == (
        examiner.office,
        foreign_app.office,
        doc.pk,
    )
    # A fulfilled request no longer blocks a new one (if reports are withdrawn later, say).
    assert DocumentRequest.objects.filter(state__in=DocumentRequest.ACTIVE).count() == 0


def test_another_office_can_neither_see_nor_change_a_queue(client, req, provider):
    outsider = UserFactory(office=OfficeFactory(code="GB"), role="clerk", email="c@gb.test")
    provider_examiner = UserFactory(office=provider, role="examiner", email="e@au.test")
    url = reverse("notifications:request-detail", args=[req.pk])
    for person in [outsider, provider_examiner]:
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"state": "declined", "reason": "x"}).status_code == 404
        page = client.get(reverse("notifications:request-list") + "?tab=incoming")
        assert "AU 2013123456" not in page.content.decode()
    req.refresh_from_db()
    assert req.state == S.OPEN


def test_requesting_office_sees_its_request_but_cannot_change_it(client, req, examiner, clerk):
    client.force_login(examiner)
    url = reverse("notifications:request-detail", args=[req.pk])
    page = client.get(url).content.decode()
    assert "Due soon" in page and "Update the request" not in page
    assert client.post(url, {"state": "acknowledged"}).status_code == 404
    with pytest.raises(ValidationError, match="Only clerks and admins of IP Australia"):
        services.request_change(user=examiner, request=req, state="acknowledged")


def test_request_lists_show_the_queue_and_the_requests_made(
    client, examiner, clerk, provider, django_assert_max_num_queries
):
    from dossiers.services import applications

    for i in range(12):
        app = applications.application_upsert(
            office=provider, number=f"AU20130001{i + 10}", published=True
        )
        services.request_make(user=examiner, application=app)
    client.force_login(clerk)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("notifications:request-list")).content.decode()
    assert "Incoming to AU (queue)" in page and page.count('">AU 20130001') == 12
    client.force_login(examiner)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("notifications:request-list")).content.decode()
    assert "Incoming to" not in page and page.count('">AU 20130001') == 12
    assert "Requests your office (CA) made" in page


def test_request_list_pages_keep_the_chosen_filters(client, examiner, clerk, provider):
    from dossiers.services import applications

    for i in range(51):  # one more than a page
        app = applications.application_upsert(
            office=provider, number=f"AU2013{i + 100:06d}", published=True
        )
        services.request_make(user=examiner, application=app)
    client.force_login(clerk)
    url = reverse("notifications:request-list")
    filters = "tab=incoming&amp;state=all&amp;office=CA&amp;sort=new"
    page = client.get(url, {"tab": "incoming", "state": "all", "office": "ca", "sort": "new"})
    page = page.content.decode()
    assert "Page 1 of 2" in page and f'href="?{filters}&amp;page=2">Next</a>' in page
    assert ">Previous</a>" not in page
    page = client.get(
        url, {"tab": "incoming", "state": "all", "office": "CA", "sort": "new", "page": 2}
    ).content.decode()
    assert "Page 2 of 2" in page and f'href="?{filters}&amp;page=1">Previous</a>' in page
    assert page.count('">AU 2013') == 1


def test_an_office_filter_that_is_no_code_lists_nothing_and_is_no_server_error(client, req, clerk):
    client.force_login(clerk)
    url = reverse("notifications:request-list")
    for office in ("\x00", "A\x00", "1"):
        response = client.get(url, {"tab": "incoming", "state": "all", "office": office})
        assert response.status_code == 200
        assert list(response.context["page"]) == []
    assert list(client.get(url, {"tab": "incoming", "state": "all"}).context["page"]) == [req]


def test_request_dates_are_typed_as_yyyy_mm_dd_and_a_wrong_order_is_explained(
    client, req, clerk, examiner, foreign_app
):
    """The portal's one date field: a text box showing YYYY-MM-DD, the same parser and the same
    plain words as the provide forms (no browser date picker in the locale's order)."""
    client.force_login(clerk)
    url = reverse("notifications:request-detail", args=[req.pk])
    page = client.get(url).content.decode()
    assert 'name="expected_date"' in page and 'placeholder="YYYY-MM-DD"' in page
    assert 'type="date"' not in page
    page = client.post(url, {"state": "acknowledged", "expected_date": "12/20/2099"})
    assert (
        "‘12/20/2099’ is in the wrong order: write the date as YYYY-MM-DD (2099-12-20)."
        in page.content.decode()
    )
    req.refresh_from_db()
    assert req.state == S.OPEN
    client.post(url, {"state": "acknowledged", "expected_date": "2099-12-20"})
    req.refresh_from_db()
    assert (req.state, req.expected_date) == (S.ACKNOWLEDGED, dt.date(2099, 12, 20))
    client.force_login(examiner)
    new = reverse("notifications:request-new") + f"?application={foreign_app.pk}"
    page = client.post(new, {"category": "office_action", "needed_by": "31.12.2099x"})
    assert "‘31.12.2099x’ is not a date: write it as YYYY-MM-DD" in page.content.decode()
