"""What one event on a dossier tells whom: one notification per person per event."""

from django.db import transaction
from django.utils.functional import lazy

from dossiers.models import Document
from dossiers.services.documents import correction_text

from ..models import Notification
from .outbox import notifications_for_document
from .packages import package_change_clerk_ids
from .requests import requests_fulfil_for_document


@transaction.atomic
def document_added_notify(*, document: Document, actor=None) -> list[Notification]:
    """A new document fulfils the requests it answers and tells watchers and requesters, each
    once: a requester who also watches gets one notification (and one e-mail)."""
    fulfilled = requests_fulfil_for_document(document=document, actor=actor)
    return notifications_for_document(
        document=document, kind=Notification.Kind.DOCUMENT_ADDED, actor=actor, requests=fulfilled
    )


@transaction.atomic
def document_corrected_notify(
    *, document: Document, before: dict, actor=None
) -> list[Notification]:
    """A corrected date or category reaches everyone told of the document (and its watchers);
    other corrections (code, language) are not news."""
    if not correction_text(document, before):
        return []
    # Put into words in each recipient's language, when their notice is written.
    change = lazy(correction_text, str)(document, before)
    return notifications_for_document(
        document=document,
        kind=Notification.Kind.DOCUMENT_CORRECTED,
        actor=actor,
        change=change,
        told_elsewhere=package_change_clerk_ids(document),
    )


@transaction.atomic
def document_withdrawn_notify(*, document: Document, actor=None) -> list[Notification]:
    """Everyone told of the document, and its watchers, hear of its withdrawal once: a clerk
    whose package delivered it hears through the package's notice, which says what to do."""
    return notifications_for_document(
        document=document,
        kind=Notification.Kind.DOCUMENT_WITHDRAWN,
        actor=actor,
        told_elsewhere=package_change_clerk_ids(document),
    )
