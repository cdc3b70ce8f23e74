"""What one event on a dossier tells whom: one notification per person per event."""

from django.db import transaction

from dossiers.models import Document

from ..models import Notification
from .outbox import notifications_for_document
from .requests import requests_fulfil_for_document


@transaction.atomic
def document_added_notify(*, document: Document, actor=None) -> list[Notification]:
    """A new document fulfils the requests it answers and tells watchers and requesters, each
    once: a requester who also watches gets one notification (and one e-mail)."""
    fulfilled = requests_fulfil_for_document(document=document, actor=actor)
    return notifications_for_document(
        document=document, kind=Notification.Kind.DOCUMENT_ADDED, actor=actor, requests=fulfilled
    )


def _changes(document: Document, before: dict) -> str:
    parts = []
    if before.get("date") and before["date"] != document.date:
        parts.append(f"date {before['date']:%Y-%m-%d} \u2192 {document.date:%Y-%m-%d}")
    if before.get("category") and before["category"] != document.category:
        labels = dict(Document.Category.choices)
        old = labels.get(before["category"], before["category"]).lower()
        parts.append(f"category {old} \u2192 {document.get_category_display().lower()}")
    return ", ".join(parts)


@transaction.atomic
def document_corrected_notify(
    *, document: Document, before: dict, actor=None
) -> list[Notification]:
    """A corrected date or category reaches everyone told of the document (and its watchers);
    other corrections (code, language) are not news."""
    change = _changes(document, before)
    if not change:
        return []
    return notifications_for_document(
        document=document, kind=Notification.Kind.DOCUMENT_CORRECTED, actor=actor, change=change
    )
