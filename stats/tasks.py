"""Thin Celery tasks for the usage ledger and queued PDF reports: ids in, all idempotent."""

from case_portal import jobs
from case_portal.celery import app, beat_setup

from . import export_builds, services

ROLLUP_EVERY_SECONDS = 60.0


@app.task(name="stats.usage_rollup")
def usage_rollup() -> int:
    # Idempotent: it only folds what is pending; a run that overlaps another waits and folds
    # what is left (see services.usage_rollup).
    return services.usage_rollup()


statistics_report_build_task, statistics_reports_expire_task, statistics_reports_requeue_task = (
    jobs.build_tasks(export_builds.JOB, build=export_builds.report_build)
)


@beat_setup
def _schedule(sender, **kwargs) -> None:
    sender.add_periodic_task(ROLLUP_EVERY_SECONDS, usage_rollup.s(), name="stats usage rollup")
