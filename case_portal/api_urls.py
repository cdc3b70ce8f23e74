"""/api/: version 1 of the machine interface, its OpenAPI schema and vendored docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from offices import api as offices_api

v1 = [
    path("me", offices_api.MeView.as_view(), name="me"),
    path("", include("dossiers.api_urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[]),
        name="api-docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", permission_classes=[]),
        name="api-redoc",
    ),
]
