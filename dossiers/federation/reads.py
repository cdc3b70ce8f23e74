"""The hooks through which pages see a web-service office's documents.

`remote_documents_start(members, user=...)`: the family selector's one call; starts the
offices' lists and returns the function that adds them to each member's `visible_documents`
(and a plain `federation_notice` when a service did not answer). `remote_document_get_for_user`
and `remote_file_response`: the reader and the download; `remote_documents_for_office` and
`package_content_path`: packages. The access policy is applied here, before any office is
called.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header

from ..models import Application, Document, category_label
from . import cache as fcache
from . import client, contract
from .offices import requester_for, service_for

_OUTGOING = dict(Document.Direction.choices)[Document.Direction.OUTGOING]


class _NoCitations:
    """Federated documents carry no citations (those come with the bibliographic push)."""

    def all(self):
        return []


@dataclass
class FederatedDocument:
    """A document listed by the office's service, shaped like a Document for the templates."""

    remote: contract.RemoteDocument
    application: Application
    is_remote: bool = True
    citations: _NoCitations = field(default_factory=_NoCitations)

    def __getattr__(self, name):
        if name == "remote":  # not yet set (copy, unpickle): no endless recursion
            raise AttributeError(name)
        return getattr(self.remote, name)

    code = ""
    # What the notifications services ask of a document: no row, never withdrawn, issued.
    pk = None
    withdrawn_at = None
    withdrawn_reason = ""
    direction = Document.Direction.OUTGOING

    def get_category_display(self) -> str:
        return category_label(self.remote.category)

    def get_direction_display(self) -> str:
        return _OUTGOING

    @property
    def detail_url(self) -> str:
        return reverse(
            "dossiers:remote-document-detail", args=[self.application.pk, self.remote.id]
        )

    @property
    def content_url(self) -> str:
        return reverse(
            "dossiers:remote-document-content", args=[self.application.pk, self.remote.id]
        )


def documents_readable(user, app: Application) -> bool:
    """Document.objects.visible_to's rule for one application: own office, or published and
    admitted by the providing office's policy."""
    if getattr(user, "is_operator", False):
        return True
    office = getattr(user, "office", None)
    if office is None:
        return False
    if app.office_id == office.pk:
        return True
    return app.published and app.office.admits(office)


def remote_documents_start(members: list[Application], *, user) -> Callable[[], None]:
    """Start fetching (in parallel, within the page budget) the lists of the web-service
    members the user may read; the function returned waits for them and adds them to each
    member's `visible_documents` (with a plain `federation_notice` when a service did not
    answer). A page calls it as late as it can: the offices' time overlaps its own queries."""
    wanted = {}
    for member in members:
        member.federation_notice = ""
        service = service_for(member.office)
        if service is not None and documents_readable(user, member):
            wanted[member.pk] = (service, member.key)
    if not wanted:
        return lambda: None
    pending = client.lists_start(list(wanted.values()), requester=requester_for(user))

    def attach() -> None:
        results = pending.results()
        for member in members:
            if member.pk not in wanted:
                continue
            service, key = wanted[member.pk]
            result = results[(service.office_code, key)]
            member.federation_notice = result.notice
            member.visible_documents = list(member.visible_documents) + [
                FederatedDocument(remote=d, application=member) for d in result.documents
            ]

    return attach


def remote_documents_attach(members: list[Application], *, user) -> None:
    """remote_documents_start(...)(): the lists, waited for at once."""
    remote_documents_start(members, user=user)()


def remote_document_get_for_user(*, user, application_id: int, document_id: str):
    """(FederatedDocument, notice): a document the office lists for an application the user may
    read. Missing and forbidden look the same (404), and the office is not asked when forbidden."""
    app = (
        Application.objects.visible_to(user)
        .select_related("office", "office__service")
        .filter(pk=application_id)
        .first()
    )
    service = service_for(app.office) if app else None
    if app is None or service is None or not documents_readable(user, app):
        raise Http404("No such document.")
    result = client.documents_list(service, app.key, requester=requester_for(user))
    for doc in result.documents:
        if doc.id == document_id:
            return FederatedDocument(remote=doc, application=app), result.notice
    if result.problem:
        raise client.FetchFailed(result.notice)
    raise Http404("No such document.")


def remote_content_path(*, user, document: FederatedDocument) -> Path:
    """A verified local copy of the PDF; raises client.FetchFailed (nothing partial is kept)."""
    service = service_for(document.application.office)
    return client.content_fetch(service, document.remote, requester=requester_for(user))


