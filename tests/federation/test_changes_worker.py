"""The change check as beat runs it: a real Celery worker, a real broker, a real node. Sent
twice and run again after a restart of the node, a new report still reaches the watcher once."""

import pytest

from dossiers import tasks
from notifications.models import Notification
from notifications.services import watch_save
from tests.celery_fixtures import RedisServer, Worker, point_celery_at
from tests.federation.conftest import web_service_family
from tests.federation.nodes import application_put
from tests.offices.factories import UserFactory
from tests.support import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery-redis")]


def test_beat_check_through_a_worker_tells_the_watcher_once_by_email(
    tmp_path, node, office, other_office, smtp_server, real_celery
):
    inbox, smtp_port = smtp_server
    _au, (ca,) = web_service_family(node=node, ca=office, au=other_office)
    sr = {"id": "sr", "category": "search_report", "date": "2022-04-05"}
    application_put(node.root, ca.key, [sr])
    examiner = UserFactory(office=other_office, role="examiner", email="ex@au.test")
    watch_save(user=examiner, application=ca)

    redis = RedisServer(tmp_path)
    real_celery.append(redis)
    redis.start()
    point_celery_at(redis.url)
    worker = Worker(broker=redis.url, smtp_port=smtp_port, log=tmp_path / "worker.log")
    real_celery.insert(0, worker)

    tasks.federation_changes_check_task.delay()  # the first listing: the baseline
    worker.wait_idle()
    assert not Notification.objects.exists()

    wo = {"id": "wo", "category": "written_opinion", "date": "2022-06-01"}
    application_put(node.root, ca.key, [sr, wo])
    tasks.federation_changes_check_task.delay()
    tasks.federation_changes_check_task.delay()  # beat fired again before the first finished
    wait_for(lambda: Notification.objects.filter(sent_at__isnull=False).exists(), 60, "e-mail")
    worker.wait_idle()
    tasks.federation_changes_check_task.delay()
    worker.wait_idle()
    assert list(Notification.objects.values_list("text", flat=True)) == [
        "CA 3,200,001 written opinion added, 2022-06-01"
    ]
    assert [m["to"] for m in inbox.messages] == [["ex@au.test"]]
    assert inbox.subjects() == ["[CASE] CA 3,200,001 written opinion added, 2022-06-01"]
