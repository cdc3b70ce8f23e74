"""Every browser route of dossiers: examiner pages, /provide/ and /worklists/ (names dossiers:*)."""

from django.urls import path

from .views import documents, families, merged_pdfs, provide, search, worklists

app_name = "dossiers"
urlpatterns = [
    path("search/", search.search, name="search"),
    # Permalink: /numbers/<any spelling>/ (slashes allowed: /numbers/PCT/US2013/064552/).
    path("numbers/<path:spelling>", search.number_permalink, name="number-permalink"),
    path("families/<int:family_id>/", families.family_detail, name="family-detail"),
    path(
        "families/<int:family_id>/documents.zip",
        families.family_documents_zip,
        name="family-documents-zip",
    ),
    path(
        "families/<int:family_id>/documents.pdf",
        families.family_documents_pdf,
        name="family-documents-pdf",
    ),
    path("one-pdf/<int:merged_pdf_id>/", merged_pdfs.merged_pdf_detail, name="merged-pdf"),
    path(
        "one-pdf/<int:merged_pdf_id>/status",
        merged_pdfs.merged_pdf_status,
        name="merged-pdf-status",
    ),
    path(
        "one-pdf/<int:merged_pdf_id>/retry",
        merged_pdfs.merged_pdf_retry,
        name="merged-pdf-retry",
    ),
    path(
        "one-pdf/<int:merged_pdf_id>/download",
        merged_pdfs.merged_pdf_download,
        name="merged-pdf-download",
    ),
    path("documents/<int:document_id>/", documents.document_detail, name="document-detail"),
    path(
        "documents/<int:document_id>/content", documents.document_content, name="document-content"
    ),
    path(
        "documents/remote/<int:application_id>/<str:document_id>/",
        documents.remote_document_detail,
        name="remote-document-detail",
    ),
    path(
        "documents/remote/<int:application_id>/<str:document_id>/content",
        documents.remote_document_content,
        name="remote-document-content",
    ),
    # Providing offices
    path("provide/", provide.upload_home, name="upload-home"),
    path(
        "provide/applications/new/",
        provide.application_create,
        name="provide-application-create",
    ),
    path(
        "provide/applications/<int:application_id>/",
        provide.application_detail,
        name="provide-application",
    ),
    path(
        "provide/applications/<int:application_id>/edit/",
        provide.application_edit,
        name="provide-application-edit",
    ),
    path(
        "provide/applications/<int:application_id>/documents/new/",
        provide.document_upload,
        name="provide-document-upload",
    ),
    path(
        "provide/documents/<int:document_id>/edit/",
        provide.document_edit,
        name="provide-document-edit",
    ),
    path(
        "provide/documents/<int:document_id>/withdraw/",
        provide.document_withdraw,
        name="provide-document-withdraw",
    ),
    path(
        "provide/documents/<int:document_id>/citations/",
        provide.document_citations,
        name="provide-document-citations",
    ),
    # Clerks' worklists and packages
    path("worklists/", worklists.worklist_list, name="worklist-list"),
    path("worklists/<int:worklist_id>/", worklists.worklist_detail, name="worklist-detail"),
    path(
        "worklists/<int:worklist_id>/lines/",
        worklists.worklist_lines_add,
        name="worklist-lines-add",
    ),
    path(
        "worklists/<int:worklist_id>/entries/<int:entry_id>/remove/",
        worklists.worklist_entry_remove,
        name="worklist-entry-remove",
    ),
    path(
        "worklists/<int:worklist_id>/entries/<int:entry_id>/date/",
        worklists.worklist_entry_redate,
        name="worklist-entry-redate",
    ),
    path(
        "worklists/<int:worklist_id>/entries/<int:entry_id>/request/",
        worklists.worklist_entry_request,
        name="worklist-entry-request",
    ),
    path("worklists/<int:worklist_id>/packages/", worklists.package_create, name="package-create"),
    path(
        "worklists/packages/<int:package_id>/status/",
        worklists.package_status,
        name="package-status",
    ),
    path(
        "worklists/packages/<int:package_id>/download/",
        worklists.package_download,
        name="package-download",
    ),
    path(
        "worklists/packages/<int:package_id>/retry/",
        worklists.package_retry,
        name="package-retry",
    ),
]
