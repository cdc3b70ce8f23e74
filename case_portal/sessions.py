"""The session store: Django's database one, reading a session with one statement written out
once. Every signed-in request reads its session first, and the ORM compiled that query anew
each time (a tenth of a search request's own time in the profile, docs/benchmarks.md)."""

import logging

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

_FIELDS = ("session_key", "session_data")  # load() reads the data only


class SessionStore(DatabaseSessionStore):
    _sql: str | None = None

    @classmethod
    def _select(cls) -> str:
        if cls._sql is None:
            meta = cls.get_model_class()._meta
            columns = ", ".join(meta.get_field(name).column for name in _FIELDS)
            # Names from the model; the values are parameters.
            cls._sql = (
                f"SELECT {columns} FROM {meta.db_table} "  # noqa: S608
                f"WHERE {meta.get_field('session_key').column} = %s "
                f"AND {meta.get_field('expire_date').column} > %s"
            )
        return cls._sql

    def _get_session_from_db(self):
        """As Django's: the unexpired session of this key, or None (and the key forgotten)."""
        try:
            key = self.session_key
            db = router.db_for_read(self.model)  # the primary: who is signed in never lags
            connection = connections[db]
            now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM sends it
            with connection.cursor() as cursor:
                cursor.execute(self._select(), [key, now])
                row = cursor.fetchone()
            if row is None:
                raise self.model.DoesNotExist
            return self.model.from_db(db, list(_FIELDS), row)
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
