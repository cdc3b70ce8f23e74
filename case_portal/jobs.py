"""Build jobs: a row that a Celery task builds into a file (packages, statistics reports, large
"one PDF"s).

The row is the truth and the broker only a nudge. A service creates the row and enqueues its
task by name after commit (so no service imports its tasks module); a broker error is logged and
the periodic sweep (requeue_stuck) sends again what is still queued, or building with a dead
worker. The task claims the row with a conditional UPDATE, so a message delivered twice builds
once; progress, the finished file and a failure are written on the row.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from .celery import app, beat_setup

logger = logging.getLogger(__name__)

# A build that has not finished in this long is taken to have died with its worker.
STALE_AFTER = dt.timedelta(minutes=30)
# A row still queued after this long has probably lost its message (broker down at commit).
QUEUED_GRACE = dt.timedelta(minutes=5)
# How often beat runs each kind's sweeps (build_tasks): expiry, and sending lost builds again.
EXPIRE_EVERY = 3600.0
REQUEUE_EVERY = 300.0


def enqueue_on_commit(task_name: str, ids: Iterable[int], *, swept_by: str) -> None:
    """Send task `task_name`(id) for each id once the caller's transaction commits.

    By name, so services never import their tasks modules. A broker error (Redis down) never
    undoes the caller's work: it is logged, and the periodic sweep named in `swept_by` sends it.
    """
    ids = list(ids)

    def send():
        task = app.tasks[task_name]
        for pk in ids:
            try:
                task.apply_async(args=(pk,), retry=False)
            except Exception:  # noqa: BLE001 - any broker failure: the sweep recovers
                logger.warning(
                    "Could not enqueue %s(%s); %s will send it.",
                    task_name,
                    pk,
                    swept_by,
                    exc_info=True,
                )
                return  # the broker is down: the rest would fail the same way

    if ids:
        transaction.on_commit(send)


@dataclass(frozen=True)
class Kind:
    """One kind of build row, declared once by the service that builds it: its model, the task
    that builds a row (`build_task`, sent the row's id), the beat sweeps "<sweeps>_expire" and
    "<sweeps>_requeue", shown in beat's schedule as "<label>: ...", whether an expired row
    stays as the delivery record (`keep_rows`) or goes with its file, what a failed row says
    (`failure`, formatted with the error's class `cls` and the error `exc`) and the relations
    a build reads with its row (`related`)."""

    model: type["BuildJob"]
    build_task: str
    sweeps: str
    label: str
    keep_rows: bool
    failure: str
    related: tuple[str, ...] = ()

    @property
    def requeue_task(self) -> str:
        return f"{self.sweeps}_requeue"


def enqueue_builds(kind: Kind, ids: Iterable[int]) -> None:
    """Send the kind's build task for each row once the caller commits (the requeue sweep sends
    what a dead broker lost)."""
    enqueue_on_commit(kind.build_task, ids, swept_by=kind.requeue_task)


def build_tasks(kind: Kind, *, build: Callable[[int], object]):
    """The Celery tasks of a kind: `build` (a row's id in; acknowledged once done, so a build
    lost with its worker is delivered again), and the beat sweeps expire() (hourly) and
    requeue_stuck() (every few minutes) of its rows. Returns (build task, expire task, requeue
    task)."""

    def expire_rows() -> int:
        return expire(kind)

    def requeue_rows() -> int:
        return requeue_stuck(kind)

    build_task = app.task(name=kind.build_task, acks_late=True, ignore_result=True)(build)
    expire_sweep = app.task(name=f"{kind.sweeps}_expire", ignore_result=True)(expire_rows)
    requeue_sweep = app.task(name=kind.requeue_task, ignore_result=True)(requeue_rows)

    @beat_setup
    def schedule(sender, **kwargs) -> None:
        sender.add_periodic_task(EXPIRE_EVERY, expire_sweep.s(), name=f"{kind.label}: expire")
        sender.add_periodic_task(
            REQUEUE_EVERY, requeue_sweep.s(), name=f"{kind.label}: re-queue lost builds"
        )

    return build_task, expire_sweep, requeue_sweep


def send_each(task_name: str, ids: Iterable[int]) -> int:
    """Send task `task_name`(id) now, for a sweep (which runs in a worker, not in a request)."""
    task = app.tasks[task_name]
    count = 0
    for pk in ids:
        task.delay(pk)
        count += 1
    return count


def _upload_to(job: "BuildJob", filename: str) -> str:
    return job.upload_path(filename)


class BuildJob(models.Model):
    """The fields every build row has; a subclass says where its file goes (upload_path)."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("build job", "Queued")
        BUILDING = "building", pgettext_lazy("build job", "Building")
        READY = "ready", pgettext_lazy("build job", "Ready")
        FAILED = "failed", pgettext_lazy("build job", "Failed")
        EXPIRED = "expired", pgettext_lazy("build job", "Expired")

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_upload_to, max_length=255, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def upload_path(self, filename: str) -> str:
        raise NotImplementedError

    @property
    def percent(self) -> int:
        if self.state == self.State.READY:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


def status_data(job: BuildJob, *, download_url: str) -> dict:
    """A row's progress as its page polls it (static/js/package_progress.js reads these keys);
    `download_url` is given only when the file is there."""
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": job.get_state_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "download_url": download_url,
    }


