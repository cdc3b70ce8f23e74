"""The outbox with a real Celery worker (a subprocess) and real Redis — nothing eager here."""

import socket
import time

import pytest
import redis as redis_py
from django.utils import timezone

from notifications import tasks
from notifications.models import Notification
from tests.celery_fixtures import RedisServer, Worker, point_celery_at
from tests.dossiers.factories import DocumentFactory
from tests.notifications.factories import WatchFactory
from tests.offices.factories import UserFactory
from tests.support import wait_for

# Real workers and brokers: on the same xdist worker as the other queue tests (see
# tests/dossiers/test_packages.py), never interleaved with them in two processes.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery-redis")]


@pytest.fixture
def watchers(office, foreign_app):
    people = [UserFactory(office=office, email=f"watcher{i}@ca.test") for i in range(3)]
    for person in people:
        WatchFactory(user=person, application=foreign_app)
    return people


def test_upload_with_the_broker_down_succeeds_and_every_email_goes_out_once_it_is_back(
    tmp_path, smtp_server, real_celery, watchers, foreign_app, clerk
):
    inbox, smtp_port = smtp_server
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    redis.stop()  # the broker goes down

    started = time.monotonic()
    doc = DocumentFactory(application=foreign_app, category="search_report", uploaded_by=clerk)
    assert time.monotonic() - started < 15  # the upload is not held hostage by the broker
    assert doc.pk and Notification.objects.filter(sent_at=None).count() == 3

    redis.start()  # the broker is back; a worker starts; beat's sweep runs (twice, even)
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "worker.log")
    real_celery.insert(0, worker)
    tasks.outbox_sweep.delay(0)
    tasks.outbox_sweep.delay(0)
    wait_for(lambda: not Notification.objects.filter(sent_at=None).exists(), 60, "all e-mails sent")
    worker.wait_idle()  # both sweeps and what they sent are done: a duplicate would be in
    assert sorted(r for m in inbox.messages for r in m["to"]) == [
        "watcher0@ca.test",
        "watcher1@ca.test",
        "watcher2@ca.test",
    ]


def test_worker_killed_mid_send_the_sweep_delivers_it_exactly_once(
    tmp_path, smtp_server, real_celery, watchers, foreign_app, clerk
):
    inbox, smtp_port = smtp_server
    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    # A mail server that accepts the connection and never answers: the worker hangs mid-send.
    tarpit = socket.socket()
    tarpit.bind(("127.0.0.1", 0))
    tarpit.listen(16)
    try:
        worker = Worker(
            broker=redis.url, smtp_port=tarpit.getsockname()[1], log=tmp_path / "w1.log"
        )
        DocumentFactory(application=foreign_app, category="office_action", uploaded_by=clerk)
        wait_for(
            lambda: Notification.objects.filter(claimed_at__isnull=False).exists(),
            30,
            "the worker to claim a notification",
        )
        worker.kill()
    finally:
        tarpit.close()
    assert inbox.messages == []
    assert Notification.objects.filter(sent_at=None).count() == 3

    # The claim timeout passes; a new worker starts; beat runs the sweep. The killed worker's
    # message is past Redis's visibility timeout too (1 h), so it is delivered again as well.
    Notification.objects.filter(claimed_at__isnull=False).update(
        claimed_at=timezone.now() - timezone.timedelta(hours=1)
    )
    broker = redis_py.Redis(port=redis.port)
    unacked = broker.zrange("unacked_index", 0, -1, withscores=True)
    assert unacked  # the killed worker never acknowledged its message
    broker.zadd("unacked_index", {tag: score - 3700 for tag, score in unacked})
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "w2.log")
    real_celery.insert(0, worker)
    tasks.outbox_sweep.delay(0)
    wait_for(lambda: not Notification.objects.filter(sent_at=None).exists(), 60, "all e-mails sent")
    worker.wait_idle()  # the sweep, the redelivery and what they sent are done
    assert sorted(r for m in inbox.messages for r in m["to"]) == [
        "watcher0@ca.test",
        "watcher1@ca.test",
        "watcher2@ca.test",
    ]


def test_a_request_reaches_the_asked_offices_inbox_through_the_outbox_across_a_broker_restart(
    tmp_path, smtp_server, real_celery, examiner, clerk, provider, foreign_app
):
    from notifications import services

    inbox, smtp_port = smtp_server
    provider.request_inbox = "requests@au.test"
    provider.save()
    redis = RedisServer(tmp_path)  # our own redis-server on a free port, never the shared one
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    redis.stop()  # the broker goes down before the examiner asks

    req, outcome = services.request_make(
        user=examiner, application=foreign_app, message="Examination next month"
    )
    assert outcome == "created"
    pending = Notification.objects.filter(sent_at=None, email="immediate")
    assert list(pending.values_list("email_to", flat=True)) == ["requests@au.test"]
    assert Notification.objects.filter(user=clerk, kind="request_received").exists()

    redis.start()  # back; a worker starts and beat's sweep finds the row
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "worker.log")
    real_celery.insert(0, worker)
    tasks.outbox_sweep.delay(0)
    wait_for(lambda: not pending.exists(), 60, "the request e-mail sent")
    worker.wait_idle()
    [mail] = inbox.messages
    assert mail["to"] == ["requests@au.test"]
    assert "CA asks for all reports of AU 2013123456" in mail["msg"]["subject"]
    assert f"/requests/{req.pk}/" in mail["msg"].get_content()


def test_the_daily_digest_is_one_email_per_person_naming_their_own_application(
    tmp_path, smtp_server, real_celery, office, provider, clerk
):
    """Beat's daily task on a real worker: each person on the digest gets one e-mail with
    every item of the day, each naming the person's own application; a second run (a beat
    hiccup, a second beat) the same day sends nothing more."""
    import datetime as dt

    from dossiers.services.applications import PriorityIn, application_upsert
    from notifications import services

    inbox, smtp_port = smtp_server
    prio = [PriorityIn("US", "US 61/711,111", dt.date(2013, 10, 9))]
    au = application_upsert(
        office=provider, number="AU 2014351899", priorities=prio, published=True
    )
    people = {}
    for number in ("CA 2,827,121", "CA 2,827,122"):
        own = application_upsert(office=office, number=number, priorities=prio, published=True)
        person = UserFactory(office=office, email=f"{own.key.lower()}@ca.test")
        services.preference_save(user=person, delivery="digest")
        services.watch_save(user=person, application=own, scope="family")
        people[person.email] = own
    DocumentFactory(application=au, category="search_report", uploaded_by=clerk)
    DocumentFactory(application=au, category="written_opinion", uploaded_by=clerk)
    assert Notification.objects.filter(email="digest", sent_at=None).count() == 4

    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "worker.log")
    real_celery.insert(0, worker)
    tasks.digests_send.delay()
    tasks.digests_send.delay()
    wait_for(
        lambda: not Notification.objects.filter(email="digest", sent_at=None).exists(),
        60,
        "the digests sent",
    )
    worker.wait_idle()
    assert sorted(r for m in inbox.messages for r in m["to"]) == sorted(people)
    for mail in inbox.messages:
        own = people[mail["to"][0]]
        body = mail["msg"].get_content()
        assert mail["msg"]["subject"].endswith(": 2 notifications")
        assert f"For your {own.display}: AU 2014351899 search report added" in body
        assert f"For your {own.display}: AU 2014351899 written opinion added" in body
