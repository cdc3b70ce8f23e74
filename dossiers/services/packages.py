"""Packages: one ZIP of every foreign report for a worklist, with an index PDF and a manifest.

The ZIP is written entry by entry (stored, not deflated: PDFs do not compress and stored entries
cost no CPU) into a temporary file in 1 MiB chunks, then streamed into storage, so memory stays
bounded whatever the size. A build claims its package row with a conditional UPDATE, so a task
delivered twice (acks_late, a redelivered message) builds once; progress is saved on the row.
"""

import datetime as dt
import logging
import tempfile
import zipfile
from collections import defaultdict

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from case_portal import jobs
from offices.models import Office
from stats.models import Action
from stats.services import usage_record

from .. import numbers, signals
from ..models import (
    Application,
    Document,
    Package,
    PackageItem,
    Worklist,
    WorklistEntry,
)
from ..selectors import (
    OfficeViewer,
    document_download_name,
    foreign_documents,
    open_requests_by_family,
)
from .package_archive import (
    ApplicationPlan,
    PlannedDocument,
    _add_document,
    _manifest,
    _zip_time,
    citation_rows,
    index_pdf,
)
from .worklists import entries_due

logger = logging.getLogger(__name__)

# Kept here under their old names: the fault tests fast-forward clocks by them.
STALE_AFTER = jobs.STALE_AFTER
QUEUED_GRACE = jobs.QUEUED_GRACE
DELIVERED_STATES = (Package.State.READY, Package.State.EXPIRED)
BUILD_TASK = "dossiers.package_build"


def expiry_days() -> int:
    return getattr(settings, "PACKAGE_EXPIRY_DAYS", 30)


def _enqueue(package: Package) -> None:
    jobs.enqueue_on_commit(BUILD_TASK, [package.pk], swept_by="packages_requeue")


def _package_start(worklist, **fields) -> Package:
    """A new package of the worklist's office, its build queued once the transaction commits."""
    package = Package.objects.create(worklist=worklist, office=worklist.office, **fields)
    _enqueue(package)
    return package


def packages_requeue(*, now: dt.datetime | None = None) -> int:
    """Send again what a dead broker or worker left behind (see jobs.requeue_stuck)."""
    return jobs.requeue_stuck(Package.objects.all(), BUILD_TASK, now=now)


@transaction.atomic
def package_request(
    *,
    worklist: Worklist,
    user=None,
    application_ids=None,
    only_new: bool = False,
) -> Package:
    """Queue a package of the worklist, or of a selection of its applications.

    Only applications on this worklist count, and a worklist only holds its own office's
    applications, so a clerk can never package another office's applications."""
    on_list = list(
        worklist.entries.filter(application__office=worklist.office).values_list(
            "application_id", flat=True
        )
    )
    wanted = [a for a in on_list if application_ids is None or a in set(application_ids)]
    return _package_start(worklist, created_by=user, application_ids=wanted, only_new=only_new)


@transaction.atomic
def package_retry(*, package: Package) -> Package:
    """A failed build can be queued again; anything else is left as it is."""
    if jobs.retry(Package, package.pk):
        _enqueue(package)
    package.refresh_from_db()
    return package