def is_ready(job: BuildJob) -> bool:
    """Built and its file kept: what the status link and the download both go by."""
    return job.state == BuildJob.State.READY and bool(job.file)


def ready_file(job: BuildJob, *, not_ready: str):
    """The row's file to send, or the 404 `not_ready` while it is not built or once expired."""
    if not is_ready(job):
        raise Http404(not_ready)
    return job.file


def status_response(job: BuildJob, *, download_view: str) -> JsonResponse:
    """The JSON a build row's page polls (never cached), with the link to `download_view` once
    the file is there."""
    url = reverse(download_view, args=[job.pk]) if is_ready(job) else ""
    response = JsonResponse(status_data(job, download_url=url))
    response["Cache-Control"] = "no-store"
    return response


def status_view(get_for_user: Callable[..., BuildJob], *, download_view: str):
    """The GET view a build row's page polls: the row through its guard `get_for_user(user=...,
    <id from the URL>)` (404 when not the reader's), answered by status_response()."""

    @require_GET
    def view(request, **url_ids):
        job = get_for_user(user=request.user, **url_ids)
        return status_response(job, download_view=download_view)

    return view


def claim(model: type[BuildJob], pk: int, *, stale_after: dt.timedelta = STALE_AFTER) -> bool:
    """Take a queued row (or one whose builder went stale) for building; False if another
    worker has it, it is built already, or it is gone."""
    now = timezone.now()
    return bool(
        model.objects.filter(pk=pk)
        .filter(
            Q(state=BuildJob.State.QUEUED)
            | Q(state=BuildJob.State.BUILDING, started_at__lt=now - stale_after)
        )
        .update(state=BuildJob.State.BUILDING, started_at=now, done=0, total=0, error="")
    )


def progress(model: type[BuildJob], pk: int, **counts: int) -> None:
    """Save `done=` and/or `total=` on the row, for the page that polls it."""
    model.objects.filter(pk=pk).update(**counts)


def fail(model: type[BuildJob], pk: int, *, error: str) -> BuildJob:
    model.objects.filter(pk=pk, state=BuildJob.State.BUILDING).update(
        state=BuildJob.State.FAILED, error=error[:500], finished_at=timezone.now()
    )
    return model.objects.get(pk=pk)


def retry(model: type[BuildJob], pk: int) -> bool:
    """A failed row goes back to the queue; True if it did (the caller enqueues it)."""
    return bool(
        model.objects.filter(pk=pk, state=BuildJob.State.FAILED).update(
            state=BuildJob.State.QUEUED, error="", done=0
        )
    )


def retry_queued(kind: Kind, pk: int) -> bool:
    """retry(), and the build sent again once the caller commits. Only a failed row moves: a
    second "Try again" (double click, two tabs) finds it queued and does nothing."""
    if not retry(kind.model, pk):
        return False
    enqueue_builds(kind, [pk])
    return True


