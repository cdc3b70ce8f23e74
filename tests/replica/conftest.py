"""A real PostgreSQL streaming replica of the test database (tests/replica/standby.py), started
once per session on a free port and removed after it."""

import pytest
from django.db import connections

from case_portal.db_router import REPLICA
from tests.replica.alias import replica_alias
from tests.replica.standby import Standby


class Replica(Standby):
    @staticmethod
    def _one(sql: str):
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def pause(self):
        self._one("SELECT pg_wal_replay_pause()::text")

    def resume(self):
        self._one("SELECT pg_wal_replay_resume()::text")


@pytest.fixture(scope="session")
def pg_replica(django_db_setup):
    """After the test database exists, so the base backup holds it (and stopped before it goes)."""
    replica = Replica()
    yield replica
    replica.stop()


@pytest.fixture
def replica(pg_replica, transactional_db, settings):
    """The portal configured as DATABASE_REPLICA_URL configures it, pointed at the replica of
    this test database. Data must be committed to reach it: the tests are transactional."""
    with replica_alias(settings, HOST="127.0.0.1", PORT=str(pg_replica.port)):
        settings.DATABASE_REPLICA_PIN_SECONDS = 10
        try:
            yield pg_replica
        finally:
            pg_replica.resume()
            pg_replica.sync()
