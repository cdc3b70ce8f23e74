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
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from case_portal.celery import enqueue_on_commit, requeue_stuck
from offices.models import Office
from stats.models import Action
from stats.services import usage_record

from .. import signals
from ..models import (
    Application,
    Document,
    Package,
    PackageItem,
    Worklist,
    WorklistEntry,
    package_upload_to,
)
from ..selectors import OfficeViewer, document_download_name, foreign_documents
from .package_archive import (
    ApplicationPlan,
    PlannedDocument,
    _add_document,
    _manifest,
    _zip_time,
    index_pdf,
)
from .worklists import entries_due

logger = logging.getLogger(__name__)

# A build that has not finished in this long is taken to have died with its worker.
STALE_AFTER = dt.timedelta(minutes=30)
# A package still queued after this long has probably lost its message (broker down at commit).
QUEUED_GRACE = dt.timedelta(minutes=5)
DELIVERED_STATES = (Package.State.READY, Package.State.EXPIRED)


def expiry_days() -> int:
    return getattr(settings, "PACKAGE_EXPIRY_DAYS", 30)


def _enqueue(package: Package) -> None:
    from ..tasks import package_build_task  # tasks import this module

    enqueue_on_commit(package_build_task, [package.pk], swept_by="packages_requeue")


def packages_requeue(*, now: dt.datetime | None = None) -> int:
    """Send again what a dead broker or worker left behind: packages still queued after
    QUEUED_GRACE (their message may never have reached the broker) and builds gone stale. The
    claim in package_build makes a duplicate message harmless."""
    from ..tasks import package_build_task

    now = now or timezone.now()
    return requeue_stuck(
        Package.objects.all(),
        package_build_task,
        queued_before=now - QUEUED_GRACE,
        building_before=now - STALE_AFTER,
    )


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
    package = Package.objects.create(
        worklist=worklist,
        office=worklist.office,
        created_by=user,
        application_ids=wanted,
        only_new=only_new,
    )
    _enqueue(package)
    return package


