"""API: who am I (a key checks itself), plus the OpenAPI description of our key scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "case_portal.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An office API key, created by the office admin in the portal.",
        }


class MeView(APIView):
    @extend_schema(
        summary="The office and scopes of the calling API key",
        # 401 only: any live key may ask who it is, whatever its scopes.
        responses={
            200: inline_serializer(
                "Me",
                {
                    "office": serializers.CharField(help_text="ST.3 code of the key's office"),
                    "office_name": serializers.CharField(),
                    "scopes": serializers.ListField(child=serializers.CharField()),
                },
            ),
            401: inline_serializer(
                "MeUnauthorized",
                {
                    "message": serializers.CharField(),
                    "detail": serializers.CharField(),
                    "errors": serializers.DictField(),
                },
            ),
        },
    )
    def get(self, request):
        key = request.auth
        return Response(
            {"office": key.office.code, "office_name": key.office.name, "scopes": key.scopes}
        )
