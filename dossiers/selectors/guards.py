"""Fetch-and-authorise guards: one row that `user` may read or write, else the same 404 as a
missing row; and the stand-in viewer for "any person of this office"."""

from django.db.models import Count
from django.http import Http404

from case_portal.selectors import one_or_404
from offices.models import Office

from .. import numbers
from ..models import Application, Document, MergedPdf, Package, Worklist


def document_get_for_user(*, user, document_id: int) -> Document:
    docs = Document.objects.visible_to(user).live().select_related("application__office")
    return one_or_404(docs, document_id, "document")


def family_document_ids(*, user, family_id: int) -> list[int]:
    """The family's documents `user` may read, in the family page's default order (date):
    the reader's previous/next document."""
    return list(
        Document.objects.visible_to(user)
        .live()
        .filter(application__family_id=family_id)
        .order_by("date", "pk")
        .values_list("pk", flat=True)
    )


def document_withdrawn_get_for_user(*, user, document_id: int) -> Document | None:
    """A withdrawn document the user could see before: its page says when and why."""
    return (
        Document.objects.visible_to(user, include_withdrawn=True)
        .filter(pk=document_id, withdrawn_at__isnull=False)
        .select_related("application__office")
        .first()
    )


def document_download_name(document: Document) -> str:
    """<number>_<office>_<category>_<date>.pdf, the number as shown on screen made safe for a
    file name (EP13844704.0, PCT-US2013-064552, US13-926335), never the internal key."""
    app = document.application
    category = document.category.replace("_", "-")
    number = numbers.file_name_form(app.display)
    return f"{number}_{app.office.code}_{category}_{document.date:%Y-%m-%d}.pdf"


def application_get_for_user(*, user, application_id) -> Application:
    """An application `user` may see (watch buttons, document requests); else the same 404."""
    apps = Application.objects.visible_to(user).select_related("office")
    return one_or_404(apps, application_id, "application")


def application_get_for_provider(*, user, application_id: int) -> Application:
    """An application its own providing office may write; anyone else gets the same 404."""
    apps = Application.objects.provided_by(user).select_related("office", "family")
    return one_or_404(apps, application_id, "application")


def document_get_for_provider(*, user, document_id: int) -> Document:
    """A document (withdrawn ones too: their history is the office's) its own office may write."""
    docs = Document.objects.provided_by(user).select_related("application__office")
    return one_or_404(docs, document_id, "document")


def worklist_list_for_user(*, user):
    office = office_get_for_clerk(user)
    return (
        Worklist.objects.filter(office=office)
        .select_related("created_by")
        .annotate(entry_count=Count("entries", distinct=True))
        .order_by("-created_at", "-pk")
    )


def worklist_get_for_user(*, user, worklist_id: int) -> Worklist:
    """The one fetch-and-authorise helper: another office's worklist is simply not found."""
    office = office_get_for_clerk(user)
    return one_or_404(Worklist.objects.filter(office=office), worklist_id, "worklist")


def package_get_for_user(*, user, package_id: int) -> Package:
    office = office_get_for_clerk(user)
    packages = Package.objects.filter(office=office).select_related("worklist")
    return one_or_404(packages, package_id, "package")


def merged_pdf_get_for_user(*, user, merged_pdf_id: int) -> MergedPdf:
    """A queued one PDF: only its requester's (it holds what they could see); else a 404."""
    rows = MergedPdf.objects.filter(requested_by_id=getattr(user, "pk", None))
    return one_or_404(rows, merged_pdf_id, "PDF")


def office_get_for_clerk(user) -> Office:
    office = getattr(user, "office", None)
    if office is None or getattr(user, "role", None) not in ("clerk", "office_admin"):
        # The same 404 as a missing page: examiners have no worklists to find.
        raise Http404("Worklists are for the clerks and admins of an office.")
    return office


class OfficeViewer:
    """Stands for "any person of this office" in the visibility rules (used by beat-built
    packages, which have no person at the keyboard)."""

    is_operator = False

    def __init__(self, office: Office):
        self.office = office
        self.office_id = office.pk


def foreign_documents(*, office: Office, family_ids):
    """Live documents of other offices' family members that `office` may see."""
    return (
        Document.objects.visible_to(OfficeViewer(office))
        .live()
        .filter(application__family_id__in=list(family_ids))
        .exclude(application__office=office)
    )