@transaction.atomic
def package_retry(*, package: Package) -> Package:
    """A failed build can be queued again; anything else is left as it is."""
    if Package.objects.filter(pk=package.pk, state=Package.State.FAILED).update(
        state=Package.State.QUEUED, error="", done=0
    ):
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
    for doc in (
        foreign_documents(office=office, family_ids=family_ids)
        .select_related("application__office")
        .order_by("application__office__code", "application__key", "date", "pk")
    ):
        docs_by_member[doc.application_id].append(doc)
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
        plan = ApplicationPlan(application=app, members=[m for m in members if m.pk in visible_ids])
        others = [m for m in members if m.office_id != office.pk]
        hidden = [m for m in others if m.pk not in visible_ids]
        if not others:
            plan.unavailable.append("No application of another office is in this family.")
        elif len(hidden) == len(others):
            plan.unavailable.append(
                "The other offices' applications in this family are not published yet."
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
                plan.documents.append(PlannedDocument(document=doc, path=f"{app.key}/{name}"))
        if already:
            plan.unavailable.append(
                f"{already} document{'s' if already > 1 else ''} already delivered in an earlier "
                "package (this package has only new documents)."
            )
        plans.append(plan)
    return plans


def _claim(package_id: int) -> bool:
    now = timezone.now()
    return bool(
        Package.objects.filter(pk=package_id)
        .filter(
            Q(state=Package.State.QUEUED)
            | Q(state=Package.State.BUILDING, started_at__lt=now - STALE_AFTER)
        )
        .update(state=Package.State.BUILDING, started_at=now, done=0, total=0, error="")
    )


def package_build(*, package_id: int) -> Package | None:
    """Build a queued package. Returns None when there was nothing to do (already built,
    being built by another worker, or gone): running it again is always safe."""
    if not _claim(package_id):
        return None
    package = Package.objects.select_related("office", "worklist", "created_by").get(pk=package_id)
    stored = ""
    try:
        plans = package_plan(package=package)
        total = sum(len(p.documents) for p in plans)
        Package.objects.filter(pk=package.pk).update(total=total)
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
                        Package.objects.filter(pk=package.pk).update(done=done)
                now = _zip_time(timezone.now())
                zf.writestr(
                    zipfile.ZipInfo("index.pdf", now),
                    index_pdf(package=package, plans=plans, included=included),
                )
                zf.writestr(
                    zipfile.ZipInfo("manifest.csv", now), _manifest(package, plans, included)
                )
            size = tmp.tell()
            tmp.seek(0)
            stored = default_storage.save(package_upload_to(package, "package.zip"), File(tmp))
        return _finish(package, plans, included, stored, size)
    except Exception as exc:
        logger.exception("Package %s failed", package_id)
        if stored:
            default_storage.delete(stored)
        Package.objects.filter(pk=package_id, state=Package.State.BUILDING).update(
            state=Package.State.FAILED,
            error=f"The build stopped: {exc.__class__.__name__}: {exc}"[:500],
            finished_at=timezone.now(),
        )
        return Package.objects.get(pk=package_id)


@transaction.atomic
def _finish(
    package: Package, plans: list[ApplicationPlan], included: set[str], stored: str, size: int
) -> Package:
    locked = Package.objects.select_for_update().get(pk=package.pk)
    if locked.state != Package.State.BUILDING:
        # Expired or rebuilt by someone else meanwhile; ours is not the one to keep.
        transaction.on_commit(lambda: default_storage.delete(stored))
        return locked
    old = locked.file.name
    PackageItem.objects.filter(package=locked).delete()
    items = [
        PackageItem(
            package=locked,
            application=plan.application,
            document=item.document,
            path=item.path,
        )
        for plan in plans
        for item in plan.documents
        if item.path in included
    ]
    PackageItem.objects.bulk_create(items)
    for item in items:
        doc = item.document
        usage_record(
            action=Action.DOCUMENT_DOWNLOAD,
            user=locked.created_by,
            office=locked.office,
            provider_office=doc.application.office,
            application_id=doc.application_id,
            document_id=doc.pk,
            bulk=True,
        )
    now = timezone.now()
    locked.file.name = stored
    locked.size = size
    locked.state = Package.State.READY
    locked.done = locked.total
    locked.finished_at = now
    locked.expires_at = now + dt.timedelta(days=expiry_days())
    locked.save()
    if old and old != stored:
        transaction.on_commit(lambda: default_storage.delete(old))
    clerk = locked.created_by or locked.worklist.created_by
    signals.package_ready.send(
        sender=Package,
        package=locked,
        user=clerk,
        automatic=locked.trigger == Package.Trigger.JUST_IN_TIME,
    )
    return locked


def packages_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files of packages past their expiry; the row stays as the delivery record
    ("only new documents" still knows what was delivered)."""
    now = now or timezone.now()
    count = 0
    for pk, name in Package.objects.filter(
        state=Package.State.READY, expires_at__lte=now
    ).values_list("pk", "file"):
        # Conditional: a download or a second beat running at the same moment is harmless.
        if Package.objects.filter(pk=pk, state=Package.State.READY).update(
            state=Package.State.EXPIRED, file=""
        ):
            if name:
                default_storage.delete(name)
            count += 1
    return count


def packages_schedule(*, today: dt.date | None = None) -> list[Package]:
    """Queue one just-in-time package per worklist and examination date whose day has come."""
    today = today or timezone.localdate()
    groups: dict[tuple[int, dt.date], list[WorklistEntry]] = defaultdict(list)
    for entry in entries_due(today=today):
        groups[(entry.worklist_id, entry.examination_date)].append(entry)
    created = []
    for (worklist_id, exam_date), entries in groups.items():
        with transaction.atomic():
            worklist = entries[0].worklist
            package, made = Package.objects.get_or_create(
                worklist_id=worklist_id,
                for_examination_date=exam_date,
                trigger=Package.Trigger.JUST_IN_TIME,
                defaults={
                    "office": worklist.office,
                    "application_ids": [e.application_id for e in entries],
                },
            )
            if made:
                _enqueue(package)
                created.append(package)
    return created


def package_email_clerk(*, package_id: int) -> bool:
    """E-mail the clerk that a just-in-time package is ready, once (claimed on notified_at)."""
    from django.core.mail import send_mail
    from django.urls import reverse

    if not Package.objects.filter(
        pk=package_id, state=Package.State.READY, notified_at=None
    ).update(notified_at=timezone.now()):
        return False
    package = Package.objects.select_related("worklist__created_by", "office").get(pk=package_id)
    clerk = package.created_by or package.worklist.created_by
    if clerk is None or not clerk.email or not clerk.is_active:
        return False
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "dossiers:worklist-detail", args=[package.worklist_id]
    )
    when = f"{package.for_examination_date:%Y-%m-%d}" if package.for_examination_date else ""
    send_mail(
        subject=f"[CASE Portal] Package ready: {package.worklist.name}",
        message=(
            f"The package of foreign reports for worklist “{package.worklist.name}”"
            f"{' (examination ' + when + ')' if when else ''} is ready: "
            f"{package.total} document{'s' if package.total != 1 else ''}.\n\n"
            f"Download it here before it expires on {package.expires_at:%Y-%m-%d}:\n{url}\n"
        ),
        from_email=None,
        recipient_list=[clerk.email],
    )
    return True
