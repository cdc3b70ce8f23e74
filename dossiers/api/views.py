"""REST API v1 of dossiers: search, families, applications, documents, citations.

Access rules are the browser's: every read goes through Application/Document.objects.visible_to
with the key's ApiClient principal, every write through the providing office's own data only.
`access`-scoped keys read, `provide`-scoped keys write. Forbidden and missing give the same 404.
Field names follow the CASE/ST.96 vocabulary loosely; docs/api.md has the mapping.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import prefetch_related_objects
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from case_portal.api.auth import HasAccessScope, HasProvideScope
from case_portal.api.errors import _errors
from case_portal.api.parsers import JSONParser
from case_portal.storage import file_response
from offices.models import ApiKey
from stats.models import Action
from stats.services import usage_record

from .. import selectors
from ..federation.client import FetchFailed
from ..federation.reads import remote_documents_list_for_user, remote_download_for_user
from ..models import Application, Citation, Document, LookupKey
from ..services import applications, documents
from .serializers import (
    ApplicationInSerializer,
    ApplicationSavedSerializer,
    ApplicationSerializer,
    BulkInSerializer,
    BulkResultSerializer,
    CitationInSerializer,
    CitationSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    FamilySerializer,
    SearchResultSerializer,
)

# --- errors and throttling --------------------------------------------------------------------


# --- serializers ------------------------------------------------------------------------------


# --- helpers ----------------------------------------------------------------------------------


def _record(request, action: str, **kwargs) -> None:
    usage_record(action=action, user=request.user, via_api=True, **kwargs)
    request.usage_recorded = True


def _application(request, office: str, number: str, *, write: bool = False) -> Application:
    """One fetch-and-authorise for /applications/<office>/<number>: the same 404 for missing,
    unpublished-elsewhere and (for writes) another office's application. The path names the
    application by its own number, so priority and publication numbers do not lead there."""
    code = office.upper()
    scope = (
        Application.objects.provided_by(request.user)
        if write
        else Application.objects.visible_to(request.user)
    )
    line = selectors.application_find(
        within=scope.in_office(code),
        text=number,
        office=code,
        kind="application",
        sources={LookupKey.Source.APPLICATION},
    )
    if line.error:
        raise exceptions.ValidationError({"number": [line.error]})
    app = line.application
    if app is None:
        raise exceptions.NotFound(f"No application {line.number.display} visible to this key.")
    prefetch_related_objects([app], "priority_claims", "publications")
    return app


def _live_documents(request, app: Application):
    """The documents of `app` this key may read, withdrawn ones left out."""
    return Document.objects.visible_to(request.user).live().filter(application=app)


def _visible_document(request, document_id: int) -> Document:
    try:
        return selectors.document_get_for_user(user=request.user, document_id=document_id)
    except Http404 as exc:
        raise exceptions.NotFound("No such document visible to this key.") from exc


def _provider_document(request, document_id: int) -> Document:
    try:
        return selectors.document_get_for_provider(user=request.user, document_id=document_id)
    except Http404 as exc:
        raise exceptions.NotFound("No such document visible to this key.") from exc


def _withdraw_reason(request) -> str:
    """`reason` from the query (?reason=), else from a JSON body ({"reason": ...})."""
    reason = request.query_params.get("reason")
    if reason is None and isinstance(request.data, dict):
        reason = request.data.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise exceptions.ValidationError({"reason": ["Give the reason as text."]})
    return reason or ""


OFFICE = OpenApiParameter("office", str, OpenApiParameter.PATH, description="ST.3 code, e.g. CA")
NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    description="Application number in any spelling, URL-encoded (e.g. 13%2F926%2C335)",
)


def _about_application(summary: str, *, answer, status: int = 200, **more):
    """The OpenAPI description of a call on /applications/<office>/<number>: the two path
    parameters, `answer` under `status`, and the errors every such call may give."""
    return extend_schema(
        summary=summary,
        parameters=[OFFICE, NUMBER],
        responses={status: answer, **_errors(400, 401, 403, 404, 429)},
        **more,
    )


# --- views ------------------------------------------------------------------------------------


PAGED = api_settings.DEFAULT_PAGINATION_CLASS


class CaseApiView(GenericAPIView):
    """Reads need the `access` scope, writes the `provide` scope; every call is counted."""

    write_methods = ("POST", "PUT", "PATCH", "DELETE")
    # OPTIONS would describe forms from serializers; the OpenAPI schema is the description.
    metadata_class = None
    # One object per answer; the lists that page say so (PAGED).
    pagination_class = None

    def get_permissions(self):
        method = self.request.method if self.request is not None else "GET"
        if method not in self.allowed_methods:
            # No scope makes a method this address lacks work: the 405 says so, where a
            # scope check would send the client for a key that would get the same 405.
            return [IsAuthenticated()]
        if method in self.write_methods:
            return [HasProvideScope()]
        return [HasAccessScope()]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(getattr(request, "auth", None), ApiKey) and not getattr(
            request, "usage_recorded", False
        ):
            usage_record(action=Action.API_CALL, user=request.user, via_api=True)
        return response


class SearchView(CaseApiView):
    @extend_schema(
        summary="Resolve a number (any spelling) to applications and their families",
        parameters=[
            OpenApiParameter(
                "number", str, required=True, description="e.g. US 13/926,335 or EP13844704"
            )
        ],
        responses={200: SearchResultSerializer, **_errors(400, 401, 403, 404, 429)},
    )
    def get(self, request):
        text = request.query_params.get("number", "").strip()
        if not text:
            raise exceptions.ValidationError({"number": ["Give a number to search for."]})
        if len(text) > 100:
            raise exceptions.ValidationError({"number": ["At most 100 characters."]})
        (line,) = selectors.search_resolve(user=request.user, texts=[text.replace(";", " ")])
        _record(request, Action.SEARCH)
        if line.error:
            raise exceptions.ValidationError({"number": [line.error]})
        if not line.found:
            raise exceptions.NotFound(
                f"{line.number.display} is not among the applications visible to this key."
            )
        data = {
            "query": text,
            # The readings (Number) go to SearchResultSerializer as they are: its
            # UnderstoodSerializer is the one list of their fields.
            "understood": line.number,
            "applications": line.matches,
            "did_you_mean": [
                {"understood": r.number, "applications": r.matches} for r in line.others
            ],
        }
        return Response(SearchResultSerializer(data).data)


class FamilyView(CaseApiView):
    @extend_schema(
        summary="A family: its members visible to this key, each with its documents",
        responses={200: FamilySerializer, **_errors(401, 403, 404, 429)},
    )
    def get(self, request, family_id: int):
        try:
            page = selectors.family_get_for_user(user=request.user, family_id=family_id)
        except Http404 as exc:
            raise exceptions.NotFound("No such family visible to this key.") from exc
        _record(request, Action.FAMILY_VIEW, application_id=page.members[0].pk)
        return Response(FamilySerializer(page).data)


class ApplicationCreateView(CaseApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Create or update one application of the key's office (idempotent on its number)",
        request=ApplicationInSerializer,
        responses={
            201: ApplicationSavedSerializer,
            200: ApplicationSavedSerializer,
            **_errors(400, 401, 403, 429),
        },
        examples=[
            OpenApiExample(
                "CA application",
                request_only=True,
                value={
                    "office": "CA",
                    "number": "2,123,456",
                    "filing_date": "2013-10-11",
                    "title": "Widget",
                    "applicants": ["Acme Inc."],
                    "priorities": [{"office": "US", "number": "61/711,111", "date": "2012-10-09"}],
                    "publications": [{"number": "CA 2123456 A1", "date": "2014-04-17"}],
                    "pct": "PCT/US2013/064552",
                },
            )
        ],
    )
    def post(self, request):
        app, created = applications.application_provide(
            office=request.user.office, data=request.data, user=None
        )
        _record(request, Action.API_CALL, application_id=app.pk)
        body = {
            "id": app.pk,
            "key": app.key,
            "display": app.display,
            "family": app.family_id,
            "created": created,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ApplicationBulkView(CaseApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary=f"Create or update up to {applications.APPLICATION_BULK_MAX} applications",
        description="Each item stands or falls alone; the result lists every item in order.",
        request=BulkInSerializer,
        responses={200: BulkResultSerializer, **_errors(400, 401, 403, 429)},
    )
    def post(self, request):
        items = request.data.get("applications") if isinstance(request.data, dict) else None
        if items is None and isinstance(request.data, list):
            items = request.data
        results = applications.application_bulk_upsert(
            office=request.user.office, items=items, user=None
        )
        summary = applications.bulk_summary(results)
        _record(request, Action.API_CALL, count=max(summary["total"], 1), bulk=True)
        return Response({"summary": summary, "results": results})


class ApplicationView(CaseApiView):
    @_about_application(
        "One application by office and number (any spelling)", answer=ApplicationSerializer
    )
    def get(self, request, office: str, number: str):
        app = _application(request, office, number)
        _record(request, Action.API_CALL, application_id=app.pk)
        return Response(ApplicationSerializer(app).data)


class ApplicationDocumentsView(CaseApiView):
    serializer_class = DocumentSerializer
    pagination_class = PAGED
    parser_classes = [MultiPartParser, FormParser]

    @_about_application(
        "The documents of an application visible to this key",
        answer=DocumentSerializer(many=True),
    )
    def get(self, request, office: str, number: str):
        app = _application(request, office, number)
        docs = _live_documents(request, app).select_related("application").order_by("date", "pk")
        page = self.paginate_queryset(docs)
        _record(request, Action.API_CALL, application_id=app.pk)
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    @_about_application(
        "Upload a report (PDF) for an application of the key's office",
        answer=DocumentSerializer,
        status=201,
        request={"multipart/form-data": DocumentUploadSerializer},
    )
    def post(self, request, office: str, number: str):
        app = _application(request, office, number, write=True)
        form = DocumentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        upload = data.pop("file")
        try:
            doc = documents.document_add(
                application=app,
                file=upload,
                original_name=upload.name,
                uploaded_by=None,
                actor=request.user,
                via_api=True,
                **data,
            )
        except IntegrityError as exc:
            # A concurrent upload of the same file won the race on the unique constraint.
            raise exceptions.ValidationError(
                {"file": [f"This file was already uploaded for {app.display}."]}
            ) from exc
        except DjangoValidationError as exc:
            # The service names the field where it can (a date in the future is the date's
            # fault, not the file's); the rest is about the file.
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
            raise exceptions.ValidationError(errors) from exc
        except documents.StorageUnavailable as exc:
            # 503: the client may retry the same request later; nothing was kept.
            unavailable = exceptions.APIException(str(exc))
            unavailable.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
            raise unavailable from exc
        request.usage_recorded = True  # document_add counted the upload
        return Response(DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


class ApplicationCitationsView(CaseApiView):
    serializer_class = CitationSerializer
    pagination_class = PAGED

    @_about_application(
        "Citations in the visible documents of an application",
        answer=CitationSerializer(many=True),
    )
    def get(self, request, office: str, number: str):
        app = _application(request, office, number)
        docs = _live_documents(request, app)
        citations = Citation.objects.filter(document__in=docs).order_by("document_id", "pk")
        page = self.paginate_queryset(citations)
        _record(request, Action.API_CALL, application_id=app.pk)
        return self.get_paginated_response(CitationSerializer(page, many=True).data)


class DocumentView(CaseApiView):
    @extend_schema(
        summary="One document's details",
        responses={200: DocumentSerializer, **_errors(401, 403, 404, 429)},
    )
    def get(self, request, document_id: int):
        doc = _visible_document(request, document_id)
        _record(request, Action.API_CALL, application_id=doc.application_id, document_id=doc.pk)
        return Response(DocumentSerializer(doc).data)

    @extend_schema(
        summary="Withdraw a document of the key's office (history is kept)",
        # OpenAPI 3.0 gives a DELETE no request body (drf-spectacular drops it), so the
        # documented place is the query; a JSON body {"reason": ...} is read too.
        parameters=[
            OpenApiParameter(
                "reason",
                str,
                required=True,
                description="Why; kept in the document's history (or `reason` in a JSON body). "
                "Not needed to repeat a withdrawal, which changes nothing.",
            )
        ],
        responses={204: None, **_errors(400, 401, 403, 404, 429)},
    )
    def delete(self, request, document_id: int):
        doc = _provider_document(request, document_id)
        if doc.withdrawn_at is None:  # DELETE is idempotent: a second one changes nothing
            # The service refuses a missing reason, as it does for the page.
            documents.document_withdraw(document=doc, user=None, reason=_withdraw_reason(request))
        _record(request, Action.API_CALL, application_id=doc.application_id, document_id=doc.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PdfContentView(CaseApiView):
    """A view whose body is a PDF file (its errors stay JSON)."""

    def perform_content_negotiation(self, request, force=False):
        # The body is a PDF, not rendered JSON: `Accept: application/pdf` must not get a 406.
        return super().perform_content_negotiation(request, force=True)


_PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF"),
    **_errors(401, 403, 404, 429, 503),
}


class DocumentContentView(PdfContentView):
    @extend_schema(summary="The PDF of a document", responses=_PDF_RESPONSES)
    def get(self, request, document_id: int):
        doc = _visible_document(request, document_id)
        try:
            response = file_response(
                request,
                doc.file,
                filename=selectors.document_download_name(doc),
                content_type="application/pdf",
            )
        except Http404 as exc:
            raise exceptions.NotFound("The file of this document is missing.") from exc
        # Counted once the file could be sent; storage down is a 503 (case_portal.api.errors).
        _record(
            request,
            Action.DOCUMENT_DOWNLOAD,
            provider_office=doc.application.office,
            application_id=doc.application_id,
            document_id=doc.pk,
        )
        return response


class DocumentCitationsView(CaseApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Add a citation to a document of the key's office",
        request=CitationInSerializer,
        responses={201: CitationSerializer, **_errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, document_id: int):
        doc = _provider_document(request, document_id)
        form = CitationInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        citation = documents.citation_add(document=doc, user=None, **form.validated_data)
        _record(request, Action.API_CALL, application_id=doc.application_id, document_id=doc.pk)
        return Response(CitationSerializer(citation).data, status=status.HTTP_201_CREATED)


# --- documents of offices that serve them from their own service (dossiers/federation) ---


class OfficeServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_code = "office_service_unavailable"
    default_detail = "The office's document service is not answering."


def _remote_json(request, doc) -> dict:
    return {
        **doc.remote.as_json(),
        "served_by_office": True,
        "content_url": request.build_absolute_uri(
            f"/api/v1/remote-documents/{doc.application.pk}/{doc.remote.id}/content"
        ),
    }


class ApplicationRemoteDocumentsView(CaseApiView):
    @_about_application(
        "Documents the application's office serves from its own web service",
        answer=OpenApiResponse(OpenApiTypes.OBJECT, description="documents and a notice"),
    )
    def get(self, request, office: str, number: str):
        app = _application(request, office, number)
        docs, notice = remote_documents_list_for_user(user=request.user, application=app)
        _record(request, Action.API_CALL, application_id=app.pk)
        return Response(
            {"documents": [_remote_json(request, d) for d in docs], "notice": notice or None}
        )


class RemoteDocumentContentView(PdfContentView):
    @extend_schema(
        summary="The PDF of a document served by its office's web service",
        responses=_PDF_RESPONSES,
    )
    def get(self, request, application_id: int, document_id: str):
        try:
            doc, response = remote_download_for_user(
                user=request.user,
                application_id=application_id,
                document_id=document_id,
                as_attachment=True,
            )
        except Http404 as exc:
            raise exceptions.NotFound("No such document visible to this key.") from exc
        except FetchFailed as exc:
            raise OfficeServiceUnavailable(str(exc)) from exc
        _record(
            request,
            Action.DOCUMENT_DOWNLOAD,
            provider_office=doc.application.office,
            application_id=doc.application.pk,
        )
        return response
