"""Packages: one ZIP of every foreign report for a worklist, with an index PDF and a manifest.

The ZIP is written entry by entry (stored, not deflated: PDFs do not compress and stored entries
cost no CPU) through one 1 MiB buffer, so memory stays bounded whatever the size: on a local
disk into an unnamed file in the storage's folder, named when complete, else into a temporary
file then streamed into the bucket. The index PDF (WeasyPrint: seconds for hundreds of rows) is
drawn in separate processes while the files are copied, as if every file goes in; in the rare
build where one cannot be read it is drawn again.
A build claims its package row with a conditional UPDATE, so a task delivered twice (acks_late,
a redelivered message) builds once; progress is saved on the row.
"""

import datetime as dt
import logging
import os
import tempfile
import time
import zipfile
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from case_portal import jobs
from offices.models import Office
from offices.services import user_language
from stats.models import Action
from stats.services import usage_record_many

from .. import numbers, signals
from ..federation.reads import remote_documents_for_office
from ..models import (
    Application,
    Document,
    Package,
    PackageChange,
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
    CHUNK,
    ApplicationPlan,
    IndexDrawer,
    PlannedDocument,
    _add_document,
    _manifest,
    _zip_time,
    citation_rows,
    index_html,
    index_pdf,
    package_reader,
)
from .worklists import entries_due

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5  # the status page polls every few seconds: not one UPDATE per file

# Kept here under their old names: the fault tests fast-forward clocks by them.
STALE_AFTER = jobs.STALE_AFTER
QUEUED_GRACE = jobs.QUEUED_GRACE
DELIVERED_STATES = (Package.State.READY, Package.State.EXPIRED)
JOB = jobs.Kind(
    Package,
    "dossiers.package_build",
    sweeps="dossiers.packages",
    label="packages",
    keep_rows=True,  # "only new documents" still knows what an expired package delivered
    failure="The build stopped: {cls}: {exc}",
    related=("office", "worklist", "created_by"),
)


def expiry_days() -> int:
    return getattr(settings, "PACKAGE_EXPIRY_DAYS", 30)


def _enqueue(package: Package) -> None:
    jobs.enqueue_builds(JOB, [package.pk])


def _package_start(worklist, **fields) -> Package:
    """A new package of the worklist's office, its build queued once the transaction commits."""
    package = Package.objects.create(worklist=worklist, office=worklist.office, **fields)
    _enqueue(package)
    return package


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
    jobs.retry_queued(JOB, package.pk)
    package.refresh_from_db()
    return package


def item_key(doc) -> int | tuple[str, str]:
    """How a delivered document is known: its row id, or a web-service office's (office code,
    its id there): "only new", rebuilds and top-ups compare these."""
    if doc.pk is not None:
        return doc.pk
    return (doc.application.office.code, doc.remote.id)


def _delivered_keys(items) -> dict[int, set]:
    """{application pk: item keys} of PackageItem rows."""
    out: dict[int, set] = defaultdict(set)
    for app_id, doc_id, code, remote_id in items.values_list(
        "application_id", "document_id", "remote_application__office__code", "remote_id"
    ):
        out[app_id].add(doc_id if doc_id is not None else (code, remote_id))
    return out


def package_plan(*, package: Package, only_documents: set | None = None) -> list[ApplicationPlan]:
    """What goes into the package, and for everything that does not, why. A rebuild passes
    `only_documents` (what the package carried): the same reports, less those withdrawn."""
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
        .select_related("office", "office__service")  # web service or not: no query per member
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
    # Web-service offices' documents, listed by their services (in parallel) as for a page.
    remote = remote_documents_for_office(
        viewer=OfficeViewer(office),
        members=[
            m
            for family in members_by_family.values()
            for m in family
            if m.pk in visible_ids and m.office_id != office.pk
        ],
    )
    delivered: dict[int, set] = defaultdict(set)
    if package.only_new and only_documents is None:
        delivered = _delivered_keys(
            PackageItem.objects.filter(
                package__office=office,
                package__state__in=DELIVERED_STATES,
                application_id__in=[a.pk for a in apps],
            ).exclude(package=package)
        )

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
        # Only what the office may see: other offices' unpublished members are neither counted
        # nor hinted at (issue 18.2).
        others = [m for m in members if m.office_id != office.pk and m.pk in visible_ids]
        if not others:
            plan.unavailable.append(
                _("No published application of another office is in this family yet.")
            )
        names: set[str] = set()
        already = 0
        for member in others:
            if member.pk not in visible_ids:
                continue
            docs = docs_by_member.get(member.pk, [])
            remote_docs, notice = remote.get(member.pk, ([], ""))
            docs = docs + remote_docs
            if not docs:
                if notice:
                    why = _("%(notice)s, so its documents could not be listed") % {"notice": notice}
                elif member.office_id not in sharing:
                    why = _("%(office)s does not share its documents with %(viewer)s") % {
                        "office": member.office.code,
                        "viewer": office.code,
                    }
                else:
                    why = _("no documents shared yet")
                plan.unavailable.append(
                    _("%(number)s (%(office)s): %(why)s.")
                    % {"number": member.display, "office": member.office.code, "why": why}
                )
                continue
            for doc in docs:
                key = item_key(doc)
                if only_documents is not None and key not in only_documents:
                    continue
                if key in delivered[app.pk]:
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
                ngettext(
                    "%(count)s document already delivered in an earlier package (this package "
                    "has only new documents).",
                    "%(count)s documents already delivered in an earlier package (this package "
                    "has only new documents).",
                    already,
                )
                % {"count": already}
            )
        plans.append(plan)
    return plans


