"""/api/: version 1 of the machine interface, its OpenAPI schema and vendored docs.

Swagger UI in its split form (its start-up script is a separate request: CSP allows no inline
script). ReDoc is not offered: drf-spectacular's page loads web fonts from a CDN."""

from csp.decorators import csp_replace
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from offices import api as offices_api

from .errors import JsonErrorsMixin


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    pass


class DocsView(JsonErrorsMixin, SpectacularSwaggerSplitView):
    pass


v1 = [
    path("me", offices_api.MeView.as_view(), name="me"),
    path("", include("dossiers.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SchemaView.as_view(permission_classes=[]), name="api-schema"),
    path(
        "docs/",
        # Swagger UI sets a few inline styles as it renders; scripts stay 'self' only.
        csp_replace({"style-src": ["'self'", "'unsafe-inline'"]})(
            DocsView.as_view(url_name="api-schema", permission_classes=[])
        ),
        name="api-docs",
    ),
]
