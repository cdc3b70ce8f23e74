"""Every browser route of dossiers: examiner pages, /provide/ and /worklists/ (names dossiers:*).

Routes under one object share its prefix, written once (`include` of a list adds no namespace).
"""

from django.urls import include, path

from .views import documents, families, merged_pdfs, provide, search, worklists

family_routes = [
    path("", families.family_detail, name="family-detail"),
    path("documents.zip", families.family_documents_zip, name="family-documents-zip"),
    path("documents.pdf", families.family_documents_pdf, name="family-documents-pdf"),
]
merged_pdf_routes = [
    path("", merged_pdfs.merged_pdf_detail, name="merged-pdf"),
    path("status", merged_pdfs.merged_pdf_status, name="merged-pdf-status"),
    path("retry", merged_pdfs.merged_pdf_retry, name="merged-pdf-retry"),
    path("download", merged_pdfs.merged_pdf_download, name="merged-pdf-download"),
]
remote_document_routes = [
    path("", documents.remote_document_detail, name="remote-document-detail"),
    path("content", documents.remote_document_content, name="remote-document-content"),
]
# Providing offices
provide_application_routes = [
    path("", provide.application_detail, name="provide-application"),
    path("edit/", provide.application_edit, name="provide-application-edit"),
    path("documents/new/", provide.document_upload, name="provide-document-upload"),
]
provide_document_routes = [
    path("edit/", provide.document_edit, name="provide-document-edit"),
    path("withdraw/", provide.document_withdraw, name="provide-document-withdraw"),
    path("citations/", provide.document_citations, name="provide-document-citations"),
]
# Clerks' worklists and packages
worklist_entry_routes = [
    path("remove/", worklists.worklist_entry_remove, name="worklist-entry-remove"),
    path("date/", worklists.worklist_entry_redate, name="worklist-entry-redate"),
    path("request/", worklists.worklist_entry_request, name="worklist-entry-request"),
]
worklist_routes = [
    path("", worklists.worklist_detail, name="worklist-detail"),
    path("lines/", worklists.worklist_lines_add, name="worklist-lines-add"),
    path("entries/<int:entry_id>/", include(worklist_entry_routes)),
    path("packages/", worklists.package_create, name="package-create"),
]
package_routes = [
    path("status/", worklists.package_status, name="package-status"),
    path("download/", worklists.package_download, name="package-download"),
    path("retry/", worklists.package_retry, name="package-retry"),
]

app_name = "dossiers"
urlpatterns = [
    path("search/", search.search, name="search"),
    # Permalink: /numbers/<any spelling>/ (slashes allowed: /numbers/PCT/US2013/064552/).
    path("numbers/<path:spelling>", search.number_permalink, name="number-permalink"),
    path("families/<int:family_id>/", include(family_routes)),
    path("one-pdf/<int:merged_pdf_id>/", include(merged_pdf_routes)),
    path("documents/<int:document_id>/", documents.document_detail, name="document-detail"),
    path(
        "documents/<int:document_id>/content", documents.document_content, name="document-content"
    ),
    path(
        "documents/remote/<int:application_id>/<str:document_id>/",
        include(remote_document_routes),
    ),
    path("provide/", provide.upload_home, name="upload-home"),
    path(
        "provide/applications/new/",
        provide.application_create,
        name="provide-application-create",
    ),
    path("provide/applications/<int:application_id>/", include(provide_application_routes)),
    path("provide/documents/<int:document_id>/", include(provide_document_routes)),
    path("worklists/", worklists.worklist_list, name="worklist-list"),
    path("worklists/<int:worklist_id>/", include(worklist_routes)),
    path("worklists/packages/<int:package_id>/", include(package_routes)),
]