def package_build(package_id: int) -> Package | None:
    """Build a queued package. Returns None when there was nothing to do (already built,
    being built by another worker, or gone): running it again is always safe."""
    return jobs.build_run(JOB, package_id, build=_build)


def _build(package: Package, store: jobs.Store) -> Package:
    # What the index says (why a document is missing, what changed) is in the clerk's language,
    # not the worker's. The index drawer starts first: its imports overlap the plan's reads.
    language = user_language(package_reader(package))
    with translation.override(language), IndexDrawer() as drawer:
        plans = _plan_for_build(package)
        planned = {item.path for plan in plans for item in plan.documents}
        # Drawn as if every file goes in, while they are copied; again if one could not be read.
        drawer.send(index_html(package=package, plans=plans, included=planned))
        total = sum(len(p.documents) for p in plans)
        jobs.progress(Package, package.pk, total=total)
        with _package_file(store) as out:
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
                included = _add_documents(zf, package, plans, total)
                index = drawer.result()
                if included != planned:
                    index = index_pdf(package=package, plans=plans, included=included)
                now = _zip_time(timezone.now())
                zf.writestr(zipfile.ZipInfo("index.pdf", now), index)
                zf.writestr(
                    zipfile.ZipInfo("manifest.csv", now), _manifest(package, plans, included)
                )
            size = out.tell()
    return jobs.finish(
        Package,
        package.pk,
        store.name,
        expires_in=dt.timedelta(days=expiry_days()),
        on_ready=lambda locked: _delivered(locked, plans, included),
        size=size,
    )


def _plan_for_build(package: Package) -> list[ApplicationPlan]:
    carried = None
    if package.rebuilds:
        carried = {k for keys in _delivered_keys(package.items.all()).values() for k in keys}
    plans = package_plan(package=package, only_documents=carried)
    if carried is not None:
        # The index says what changed since the clerk first had the package.
        by_app = {p.application.pk: p for p in plans}
        for change in package.changes.order_by("created_at", "pk"):
            if change.application_id in by_app:
                if change.kind == PackageChange.Kind.WITHDRAWN:
                    text = _("%(change)s; left out of this package.") % {"change": change.text}
                else:
                    text = f"{change.text}."
                by_app[change.application_id].unavailable.append(text)
    return plans


def _add_documents(zf: zipfile.ZipFile, package: Package, plans, total: int) -> set[str]:
    """Copy every planned file into the ZIP, saving progress twice a second; the paths that
    went in. One that cannot be had is listed as missing, with why, in the index."""
    included: set[str] = set()
    buffer = bytearray(CHUNK)
    done, shown = 0, time.monotonic()
    for plan in plans:
        for item in plan.documents:
            problem = _add_document(zf, item, office=package.office, buffer=buffer)
            if problem:
                plan.unavailable.append(f"{item.path.split('/', 1)[1]}: {problem}")
            else:
                included.add(item.path)
            done += 1
            if done == total or time.monotonic() - shown >= PROGRESS_EVERY_S:
                jobs.progress(Package, package.pk, done=done)
                shown = time.monotonic()
    return included