def remote_download_for_user(*, user, application_id: int, document_id: str, as_attachment: bool):
    """(FederatedDocument, response): the reader's and the API's download of a web-service
    office's document, under its display-form file name. Raises Http404 or FetchFailed."""
    from ..selectors.guards import document_download_name  # selectors import this module

    doc, _notice = remote_document_get_for_user(
        user=user, application_id=application_id, document_id=document_id
    )
    response = remote_file_response(
        user=user,
        document=doc,
        filename=document_download_name(doc),
        as_attachment=as_attachment,
    )
    return doc, response


def remote_file_response(*, user, document: FederatedDocument, filename: str, as_attachment: bool):
    """The PDF as a response. From the content cache, or fetched: a small file whole and
    verified first (any fault is a plain FetchFailed page); one larger than
    FEDERATION_STREAM_BYTES relayed as it arrives (one pass: the portal keeps up with the
    office), its last chunk held back until it is verified, so a fault past the first bytes
    ends the download short rather than whole. Raises FetchFailed before the first byte."""
    remote = document.remote
    path = fcache.content_get(remote.sha256)
    if path is None and remote.size <= getattr(settings, "FEDERATION_STREAM_BYTES", 4 * 1024**2):
        path = remote_content_path(user=user, document=document)
    if path is not None:
        response = FileResponse(
            path.open("rb"),
            content_type="application/pdf",
            as_attachment=as_attachment,
            filename=filename,
        )
        response.block_size = 256 * 1024  # large federated files: fewer, bigger writes
        return response
    service = service_for(document.application.office)
    chunks = client.content_stream(service, remote, requester=requester_for(user))
    response = StreamingHttpResponse(chunks, content_type="application/pdf")
    response["Content-Length"] = str(remote.size)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


def remote_documents_list_for_user(*, user, application: Application):
    """(FederatedDocuments, notice) for one application the user may see ([] for an office that
    deposits its documents, or whose policy does not admit the user's office)."""
    service = service_for(application.office)
    if service is None or not documents_readable(user, application):
        return [], ""
    result = client.documents_list(service, application.key, requester=requester_for(user))
    docs = [FederatedDocument(remote=d, application=application) for d in result.documents]
    return docs, result.notice


def remote_documents_for_office(*, viewer, members: list[Application], budget=None) -> dict:
    """{member pk: (FederatedDocuments, notice)} of the web-service members whose documents
    `viewer` (selectors.OfficeViewer: any person of an office) may read: a package's lists,
    asked in parallel as one of the office's clerks, within `budget` seconds (default
    FEDERATION_CHECK_BUDGET: a build has no reader waiting)."""
    office = viewer.office
    wanted = {}
    for member in members:
        service = service_for(member.office)
        if service is not None and documents_readable(viewer, member):
            wanted[member.pk] = (member, service)
    if not wanted:
        return {}
    results = client.documents_lists(
        [(service, m.key) for m, service in wanted.values()],
        requester=client.Requester(office_code=office.code, role="clerk"),
        budget=getattr(settings, "FEDERATION_CHECK_BUDGET", 20.0) if budget is None else budget,
        trust_feed=True,  # every 120 s for every due group: only lists that changed are asked
    )
    out = {}
    for pk, (member, service) in wanted.items():
        result = results[(service.office_code, member.key)]
        docs = [FederatedDocument(remote=d, application=member) for d in result.documents]
        out[pk] = (docs, result.notice)
    return out


def remote_documents_by_family(*, viewer, members: list[Application]) -> dict:
    """{family pk: ([FederatedDocument], [notice])}: what web-service offices list for those of
    `members` (other offices' applications, with office and office.service) whose documents
    `viewer` (selectors.OfficeViewer) may read — what a package of that office would carry
    (the worklist page counts them, within a page's budget)."""
    by_member = remote_documents_for_office(
        viewer=viewer, members=members, budget=client.page_budget()
    )
    docs_of: dict[int, list] = {}
    notices_of: dict[int, dict[str, str]] = {}  # one notice per office and family
    for member in members:
        if member.pk in by_member:
            docs, notice = by_member[member.pk]
            docs_of.setdefault(member.family_id, []).extend(docs)
            if notice:
                notices_of.setdefault(member.family_id, {}).setdefault(member.office.code, notice)
    return {f: (docs, list(notices_of.get(f, {}).values())) for f, docs in docs_of.items()}


def package_content_path(*, office, document: FederatedDocument) -> Path:
    """A verified local copy for a package of `office` (FetchFailed says why not)."""
    service = service_for(document.application.office)
    if service is None:
        raise client.FetchFailed(f"{document.application.office.code} no longer serves it")
    requester = client.Requester(office_code=office.code, role="clerk")
    return client.content_fetch(service, document.remote, requester=requester)
