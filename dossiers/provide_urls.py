"""/provide/: pages of the providing offices. Included inside dossiers.urls (no app_name here),
so the names are dossiers:<name>."""

from django.urls import path

from . import provide_views as views

urlpatterns = [
    path("", views.upload_home, name="upload-home"),
    path("applications/new/", views.application_create, name="provide-application-create"),
    path(
        "applications/<int:application_id>/",
        views.application_detail,
        name="provide-application",
    ),
    path(
        "applications/<int:application_id>/edit/",
        views.application_edit,
        name="provide-application-edit",
    ),
    path(
        "applications/<int:application_id>/documents/new/",
        views.document_upload,
        name="provide-document-upload",
    ),
    path("documents/<int:document_id>/edit/", views.document_edit, name="provide-document-edit"),
    path(
        "documents/<int:document_id>/withdraw/",
        views.document_withdraw,
        name="provide-document-withdraw",
    ),
    path(
        "documents/<int:document_id>/citations/",
        views.document_citations,
        name="provide-document-citations",
    ),
]