@contextmanager
def _package_file(store: jobs.Store):
    """The file the ZIP is written into. On a local disk: an unnamed file in the storage's own
    folder (O_TMPFILE), given its name only once complete, so a gigabyte is not copied twice and
    a build killed midway leaves nothing behind. Else (object storage, no O_TMPFILE) a temporary
    file saved into storage once complete."""
    target = store.job.upload_path("package.zip")
    try:
        folder = default_storage.path(os.path.dirname(target))
        os.makedirs(folder, exist_ok=True)
        fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o666)
    except (NotImplementedError, AttributeError, OSError):
        with tempfile.TemporaryFile(prefix="package-", suffix=".zip") as tmp:
            yield tmp
            tmp.seek(0)
            store.save("package.zip", File(tmp))
        return
    mode = getattr(default_storage, "file_permissions_mode", None)
    if mode is not None:
        os.fchmod(fd, mode)  # as the storage's own save would
    with os.fdopen(fd, "wb") as fh:
        yield fh
        fh.flush()
        name = target
        # linkat(AT_SYMLINK_FOLLOW) of /proc/self/fd/N names the unnamed file (a plain link()
        # would link the /proc entry itself); a dir fd makes os.link call linkat.
        proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
        try:
            while True:
                name = default_storage.get_available_name(name)
                try:
                    os.link(str(fd), default_storage.path(name), src_dir_fd=proc)
                    break
                except FileExistsError:  # taken since: another name
                    continue
        finally:
            os.close(proc)
        store.name = name  # the build's stored file: deleted again if the build fails later


def _delivered(package: Package, plans: list[ApplicationPlan], included: set[str]) -> None:
    """Inside finish()'s transaction: record what went out, count it, tell the clerk."""
    PackageItem.objects.filter(package=package).delete()
    sent = [
        (plan.application, item)
        for plan in plans
        for item in plan.documents
        if item.path in included
    ]
    items = [
        PackageItem(package=package, application=app, document=item.document, path=item.path)
        if item.document.pk
        else PackageItem(
            package=package,
            application=app,
            remote_application=item.document.application,
            remote_id=item.document.remote.id,
            remote_category=item.document.remote.category,
            remote_date=item.document.remote.date,
            path=item.path,
        )
        for app, item in sent
    ]
    PackageItem.objects.bulk_create(items)
    _withdrawn_while_building(package, items)
    _corrected_while_building(package, items)
    if package.rebuilds:
        return  # the same delivery made again: counted and announced the first time
    who = {"user": package.created_by, "office": package.office}
    usage_record_many(
        [
            {"action": Action.PACKAGE_BUILT, **who},
            *(
                {
                    "action": Action.DOCUMENT_DOWNLOAD,
                    **who,
                    "provider_office": item.document.application.office,
                    "application_id": item.document.application.pk,
                    "document_id": item.document.pk,
                    "bulk": True,
                }
                for _app, item in sent
            ),
        ]
    )
    clerk = package.created_by or package.worklist.created_by
    signals.package_ready.send(
        sender=Package,
        package=package,
        user=clerk,
        automatic=package.trigger in AUTOMATIC,  # made by beat: nobody watched the build
    )


def _withdrawn_while_building(package: Package, items: list[PackageItem]) -> None:
    """A report withdrawn after the plan was made but before the ZIP was finished is in it:
    flag it and make the package again, as for a withdrawal after delivery."""
    ids = [i.document_id for i in items if i.document_id]
    late = Document.objects.filter(pk__in=ids).exclude(withdrawn_at=None)
    for document in late.select_related("application"):
        packages_flag_withdrawn(document=document, package_ids=[package.pk])


def _corrected_while_building(package: Package, items: list[PackageItem]) -> None:
    """A report corrected (date or category) after the plan was made is in the ZIP under its
    old name: flag it and make the package again, as for a correction after delivery. A
    correction made while a rebuild ran has its flag already (it found the old items): the
    package is only made again."""
    planned = {i.document_id: i.document for i in items if i.document_id}
    current = Document.objects.filter(pk__in=list(planned), withdrawn_at=None)
    for document in current.select_related("application"):
        was = planned[document.pk]
        before = {"category": was.category, "date": was.date}
        if (document.category, document.date) == (was.category, was.date):
            continue
        flagged = package.changes.filter(
            document=document,
            kind=PackageChange.Kind.CORRECTED,
            corrected_category=document.category,
            corrected_date=document.date,
        ).exists()
        if flagged:
            _rebuild(package)
        else:
            packages_flag_document(
                document=document,
                kind=PackageChange.Kind.CORRECTED,
                delivered=before,
                changed_on=timezone.localdate(),
                package_ids=[package.pk],
            )


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
        app_ids = [e.application_id for e in entries]
        remote: dict[int, set] = {}
        if Package.objects.filter(
            worklist_id=worklist_id, for_examination_date=exam_date, trigger__in=AUTOMATIC
        ).exists():
            # Web-service offices' lists are asked before the lock, never while holding it.
            remote = _remote_keys_by_family(entries[0].worklist.office, app_ids)
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
            if not made:
                trigger, wanted, only_new = Package.Trigger.JUST_IN_TIME, app_ids, False
            else:
                covered = {a for p in made for a in p.application_ids}
                wanted = [a for a in app_ids if a not in covered]
                trigger, only_new = Package.Trigger.TOP_UP, False
                if not wanted:
                    wanted, only_new = (
                        _with_undelivered_reports(worklist.office, app_ids, remote),
                        True,
                    )
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


