"""The providing office's application list, filtered and sorted as the clerk chose."""

import datetime as dt

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy

from offices.models import Office

from ..models import Application
from .worklists import OPEN_REQUEST_STATES

_FILED = F("filing_date")
# Each sort of the list, in the order the form offers them: its name there and its ordering.
# One table, so the form cannot offer a sort the list does not know.
PROVIDER_SORTS = {
    "updated": (gettext_lazy("Recently changed"), ("-updated_at", "-pk")),
    "number": (gettext_lazy("Number"), ("key",)),
    "-number": (gettext_lazy("Number, descending"), ("-key",)),
    "filed": (gettext_lazy("Filing date, oldest first"), (_FILED.asc(nulls_last=True), "key")),
    "-filed": (gettext_lazy("Filing date, newest first"), (_FILED.desc(nulls_last=True), "key")),
    "status": (gettext_lazy("Status"), ("status", "key")),
    "reports": (gettext_lazy("Fewest reports"), ("n_docs", "key")),
    "-reports": (gettext_lazy("Most reports"), ("-n_docs", "key")),
}


def provider_applications(
    *,
    office: Office,
    status: str = "",
    open_requests: bool = False,
    no_reports: bool = False,
    filed_from: dt.date | None = None,
    filed_to: dt.date | None = None,
    sort: str = "updated",
):
    """The providing office's applications with their live report and open request counts,
    filtered and sorted as the clerk chose."""
    apps = Application.objects.filter(office=office).annotate(
        n_docs=Count("documents", filter=Q(documents__withdrawn_at=None), distinct=True),
        n_requests=Count(
            "document_requests",
            filter=Q(document_requests__state__in=OPEN_REQUEST_STATES),
            distinct=True,
        ),
    )
    if status:
        apps = apps.filter(status=status)
    if open_requests:
        apps = apps.filter(n_requests__gt=0)
    if no_reports:
        apps = apps.filter(n_docs=0)
    if filed_from:
        apps = apps.filter(filing_date__gte=filed_from)
    if filed_to:
        apps = apps.filter(filing_date__lte=filed_to)
    _, ordering = PROVIDER_SORTS.get(sort, PROVIDER_SORTS["updated"])
    return apps.order_by(*ordering)
