from django.urls import include, path  # noqa: F401

from . import views

app_name = "dossiers"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("families/<int:family_id>/", views.family_detail, name="family-detail"),
    path("documents/<int:document_id>/", views.document_detail, name="document-detail"),
    path("documents/<int:document_id>/content", views.document_content, name="document-content"),
    path("provide/", include("dossiers.provide_urls")),
    path("worklists/", include("dossiers.worklist_urls")),
]
