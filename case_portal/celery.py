"""Celery application. With REDIS_URL unset, settings make tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")

app = Celery("case_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app registers its own periodic tasks in its tasks.py through
# @app.on_after_finalize.connect and sender.add_periodic_task(...).


def enqueue_on_commit(task, ids, *, swept_by: str) -> None:
    """Send `task(id)` for each id once the caller's transaction commits.

    The rows are the truth and the broker only a nudge: a broker error (Redis down) never undoes
    the caller's work. It is logged, and the periodic sweep named in `swept_by` sends it later.
    """
    import logging

    from django.db import transaction

    ids = list(ids)

    def send():
        for pk in ids:
            try:
                task.apply_async(args=(pk,), retry=False)
            except Exception:  # noqa: BLE001 - any broker failure: the sweep recovers
                logging.getLogger(__name__).warning(
                    "Could not enqueue %s(%s); %s will send it.",
                    task.name,
                    pk,
                    swept_by,
                    exc_info=True,
                )
                return  # the broker is down: the rest would fail the same way

    if ids:
        transaction.on_commit(send)


def requeue_stuck(queryset, task, *, queued_before, building_before) -> int:
    """The sweep behind enqueue_on_commit for build rows (states queued/building): send again what
    is still queued since before `queued_before` (its message may never have reached the broker)
    or building since before `building_before` (its worker died). The build's own claim makes a
    duplicate message harmless. Returns how many were sent."""
    from django.db.models import Q

    ids = list(
        queryset.filter(
            Q(state="queued", created_at__lt=queued_before)
            | Q(state="building", started_at__lt=building_before)
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        task.delay(pk)
    return len(ids)
