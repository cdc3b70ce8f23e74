"""A real PostgreSQL streaming replica of the test database (tests/replica/standby.py), started
once per session on a free port and removed after it."""

import copy
import warnings

import pytest
from django.db import connections
from django.db.utils import load_backend

from case_portal.db_router import REPLICA
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
    conf = copy.deepcopy(connections["default"].settings_dict)
    conf.update(HOST="127.0.0.1", PORT=str(pg_replica.port), CONN_MAX_AGE=0)
    with warnings.catch_warnings():  # "overriding DATABASES": only the router reads the new key
        warnings.simplefilter("ignore", UserWarning)
        settings.DATABASES = {**settings.DATABASES, REPLICA: conf}
    settings.DATABASE_ROUTERS = ["case_portal.db_router.ReplicaRouter"]
    # Django made its connections at start-up; this one joins them for the test (made here,
    # it is not one of the test database's aliases that the test case guards or flushes).
    setattr(
        connections._connections,
        REPLICA,
        load_backend(conf["ENGINE"]).DatabaseWrapper(conf, REPLICA),
    )
    settings.DATABASE_REPLICA_PIN_SECONDS = 10
    yield pg_replica
    try:
        pg_replica.resume()
        pg_replica.sync()
    finally:
        connections[REPLICA].close()
        delattr(connections._connections, REPLICA)