def package_plan(*, package: Package) -> list[ApplicationPlan]:
    """What goes into the package, and for everything that does not, why."""
    office = package.office
    apps = list(
        Application.objects.filter(pk__in=package.application_ids, office=office)
        .select_related("office")
        .order_by("key")
    )
    family_ids = {a.family_id for a in apps}
    members_by_family: dict[int, list[Application]] = defaultdict(list)
    for m in (
        Application.objects.filter(family_id__in=family_ids)
        .select_related("office")
        .order_by("filing_date", "key")
    ):
        members_by_family[m.family_id].append(m)
    visible_ids = set(
        Application.objects.visible_to(OfficeViewer(office))
        .filter(family_id__in=family_ids)
        .values_list("pk", flat=True)
    )
    sharing = set(Office.objects.providers_visible_to(office).values_list("pk", flat=True))
    docs_by_member: dict[int, list[Document]] = defaultdict(list)
    docs_by_family: dict[int, list[Document]] = defaultdict(list)
    for doc in (
        foreign_documents(office=office, family_ids=family_ids)
        .select_related("application__office")
        .prefetch_related("citations")
        .order_by("application__office__code", "application__key", "date", "pk")
    ):
        docs_by_member[doc.application_id].append(doc)
        docs_by_family[doc.application.family_id].append(doc)
    exam_dates = dict(
        package.worklist.entries.filter(application_id__in=[a.pk for a in apps]).values_list(
            "application_id", "examination_date"
        )
    )
    requested = open_requests_by_family(office, family_ids)
    delivered: dict[int, set[int]] = defaultdict(set)
    if package.only_new:
        for app_id, doc_id in (
            PackageItem.objects.filter(
                package__office=office,
                package__state__in=DELIVERED_STATES,
                application_id__in=[a.pk for a in apps],
            )
            .exclude(package=package)
            .values_list("application_id", "document_id")
        ):
            delivered[app_id].add(doc_id)

    plans = []
    for app in apps:
        members = members_by_family[app.family_id]
        plan = ApplicationPlan(
            application=app,
            members=[m for m in members if m.pk in visible_ids],
            examination_date=exam_dates.get(app.pk) or app.examination_date,
            requested=requested.get(app.family_id, []),
            citations=citation_rows(docs_by_family.get(app.family_id, [])),
        )
        others = [m for m in members if m.office_id != office.pk]
        hidden = [m for m in others if m.pk not in visible_ids]
        if not others:
            plan.unavailable.append(_("No application of another office is in this family."))
        elif len(hidden) == len(others):
            plan.unavailable.append(
                _("The other offices' applications in this family are not published yet.")
            )
        elif hidden:
            plan.unavailable.append(
                f"{len(hidden)} application{'s' if len(hidden) > 1 else ''} of this family "
                "not published yet."
            )
        names: set[str] = set()
        already = 0
        for member in others:
            if member.pk not in visible_ids:
                continue
            docs = docs_by_member.get(member.pk, [])
            if not docs:
                if member.office_id not in sharing:
                    why = f"{member.office.code} does not share its documents with {office.code}"
                else:
                    why = "no documents shared yet"
                plan.unavailable.append(f"{member.display} ({member.office.code}): {why}.")
                continue
            for doc in docs:
                if doc.pk in delivered[app.pk]:
                    already += 1
                    continue
                name = document_download_name(doc)
                stem, n = name[: -len(".pdf")], 2
                while name in names:  # two reports of one kind on one day
                    name, n = f"{stem}-{n}.pdf", n + 1
                names.add(name)
                folder = numbers.file_name_form(app.display)  # as on screen, not the key
                plan.documents.append(PlannedDocument(document=doc, path=f"{folder}/{name}"))
        if already:
            plan.unavailable.append(
                f"{already} document{'s' if already > 1 else ''} already delivered in an earlier "
                "package (this package has only new documents)."
            )
        plans.append(plan)
    return plans


def package_build(*, package_id: int) -> Package | None:
    """Build a queued package. Returns None when there was nothing to do (already built,
    being built by another worker, or gone): running it again is always safe."""
    return jobs.build_run(
        Package.objects.select_related("office", "worklist", "created_by"),
        package_id,
        build=_build,
        failure=lambda exc: f"The build stopped: {exc.__class__.__name__}: {exc}",
    )


def _build(package: Package, store: jobs.Store) -> Package:
    plans = package_plan(package=package)
    total = sum(len(p.documents) for p in plans)
    jobs.progress(Package, package.pk, total=total)
    included: set[str] = set()
    done = 0
    with tempfile.TemporaryFile(prefix="package-", suffix=".zip") as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for plan in plans:
                for item in plan.documents:
                    if _add_document(zf, item):
                        included.add(item.path)
                    else:
                        plan.unavailable.append(
                            f"{item.path.split('/', 1)[1]}: the file could not be read from "
                            "storage; try again later."
                        )
                    done += 1
                    jobs.progress(Package, package.pk, done=done)
            now = _zip_time(timezone.now())
            zf.writestr(
                zipfile.ZipInfo("index.pdf", now),
                index_pdf(package=package, plans=plans, included=included),
            )
            zf.writestr(zipfile.ZipInfo("manifest.csv", now), _manifest(package, plans, included))
        size = tmp.tell()
        tmp.seek(0)
        stored = store.save("package.zip", File(tmp))
    return jobs.finish(
        Package,
        package.pk,
        stored,
        expires_in=dt.timedelta(days=expiry_days()),
        on_ready=lambda locked: _delivered(locked, plans, included),
        size=size,
    )


