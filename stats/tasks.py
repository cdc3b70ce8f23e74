"""Thin Celery tasks for the usage ledger."""

from celery import current_app, shared_task

from . import services

ROLLUP_EVERY_SECONDS = 60.0


@shared_task(name="stats.usage_rollup")
def usage_rollup() -> int:
    # Idempotent: it only folds what is pending; a run that overlaps another waits and folds
    # what is left (see services.usage_rollup).
    return services.usage_rollup()


@current_app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    sender.add_periodic_task(ROLLUP_EVERY_SECONDS, usage_rollup.s(), name="stats usage rollup")