class Store:
    """Saves a build's file into default storage, and deletes it again if the build fails."""

    def __init__(self, job: BuildJob):
        self.job = job
        self.name = ""

    def save(self, filename: str, content) -> str:
        self.name = default_storage.save(self.job.upload_path(filename), content)
        return self.name

    def discard(self) -> None:
        if self.name:
            default_storage.delete(self.name)


def build_run(
    kind: Kind, pk: int, *, build: Callable[[BuildJob, Store], BuildJob]
) -> BuildJob | None:
    """Claim row `pk` of `kind` and run `build(job, store)`, which ends with finish(). None when
    there was nothing to do; running it again is always safe. Any error fails the row (with the
    kind's `failure` message) and deletes what was stored."""
    model = kind.model
    if not claim(model, pk):
        return None
    # select_related() with no names would follow every foreign key, hence the test.
    rows = model.objects.select_related(*kind.related) if kind.related else model.objects
    job = rows.get(pk=pk)
    store = Store(job)
    try:
        return build(job, store)
    except Exception as exc:
        logger.exception("%s %s failed", model.__name__, pk)
        store.discard()
        return fail(model, pk, error=kind.failure.format(cls=exc.__class__.__name__, exc=exc))


@transaction.atomic
def finish(
    model: type[BuildJob],
    pk: int,
    stored: str,
    *,
    expires_in: dt.timedelta,
    on_ready: Callable[[BuildJob], None] | None = None,
    **fields,
) -> BuildJob:
    """Mark a building row ready with its file (and any `fields`); `on_ready(job)` runs in the
    same transaction. A row expired or rebuilt meanwhile keeps what it has, and ours is deleted."""
    locked = model.objects.select_for_update().get(pk=pk)
    if locked.state != BuildJob.State.BUILDING:
        transaction.on_commit(lambda: default_storage.delete(stored))
        return locked
    old = locked.file.name
    now = timezone.now()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.file.name = stored
    locked.state = BuildJob.State.READY
    locked.done = locked.total
    locked.finished_at = now
    locked.expires_at = now + expires_in
    locked.save()
    if old and old != stored:
        transaction.on_commit(lambda: default_storage.delete(old))
    if on_ready is not None:
        on_ready(locked)
    return locked


def finish_from_file(
    store: Store, tmp, filename: str, *, expires_in: dt.timedelta, **finish_fields
) -> BuildJob:
    """Store the temporary file a build wrote (from its start, up to where the writing ended,
    whose size goes on the row) as `filename`, then finish() the row with it."""
    size = tmp.tell()
    tmp.seek(0)
    stored = store.save(filename, File(tmp))
    job = store.job
    return finish(type(job), job.pk, stored, expires_in=expires_in, size=size, **finish_fields)


def requeue_stuck(kind: Kind, *, now: dt.datetime | None = None) -> int:
    """The sweep behind enqueue_on_commit: send again what is still queued after QUEUED_GRACE
    (its message may never have reached the broker) or building for longer than STALE_AFTER
    (its worker died). The claim makes a duplicate message harmless. Returns how many."""
    now = now or timezone.now()
    ids = kind.model.objects.filter(
        Q(state=BuildJob.State.QUEUED, created_at__lt=now - QUEUED_GRACE)
        | Q(state=BuildJob.State.BUILDING, started_at__lt=now - STALE_AFTER)
    ).values_list("pk", flat=True)
    return send_each(kind.build_task, list(ids))


def expire(kind: Kind, *, now: dt.datetime | None = None) -> int:
    """Delete the files of ready rows past their expiry; the row stays as the delivery record
    (state expired) where the kind keeps rows, else it goes with its file."""
    now = now or timezone.now()
    model, keep_row = kind.model, kind.keep_rows
    count = 0
    for pk, name in model.objects.filter(
        state=BuildJob.State.READY, expires_at__lte=now
    ).values_list("pk", "file"):
        # Conditional: a download or a second beat running at the same moment is harmless.
        ready = model.objects.filter(pk=pk, state=BuildJob.State.READY)
        if keep_row:
            gone = ready.update(state=BuildJob.State.EXPIRED, file="")
        else:
            gone = ready.delete()[0]
        if gone:
            if name:
                default_storage.delete(name)
            count += 1
    return count
