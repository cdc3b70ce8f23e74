"""The names of the statistics' figures, in one place for every table that shows them (the
monthly table, the by-office table, users of my office, their CSV and PDF): a figure is called
the same wherever it appears, and is translated once."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "accounts": _("Accounts"),
    "active_users": _("Active users"),
    "logins": _("Log-ins"),
    "searches": _("Searches"),
    "numbers_searched": _("Numbers looked up"),
    "family_views": _("Family views"),
    "document_views": _("Document views"),
    "downloads": _("Downloads"),
    "packages_built": _("Packages built"),
    "uploads": _("Uploads"),
    "requests_made": _("Requests asked"),
    "requests_answered": _("Requests answered"),
    "taken": _("Their documents used by others"),
}

# What a person does, in the order every table lists it.
ACTIVITY = ("logins", "searches", "numbers_searched", "family_views", "document_views", "downloads")


def columns(*keys: str, named: dict | None = None) -> list[tuple[str, str]]:
    """(key, label) for each key: its LABELS name unless `named` gives a more precise one."""
    named = named or {}
    return [(key, named.get(key, LABELS.get(key))) for key in keys]
