"""Reads and fetch-and-authorise guards of dossiers, one module a job:

- search: the one number -> application lookup (applications_find) and the search page;
- families: the family page and a family's name for people;
- guards: one row `user` may read or write, else 404 (documents, applications, worklists,
  packages, one PDFs, the provider scope), and OfficeViewer;
- worklists: the worklist page's rows;
- provide: the providing office's application list.

Every read is scoped by Application/Document.objects.visible_to(user): forbidden and missing look
the same (404), and unpublished applications of other offices never appear. Callers import from
here (`from dossiers import selectors`); the names below are the package's interface.
"""

from .families import FamilyPage, family_display_names, family_get_for_user
from .guards import (
    OfficeViewer,
    application_get_for_provider,
    application_get_for_user,
    document_download_name,
    document_get_for_provider,
    document_get_for_user,
    document_withdrawn_get_for_user,
    family_document_ids,
    foreign_documents,
    merged_pdf_get_for_user,
    office_get_for_clerk,
    package_get_for_user,
    worklist_get_for_user,
    worklist_list_for_user,
)
from .provide import PROVIDER_SORTS, provider_applications
from .search import (
    MAX_SEARCH_LINES,
    Reading,
    SearchLine,
    application_find,
    application_find_for_user,
    applications_find,
    bare_number_offices,
    line_readings,
    number_read,
    search_lines_split,
    search_resolve,
)
from .worklists import (
    OPEN_REQUEST_STATES,
    EntryRow,
    open_requests_by_family,
    package_list_for_worklist,
    worklist_rows,
)

__all__ = [
    "MAX_SEARCH_LINES",
    "OPEN_REQUEST_STATES",
    "PROVIDER_SORTS",
    "EntryRow",
    "FamilyPage",
    "OfficeViewer",
    "Reading",
    "SearchLine",
    "application_find",
    "application_find_for_user",
    "application_get_for_provider",
    "application_get_for_user",
    "applications_find",
    "bare_number_offices",
    "document_download_name",
    "document_get_for_provider",
    "document_get_for_user",
    "document_withdrawn_get_for_user",
    "family_display_names",
    "family_document_ids",
    "family_get_for_user",
    "foreign_documents",
    "line_readings",
    "merged_pdf_get_for_user",
    "number_read",
    "office_get_for_clerk",
    "open_requests_by_family",
    "package_get_for_user",
    "package_list_for_worklist",
    "provider_applications",
    "search_lines_split",
    "search_resolve",
    "worklist_get_for_user",
    "worklist_list_for_user",
    "worklist_rows",
]
