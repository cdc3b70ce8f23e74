"""Sessions in the database as Django keeps them, with the session's row read by SQL compiled
once (case_portal/compiled.py): every signed-in page loads its session, and the ORM's compile
of that one-row query cost twice the query (~0.3 ms a page)."""

from django.contrib.sessions.backends import db
from django.utils import timezone

from .compiled import compiled_rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = compiled_rows(
            lambda values: self.model.objects.filter(
                session_key=values[0], expire_date__gt=values[1]
            ),
            shape=("session", self.model._meta.label),
            values=[self.session_key, timezone.now()],
        )
        if found:
            return found[0]
        self._session_key = None  # gone or expired: a new session, as Django's store does
        return None
