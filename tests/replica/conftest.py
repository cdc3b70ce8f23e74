"""A real PostgreSQL streaming replica of the test database (pg_basebackup of the local cluster,
scripts/pg_replica.sh), started once per session on a free port and removed after it."""

import copy
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend

from case_portal.db_router import REPLICA
from tests.support import free_port, wait_for

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg_replica.sh"


class Replica:
    def __init__(self):
        # Outside pytest's private temp folders: the postgres OS user must reach it.
        self.dir = tempfile.mkdtemp(prefix="case-replica-")
        self.port = free_port()
        subprocess.run(  # noqa: S603 (our own script)
            ["bash", str(SCRIPT), "start", self.dir, str(self.port)], check=True, timeout=300
        )

    def stop(self):
        subprocess.run(["bash", str(SCRIPT), "stop", self.dir], check=False, timeout=120)  # noqa: S603,S607
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def _one(alias: str, sql: str):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def sync(self):
        """Wait until the replica has replayed everything the primary has written so far."""
        target = self._one("default", "SELECT pg_current_wal_lsn()::text")
        wait_for(
            lambda: self._one(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"),
            timeout=30,
            what="the replica to catch up",
        )

    def pause(self):
        self._one(REPLICA, "SELECT pg_wal_replay_pause()::text")

    def resume(self):
        self._one(REPLICA, "SELECT pg_wal_replay_resume()::text")


@pytest.fixture(scope="session")
def pg_replica():
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
    pg_replica.resume()
    pg_replica.sync()
    connections[REPLICA].close()
    delattr(connections._connections, REPLICA)