def _remote_keys_by_family(office: Office, app_ids: list[int]) -> dict[int, set]:
    """{family pk: item keys} of the documents web-service offices list for the families'
    other members the office may read (asked in parallel; a service that does not answer
    lists nothing, so it causes no top-up until it does)."""
    families = set(Application.objects.filter(pk__in=app_ids).values_list("family_id", flat=True))
    members = list(
        Application.objects.visible_to(OfficeViewer(office))
        .filter(family_id__in=families, office__service__mode="web_service")
        .exclude(office=office)
        .select_related("office", "office__service")
    )
    out: dict[int, set] = defaultdict(set)
    for docs, _notice in remote_documents_for_office(
        viewer=OfficeViewer(office), members=members
    ).values():
        for doc in docs:
            out[doc.application.family_id].add(item_key(doc))
    return out


def _with_undelivered_reports(office: Office, app_ids: list[int], remote=None) -> list[int]:
    """Those of the applications whose family holds a foreign report no delivered package of the
    office has carried for that application yet; `remote`: the web-service offices' documents
    by family (_remote_keys_by_family)."""
    apps = dict(Application.objects.filter(pk__in=app_ids).values_list("pk", "family_id"))
    docs_by_family: dict[int, set] = defaultdict(set)
    for family_id, keys in (remote or {}).items():
        docs_by_family[family_id] |= keys
    for pk, family_id in foreign_documents(
        office=office, family_ids=set(apps.values())
    ).values_list("pk", "application__family_id"):
        docs_by_family[family_id].add(pk)
    delivered = _delivered_keys(
        PackageItem.objects.filter(
            package__office=office, package__state__in=DELIVERED_STATES, application_id__in=app_ids
        )
    )
    return [a for a in app_ids if docs_by_family[apps[a]] - delivered[a]]


# --- withdrawn or corrected after delivery ---


def packages_flag_withdrawn(*, document: Document, package_ids=None) -> list[PackageChange]:
    """A withdrawn document's flags, with when and why (see packages_flag_document)."""
    return packages_flag_document(
        document=document,
        kind=PackageChange.Kind.WITHDRAWN,
        delivered={"category": document.category, "date": document.date},
        changed_on=timezone.localdate(document.withdrawn_at),
        reason=document.withdrawn_reason,
        package_ids=package_ids,
    )


@transaction.atomic
def packages_flag_document(
    *,
    document: Document,
    kind: str,
    delivered: dict,
    changed_on,
    reason: str = "",
    package_ids=None,
) -> list[PackageChange]:
    """A document that packages delivered was withdrawn or corrected (`delivered`: its category
    and date as they delivered it). Each package is flagged, since the clerk may have put it on
    file, and a ready one is made again at once, so a new download carries the same reports
    without the withdrawn one and with corrected names; an expired one keeps only the flag. The
    clerk is told through `signals.packages_flagged`. The flag keeps facts, not sentences: it is
    put into words in each reader's language."""
    items = PackageItem.objects.filter(document=document)
    if package_ids is not None:
        items = items.filter(package_id__in=package_ids)
    items = list(
        items.select_related("package__worklist", "application").order_by("package_id", "pk")
    )
    corrected = kind == PackageChange.Kind.CORRECTED
    changes = PackageChange.objects.bulk_create(
        PackageChange(
            package=item.package,
            application=item.application,
            document=document,
            kind=kind,
            delivered_category=delivered["category"],
            delivered_date=delivered["date"],
            changed_on=changed_on,
            reason=reason[:300],
            corrected_category=document.category if corrected else "",
            corrected_date=document.date if corrected else None,
        )
        for item in items
    )
    for package in {item.package_id: item.package for item in items}.values():
        _rebuild(package)
    if changes:
        signals.packages_flagged.send(sender=Package, changes=changes)
    return changes


def _rebuild(package: Package) -> None:
    """A ready package's old ZIP is gone at once (it must not be downloaded again) and the
    package is queued to be built again; any other state has no file to correct."""
    rebuilt = Package.objects.filter(pk=package.pk, state=Package.State.READY).update(
        state=Package.State.QUEUED,
        file="",
        done=0,
        total=0,
        error="",
        rebuilds=F("rebuilds") + 1,
    )
    if rebuilt:
        old = package.file.name
        if old:
            transaction.on_commit(lambda: default_storage.delete(old))
        _enqueue(package)
