from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiResponse,
)
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from case_portal.storage import StorageUnreachable


def exception_handler(exc, context):
    """Every error is JSON: {"message": ..., "detail": ..., "errors": {field: [messages]}}."""
    if isinstance(exc, RecursionError):  # e.g. 100,000 nested brackets in a JSON body
        exc = exceptions.ParseError("JSON parse error - nested too deeply.")
    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.APIException(
            "The request body is over the upload limit; send fewer items per call."
        )
        exc.status_code = 413
    if isinstance(exc, StorageUnreachable):  # the client may ask again later
        exc = exceptions.APIException(str(exc))
        exc.status_code = 503
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = exc.message_dict
        else:
            errors = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        flat = [
            str(m)
            for msgs in errors.values()
            for m in (msgs if isinstance(msgs, list) else [msgs])
            if isinstance(m, str)
        ]
        message = flat[0] if len(flat) == 1 else "Some fields are not valid; see errors."
    else:
        message = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
        errors = {}
    response.data = {"message": message, "detail": message, "errors": errors}
    return response


class JsonErrorsMixin:
    """For API views whose answer is not JSON (the YAML schema, the HTML docs page): their
    errors are JSON like every API error, and OPTIONS is a 405 (DRF's description of the
    view, rendered by the docs page's template renderer, was a 500)."""

    metadata_class = None

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    detail = serializers.CharField(help_text="Same as message (DRF convention).")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name -> messages; empty unless input was refused.",
    )


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input"),
    401: OpenApiResponse(ErrorSerializer, description="No or unknown API key"),
    403: OpenApiResponse(ErrorSerializer, description="The key lacks the scope"),
    404: OpenApiResponse(ErrorSerializer, description="Missing, or not visible to this key"),
    429: OpenApiResponse(ErrorSerializer, description="Too many calls for this key"),
    503: OpenApiResponse(ErrorSerializer, description="The file storage does not answer; retry"),
}


def _errors(*codes):
    return {c: ERRORS[c] for c in codes}