def _delivered(package: Package, plans: list[ApplicationPlan], included: set[str]) -> None:
    """Inside finish()'s transaction: record what went out, count it, tell the clerk."""
    PackageItem.objects.filter(package=package).delete()
    items = [
        PackageItem(
            package=package,
            application=plan.application,
            document=item.document,
            path=item.path,
        )
        for plan in plans
        for item in plan.documents
        if item.path in included
    ]
    PackageItem.objects.bulk_create(items)
    usage_record(action=Action.PACKAGE_BUILT, user=package.created_by, office=package.office)
    for item in items:
        doc = item.document
        usage_record(
            action=Action.DOCUMENT_DOWNLOAD,
            user=package.created_by,
            office=package.office,
            provider_office=doc.application.office,
            application_id=doc.application_id,
            document_id=doc.pk,
            bulk=True,
        )
    clerk = package.created_by or package.worklist.created_by
    signals.package_ready.send(
        sender=Package,
        package=package,
        user=clerk,
        automatic=package.trigger == Package.Trigger.JUST_IN_TIME,
    )


def packages_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files of packages past their expiry; the row stays as the delivery record
    ("only new documents" still knows what was delivered)."""
    return jobs.expire(Package, now=now, keep_row=True)


AUTOMATIC = (Package.Trigger.JUST_IN_TIME, Package.Trigger.TOP_UP)
# A failed build waits for the clerk's "Try again" rather than being topped up around.
UNFINISHED = (Package.State.QUEUED, Package.State.BUILDING, Package.State.FAILED)


def schedule_every() -> float:
    """Seconds between scheduling runs: a package is built within minutes of being due."""
    return float(getattr(settings, "PACKAGE_SCHEDULE_SECONDS", 120))


def packages_schedule(*, today: dt.date | None = None) -> list[Package]:
    """Per worklist and examination date whose just-in-time day has come: the first package of
    every entry; later, a top-up of entries added since, or else a top-up of the reports that
    arrived after the last package (only new documents). Nothing while a build is under way."""
    today = today or timezone.localdate()
    groups: dict[tuple[int, dt.date], list[WorklistEntry]] = defaultdict(list)
    for entry in entries_due(today=today):
        groups[(entry.worklist_id, entry.examination_date)].append(entry)
    created = []
    for (worklist_id, exam_date), entries in groups.items():
        with transaction.atomic():
            # Two beats at once must not both add a top-up.
            worklist = (
                Worklist.objects.select_for_update().select_related("office").get(pk=worklist_id)
            )
            made = list(
                Package.objects.filter(
                    worklist_id=worklist_id, for_examination_date=exam_date, trigger__in=AUTOMATIC
                )
            )
            if any(p.state in UNFINISHED for p in made):
                continue
            app_ids = [e.application_id for e in entries]
            if not made:
                trigger, wanted, only_new = Package.Trigger.JUST_IN_TIME, app_ids, False
            else:
                covered = {a for p in made for a in p.application_ids}
                wanted = [a for a in app_ids if a not in covered]
                trigger, only_new = Package.Trigger.TOP_UP, False
                if not wanted:
                    wanted, only_new = _with_undelivered_reports(worklist.office, app_ids), True
            if not wanted:
                continue
            package = _package_start(
                worklist,
                trigger=trigger,
                for_examination_date=exam_date,
                application_ids=wanted,
                only_new=only_new,
            )
            created.append(package)
    return created


def _with_undelivered_reports(office: Office, app_ids: list[int]) -> list[int]:
    """Those of the applications whose family holds a foreign report no delivered package of the
    office has carried for that application yet."""
    apps = dict(Application.objects.filter(pk__in=app_ids).values_list("pk", "family_id"))
    docs_by_family: dict[int, set[int]] = defaultdict(set)
    for pk, family_id in foreign_documents(
        office=office, family_ids=set(apps.values())
    ).values_list("pk", "application__family_id"):
        docs_by_family[family_id].add(pk)
    delivered: dict[int, set[int]] = defaultdict(set)
    for app_id, doc_id in PackageItem.objects.filter(
        package__office=office, package__state__in=DELIVERED_STATES, application_id__in=app_ids
    ).values_list("application_id", "document_id"):
        delivered[app_id].add(doc_id)
    return [a for a in app_ids if docs_by_family[apps[a]] - delivered[a]]
