"""A replica that does not answer (restarting, failed over): pages read from the primary."""

import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from case_portal import db_router
from case_portal.db_router import REPLICA
from tests.replica.alias import replica_alias

pytestmark = pytest.mark.django_db(transaction=True)  # reads in a transaction stay on the primary


@pytest.fixture
def dead_replica(settings, monkeypatch):
    """DATABASE_REPLICA_URL pointing where no server listens."""
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
    with replica_alias(settings, HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 2}):
        yield


def test_pages_read_from_the_primary_while_the_replica_does_not_answer(
    dead_replica, client, examiner, world, docs, monkeypatch
):
    client.force_login(examiner)
    tries = []
    answers = db_router._replica_answers
    monkeypatch.setattr(db_router, "_replica_answers", lambda: tries.append(1) or answers())
    family = reverse("dossiers:family-detail", args=[world["us"].family_id])
    with CaptureQueriesContext(connections["default"]) as on_primary:
        found = client.get(reverse("dossiers:search"), {"q": "US 16/123,456"})
        page = client.get(family)
    assert found.status_code == 302 and found["Location"].startswith(family)
    assert page.status_code == 200 and "Folding bicycle hinge" in page.content.decode()
    assert "dossiers_document" in " ".join(q["sql"] for q in on_primary.captured_queries)
    # Asked once: the next page does not wait on the dead replica again.
    assert len(tries) == 2 and db_router._replica_down_until > time.monotonic()
    assert not connections[REPLICA].connection
