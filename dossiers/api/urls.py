"""/api/v1/ routes of dossiers (search, families, applications, documents).

Numbers may contain slashes once URL-decoded (13/926,335), hence <path:number>; the longer
routes come first so `.../documents` is never read as part of a number.
"""

from django.urls import path

from . import views as api

urlpatterns = [
    path("search", api.SearchView.as_view(), name="search"),
    path("families/<int:family_id>", api.FamilyView.as_view(), name="family"),
    path("applications", api.ApplicationCreateView.as_view(), name="application-create"),
    path("applications/bulk", api.ApplicationBulkView.as_view(), name="application-bulk"),
    path(
        "applications/<str:office>/<path:number>/documents",
        api.ApplicationDocumentsView.as_view(),
        name="application-documents",
    ),
    path(
        "applications/<str:office>/<path:number>/remote-documents",
        api.ApplicationRemoteDocumentsView.as_view(),
        name="application-remote-documents",
    ),
    path(
        "applications/<str:office>/<path:number>/citations",
        api.ApplicationCitationsView.as_view(),
        name="application-citations",
    ),
    path(
        "applications/<str:office>/<path:number>",
        api.ApplicationView.as_view(),
        name="application",
    ),
    path("documents/<int:document_id>", api.DocumentView.as_view(), name="document"),
    path(
        "documents/<int:document_id>/content",
        api.DocumentContentView.as_view(),
        name="document-content",
    ),
    path(
        "documents/<int:document_id>/citations",
        api.DocumentCitationsView.as_view(),
        name="document-citations",
    ),
    path(
        "remote-documents/<int:application_id>/<str:document_id>/content",
        api.RemoteDocumentContentView.as_view(),
        name="remote-document-content",
    ),
]
