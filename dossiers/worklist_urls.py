"""Worklists and packages; included by dossiers/urls.py under "worklists/" (no app_name: the
names live in the dossiers namespace, e.g. dossiers:worklist-list)."""

from django.urls import path

from . import worklist_views as views

urlpatterns = [
    path("", views.worklist_list, name="worklist-list"),
    path("<int:worklist_id>/", views.worklist_detail, name="worklist-detail"),
    path("<int:worklist_id>/lines/", views.worklist_lines_add, name="worklist-lines-add"),
    path(
        "<int:worklist_id>/entries/<int:entry_id>/remove/",
        views.worklist_entry_remove,
        name="worklist-entry-remove",
    ),
    path("<int:worklist_id>/packages/", views.package_create, name="package-create"),
    path("packages/<int:package_id>/status/", views.package_status, name="package-status"),
    path("packages/<int:package_id>/download/", views.package_download, name="package-download"),
    path("packages/<int:package_id>/retry/", views.package_retry, name="package-retry"),
]
