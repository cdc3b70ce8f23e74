"""The worklist page: per entry what is shared, what went out, open requests and when its
package is built."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offices.models import Office

from ..federation.reads import remote_documents_by_family
from ..models import (
    Application,
    Package,
    PackageItem,
    Worklist,
    WorklistEntry,
    category_label,
)
from .guards import OfficeViewer, foreign_documents


@dataclass
class EntryRow:
    entry: WorklistEntry
    due: dt.date | None
    # (office code, [(category label, count)], newest report date) per sharing office.
    by_office: list[tuple[str, list[tuple[str, int]], dt.date]]
    available: int
    new: int
    # (application display, office code, asked on) of the office's unanswered requests.
    requests: list[tuple[str, str, dt.date]]
    schedule: str = ""
    # Other offices' visible members of a family with nothing shared: whom to ask for reports.
    request_targets: list[tuple[int, str, str]] = field(default_factory=list)
    # Web-service offices that did not answer: their documents are counted as last listed.
    notices: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Ready for the examiner: something is available and all of it went out in a package."""
        return self.available > 0 and self.new == 0

    @property
    def open_requests(self) -> int:
        return len(self.requests)


# notifications.DocumentRequest.ACTIVE, by value: dossiers does not import notifications.
OPEN_REQUEST_STATES = ("open", "acknowledged", "examination_commenced")


def open_requests_by_family(
    office: Office, family_ids
) -> dict[int, list[tuple[str, str, dt.date]]]:
    """The office's unanswered document requests per family, oldest first.

    The requests live in the notifications app, which dossiers must not import; the reverse
    relation `document_requests` is read by name."""
    out: dict[int, list[tuple[str, str, dt.date]]] = defaultdict(list)
    for family_id, display, code, asked in (
        Application.objects.filter(
            family_id__in=list(family_ids),
            document_requests__requesting_office=office,
            document_requests__state__in=OPEN_REQUEST_STATES,
        )
        .order_by("document_requests__created_at")
        .values_list("family_id", "display", "office__code", "document_requests__created_at")
    ):
        out[family_id].append((display, code, timezone.localdate(asked)))
    return out


def _schedule_text(entry, due, packages_by_date, today) -> str:
    """When the entry's package is (or was) built, in the clerk's words."""
    when = entry.examination_date
    if when is None:
        return _("No examination date: packaged only when you build one.")
    if when < today:
        return _("Examination date passed.")
    made = [p for p in packages_by_date.get(when, []) if entry.application_id in p.application_ids]
    if made:
        last = made[-1]
        if last.state in (Package.State.QUEUED, Package.State.BUILDING):
            return _("Package %(pk)s is being built.") % {"pk": last.pk}
        if last.state == Package.State.FAILED:
            return _("Package %(pk)s failed: try it again below.") % {"pk": last.pk}
        built = timezone.localdate(last.finished_at or last.created_at)
        return _("In package %(pk)s, built %(date)s; new reports come as a top-up.") % {
            "pk": last.pk,
            "date": f"{built:%Y-%m-%d}",
        }
    lead = (when - due).days
    words = {"days": lead, "date": f"{due:%Y-%m-%d}"}
    if due <= today and packages_by_date.get(when):
        return (
            ngettext(
                "Due now (a top-up): built within minutes, %(days)s day before examination.",
                "Due now (a top-up): built within minutes, %(days)s days before examination.",
                lead,
            )
            % words
        )
    if due <= today:
        return (
            ngettext(
                "Due now: built within minutes, %(days)s day before examination.",
                "Due now: built within minutes, %(days)s days before examination.",
                lead,
            )
            % words
        )
    return (
        ngettext(
            "Package on %(date)s, %(days)s day before examination.",
            "Package on %(date)s, %(days)s days before examination.",
            lead,
        )
        % words
    )


def worklist_rows(*, worklist: Worklist, today: dt.date | None = None) -> list[EntryRow]:
    """Everything the worklist page shows per entry, in a fixed number of queries."""
    today = today or timezone.localdate()
    office = worklist.office
    entries = list(
        worklist.entries.select_related("application").order_by("examination_date", "pk")
    )
    family_ids = {e.application.family_id for e in entries}
    docs = list(
        foreign_documents(office=office, family_ids=family_ids).values_list(
            "pk", "application__family_id", "application__office__code", "category", "date"
        )
    )
    # What packages carried, known as packages know it (services.packages.item_key): a row id,
    # or a web-service office's (office code, its id there).
    delivered = defaultdict(set)
    for app_id, doc_id, code, remote_id in PackageItem.objects.filter(
        package__office=office,
        application_id__in=[e.application_id for e in entries],
        package__state__in=[Package.State.READY, Package.State.EXPIRED],
    ).values_list("application_id", "document_id", "remote_application__office__code", "remote_id"):
        delivered[app_id].add(doc_id if doc_id is not None else (code, remote_id))
    requests = open_requests_by_family(office, family_ids)
    packages_by_date: dict[dt.date, list[Package]] = defaultdict(list)
    for p in worklist.packages.filter(
        trigger__in=[Package.Trigger.JUST_IN_TIME, Package.Trigger.TOP_UP]
    ).order_by("created_at", "pk"):
        packages_by_date[p.for_examination_date].append(p)
    foreign = list(
        Application.objects.visible_to(OfficeViewer(office))
        .filter(family_id__in=list(family_ids))
        .exclude(office=office)
        .select_related("office", "office__service")
        .order_by("filing_date", "key")
    )
    foreign_members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for m in foreign:
        foreign_members[m.family_id].append((m.pk, m.office.code, m.key))
    by_family: dict[int, list[tuple]] = defaultdict(list)
    for pk, fam, code, cat, when in docs:
        by_family[fam].append((pk, code, cat, when))
    # Web-service offices' documents count as a package would carry them (page budget: a
    # service that does not answer gives its last list, with a notice).
    remote = remote_documents_by_family(viewer=OfficeViewer(office), members=foreign)
    for fam, (remote_docs, _notices) in remote.items():
        for d in remote_docs:
            code = d.application.office.code
            by_family[fam].append(((code, d.remote.id), code, d.remote.category, d.remote.date))
    lead = dt.timedelta(days=office.package_lead_days)
    rows = []
    for e in entries:
        fam_docs = by_family.get(e.application.family_id, [])
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        newest: dict[str, dt.date] = {}
        for _pk, code, cat, when in fam_docs:
            counts[code][cat] += 1
            newest[code] = max(newest.get(code, when), when)
        by_office = [
            (code, [(category_label(c), n) for c, n in sorted(cats.items())], newest[code])
            for code, cats in sorted(counts.items())
        ]
        due = e.examination_date - lead if e.examination_date else None
        rows.append(
            EntryRow(
                entry=e,
                due=due,
                by_office=by_office,
                available=len(fam_docs),
                new=sum(1 for d in fam_docs if d[0] not in delivered[e.application_id]),
                requests=requests.get(e.application.family_id, []),
                schedule=_schedule_text(e, due, packages_by_date, today),
                request_targets=[] if fam_docs else foreign_members[e.application.family_id],
                notices=remote.get(e.application.family_id, ([], []))[1],
            )
        )
    return rows


def package_list_for_worklist(*, worklist: Worklist):
    # With the flags of documents withdrawn or corrected since delivery (PackageChange).
    return worklist.packages.prefetch_related(
        "changes__application", "changes__document__application"
    ).order_by("-created_at", "-pk")
