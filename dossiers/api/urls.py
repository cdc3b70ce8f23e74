"""/api/v1/ routes of dossiers (search, families, applications, documents).

Numbers may contain slashes once URL-decoded (13/926,335), hence <path:number>; the longer
routes come first so `.../documents` is never read as part of a number.
"""

from django.urls import path

from . import views as api

# The object a route is about, and then what of it.
APPLICATION = "applications/<str:office>/<path:number>"
DOCUMENT = "documents/<int:document_id>"

urlpatterns = [
    path("search", api.SearchView.as_view(), name="search"),
    path("families/<int:family_id>", api.FamilyView.as_view(), name="family"),
    path("applications", api.ApplicationCreateView.as_view(), name="application-create"),
    path("applications/bulk", api.ApplicationBulkView.as_view(), name="application-bulk"),
    path(
        f"{APPLICATION}/documents",
        api.ApplicationDocumentsView.as_view(),
        name="application-documents",
    ),
    path(
        f"{APPLICATION}/remote-documents",
        api.ApplicationRemoteDocumentsView.as_view(),
        name="application-remote-documents",
    ),
    path(
        f"{APPLICATION}/citations",
        api.ApplicationCitationsView.as_view(),
        name="application-citations",
    ),
    path(APPLICATION, api.ApplicationView.as_view(), name="application"),
    path(DOCUMENT, api.DocumentView.as_view(), name="document"),
    path(f"{DOCUMENT}/content", api.DocumentContentView.as_view(), name="document-content"),
    path(f"{DOCUMENT}/citations", api.DocumentCitationsView.as_view(), name="document-citations"),
    path(
        "remote-documents/<int:application_id>/<str:document_id>/content",
        api.RemoteDocumentContentView.as_view(),
        name="remote-document-content",
    ),
]
