import datetime as dt

import pytest
from celery.exceptions import Retry
from celery.schedules import crontab
from django.db import transaction
from django.urls import reverse

from case_portal.celery import app as celery_app
from dossiers.services import applications
from notifications import services, tasks
from notifications.models import Notification, Watch
from stats.models import UsageEvent
from tests.dossiers.factories import DocumentFactory
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_watcher_gets_an_in_app_notification_and_one_email_with_the_canonical_number(
    client, smtp, examiner, clerk, foreign_app
):
    Watch.objects.create(user=examiner, application=foreign_app)
    doc = DocumentFactory(application=foreign_app, category="search_report", uploaded_by=clerk)

    [mail] = smtp.to("examiner@ca.test")
    assert mail["subject"] == "[CASE] AU 2013123456 search report added, 2026-03-02"
    body = mail.get_content()
    assert "Application: AU 2013123456" in body
    assert "Office:      IP Australia (AU)" in body
    assert "Date:        2026-03-02" in body
    note = Notification.objects.get(user=examiner)
    assert f"http://127.0.0.1:8000/notifications/{note.pk}/open/" in body
    assert note.sent_at is not None and note.document == doc
    assert (
        UsageEvent.objects.filter(
            action="notification_sent", user=examiner, provider_office=foreign_app.office
        ).count()
        == 1
    )
    assert smtp.to("clerk@au.test") == []  # the uploader is not told about their own upload

    client.force_login(examiner)
    page = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in page
    page = client.get(reverse("notifications:notification-list")).content.decode()
    assert "AU 2013123456 search report added, 2026-03-02" in page
    response = client.get(reverse("notifications:notification-open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:document-detail", args=[doc.pk])
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_only_matching_categories_and_directions_notify(smtp, examiner, foreign_app):
    Watch.objects.create(
        user=examiner, application=foreign_app, categories=["office_action"], direction="incoming"
    )
    DocumentFactory(application=foreign_app, category="search_report")
    DocumentFactory(application=foreign_app, category="office_action", direction="outgoing")
    assert not Notification.objects.exists()
    DocumentFactory(application=foreign_app, category="office_action", direction="incoming")
    assert Notification.objects.count() == 1
    assert len(smtp.messages) == 1


def test_family_watch_covers_every_member_and_a_person_hears_once(
    smtp, examiner, foreign_app, provider
):
    sibling = applications.application_upsert(
        office=OfficeFactory(code="GB", name="UKIPO"),
        number="GB1234567",
        published=True,
        priorities=[applications.PriorityIn(office="AU", number="AU2013123456")],
    )
    assert sibling.family_id == foreign_app.family_id
    Watch.objects.create(user=examiner, application=foreign_app, scope="family")
    Watch.objects.create(user=examiner, application=sibling)
    DocumentFactory(application=sibling, category="search_report")
    assert Notification.objects.filter(user=examiner).count() == 1
    assert smtp.subjects() == [
        "[CASE] For your AU 2013123456: GB 1234567 search report added, 2026-03-02"
    ]


def test_nobody_hears_of_a_document_their_office_may_not_read(smtp, examiner, foreign_app):
    provider = foreign_app.office
    provider.shares_with_all = False
    provider.save()
    provider.shares_with.add(OfficeFactory(code="GB"))
    Watch.objects.create(user=examiner, application=foreign_app)
    DocumentFactory(application=foreign_app)
    assert not Notification.objects.exists()
    assert smtp.messages == []


def test_withdrawn_document_notifies_the_watchers(smtp, examiner, foreign_app):
    Watch.objects.create(user=examiner, application=foreign_app)
    doc = DocumentFactory(application=foreign_app, category="written_opinion")
    from django.utils import timezone

    from dossiers import signals
    from dossiers.models import Document

    with transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(withdrawn_at=timezone.now())
        doc.refresh_from_db()
        signals.document_withdrawn.send(sender=Document, document=doc, user=None, reason="x")
    assert smtp.subjects()[-1] == ("[CASE] AU 2013123456 written opinion of 2026-03-02 withdrawn")


def test_failed_upload_leaves_no_notification_and_sends_nothing(smtp, examiner, foreign_app):
    Watch.objects.create(user=examiner, application=foreign_app)
    with pytest.raises(RuntimeError), transaction.atomic():
        DocumentFactory(application=foreign_app)
        assert Notification.objects.count() == 1  # written inside the upload's transaction
        raise RuntimeError("the surrounding work failed")
    assert not Notification.objects.exists()
    assert smtp.messages == []


def test_digest_watchers_get_one_email_a_day_listing_everything(smtp, examiner, foreign_app):
    Watch.objects.create(user=examiner, application=foreign_app, delivery="digest")
    DocumentFactory(application=foreign_app, category="search_report")
    DocumentFactory(application=foreign_app, category="written_opinion")
    assert smtp.messages == []  # nothing until the daily digest
    assert Notification.objects.filter(user=examiner, read_at=None).count() == 2
    tasks.digests_send.delay()
    tasks.digests_send.delay()  # a second run (beat hiccup) sends nothing more
    [mail] = smtp.to("examiner@ca.test")
    assert mail["subject"].endswith(": 2 notifications")
    body = mail.get_content()
    assert "AU 2013123456 search report added, 2026-03-02" in body
    assert "AU 2013123456 written opinion added, 2026-03-02" in body
    assert not Notification.objects.filter(sent_at=None).exists()


def test_beat_runs_the_sweep_every_minute_and_the_digest_daily():
    celery_app.finalize()
    schedule = celery_app.conf.beat_schedule
    assert schedule["notifications: outbox sweep"]["schedule"] == 60.0
    assert schedule["notifications: outbox sweep"]["task"] == "notifications.tasks.outbox_sweep"
    digest = schedule["notifications: daily digest"]
    assert digest["task"] == "notifications.tasks.digests_send"
    # Once a day, every day, at 06:00 in the portal's time zone.
    assert isinstance(digest["schedule"], crontab)
    assert (digest["schedule"].hour, digest["schedule"].minute) == ({6}, {0})
    assert digest["schedule"].day_of_week == set(range(7))
    assert digest["schedule"].day_of_month == set(range(1, 32))
    assert digest["schedule"].month_of_year == set(range(1, 13))


def test_mail_server_down_loses_nothing_and_the_sweep_sends_it_once(
    smtp_down, examiner, foreign_app
):
    inbox, back = smtp_down
    Watch.objects.create(user=examiner, application=foreign_app)
    DocumentFactory(application=foreign_app)  # the upload itself succeeds
    note = Notification.objects.get()
    assert note.sent_at is None and note.attempts >= 1 and note.last_error

    back()  # the mail server is back
    assert tasks.outbox_sweep.delay(0).get() == 0  # the failed task's claim still protects it
    Notification.objects.update(claimed_at=note.claimed_at - dt.timedelta(hours=1))
    assert tasks.outbox_sweep.delay(0).get() == 1
    assert tasks.outbox_sweep.delay(0).get() == 0
    assert len(inbox.to("examiner@ca.test")) == 1
    note.refresh_from_db()
    assert note.sent_at is not None


def test_digest_with_the_mail_server_down_keeps_its_rows_for_the_retry_and_goes_out_once(
    smtp_down, examiner, foreign_app
):
    inbox, back = smtp_down
    Watch.objects.create(user=examiner, application=foreign_app, delivery="digest")
    DocumentFactory(application=foreign_app, category="search_report")
    DocumentFactory(application=foreign_app, category="written_opinion")
    with pytest.raises(Retry):  # in-process, the retry it asks for comes back as this
        tasks.digest_deliver.delay(examiner.pk)
    rows = list(Notification.objects.filter(user=examiner))
    assert len(rows) == 2 and all(n.sent_at is None and n.last_error for n in rows)
    [token] = {n.claim_token for n in rows}  # one claim holds both, kept for the retry
    assert token is not None

    back()  # the mail server is back: the retry sends under its claim
    assert tasks.digest_deliver.delay(examiner.pk, str(token)).get() == 2
    assert tasks.digest_deliver.delay(examiner.pk, str(token)).get() == 0  # nothing left
    [mail] = inbox.to("examiner@ca.test")
    assert mail["subject"].endswith(": 2 notifications")
    assert not Notification.objects.filter(sent_at=None).exists()


def test_a_notification_is_claimed_by_one_sender_only(smtp, examiner, foreign_app):
    Watch.objects.create(user=examiner, application=foreign_app, delivery="digest")
    DocumentFactory(application=foreign_app)
    note = Notification.objects.get()
    Notification.objects.filter(pk=note.pk).update(email="immediate")
    first = services.notification_claim(notification_id=note.pk)
    assert first is not None
    assert services.notification_claim(notification_id=note.pk) is None
    assert tasks.notification_deliver.delay(note.pk).get() is False  # held by `first`
    assert services.notification_email_send(notification_id=note.pk, token=first) is True
    assert tasks.notification_deliver.delay(note.pk).get() is False  # already sent
    assert len(smtp.messages) == 1


def test_notifications_page_marks_read_and_hides_other_peoples(client, examiner, foreign_app):
    other = UserFactory(office=examiner.office, email="x@ca.test")
    Watch.objects.create(user=examiner, application=foreign_app, delivery="digest")
    Watch.objects.create(user=other, application=foreign_app, delivery="digest")
    DocumentFactory(application=foreign_app)
    DocumentFactory(application=foreign_app, category="office_action")
    mine = Notification.objects.filter(user=examiner).first()
    theirs = Notification.objects.get(user=other, document=mine.document)
    client.force_login(examiner)
    url = reverse("notifications:notification-read", args=[theirs.pk])
    assert client.post(url).status_code == 404
    url = reverse("notifications:notification-open", args=[theirs.pk])
    assert client.get(url).status_code == 404
    client.post(reverse("notifications:notification-read", args=[mine.pk]))
    assert Notification.objects.filter(user=examiner, read_at=None).count() == 1
    response = client.post(reverse("notifications:notification-read-all"), follow=True)
    assert "Marked 1 notification as read." in response.content.decode()
    assert Notification.objects.filter(user=other, read_at=None).count() == 2


def test_notifications_page_has_a_fixed_number_of_queries(
    client, examiner, foreign_app, django_assert_max_num_queries
):
    Watch.objects.create(user=examiner, application=foreign_app, delivery="digest")
    for category in ["search_report", "written_opinion", "office_action", "claims", "other"]:
        DocumentFactory(application=foreign_app, category=category)
    client.force_login(examiner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:notification-list"))
    assert response.content.decode().count("AU 2013123456 ") >= 5
