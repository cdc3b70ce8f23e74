"""The portal's "replica" database alias for one test, as DATABASE_REPLICA_URL configures it."""

import copy
import warnings
from contextlib import contextmanager

from django.db import connections
from django.db.utils import load_backend

from case_portal.db_router import REPLICA


@contextmanager
def replica_alias(settings, **where):
    """The primary's settings with `where` (HOST, PORT, OPTIONS...) as the replica, and the
    router that reads from it, for the duration of the block."""
    conf = copy.deepcopy(connections["default"].settings_dict)
    conf.update(CONN_MAX_AGE=0, **where)
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
    try:
        yield
    finally:
        connections[REPLICA].close()
        delattr(connections._connections, REPLICA)
