"""Thin Celery tasks for the usage ledger and queued PDF reports: ids in, all idempotent."""

from case_portal.celery import app

from . import export_builds, services

ROLLUP_EVERY_SECONDS = 60.0
REPORTS_REQUEUE_EVERY = 300.0
REPORTS_EXPIRE_EVERY = 3600.0


@app.task(name="stats.usage_rollup")
def usage_rollup() -> int:
    # Idempotent: it only folds what is pending; a run that overlaps another waits and folds
    # what is left (see services.usage_rollup).
    return services.usage_rollup()


@app.task(name=export_builds.BUILD_TASK, acks_late=True, ignore_result=True)
def statistics_report_build_task(report_id: int) -> None:
    export_builds.report_build(report_id=report_id)


@app.task(name="stats.statistics_reports_requeue", ignore_result=True)
def statistics_reports_requeue_task() -> int:
    return export_builds.reports_requeue()


@app.task(name="stats.statistics_reports_expire", ignore_result=True)
def statistics_reports_expire_task() -> int:
    return export_builds.reports_expire()


@app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    sender.add_periodic_task(ROLLUP_EVERY_SECONDS, usage_rollup.s(), name="stats usage rollup")
    sender.add_periodic_task(
        REPORTS_REQUEUE_EVERY,
        statistics_reports_requeue_task.s(),
        name="stats: re-queue lost reports",
    )
    sender.add_periodic_task(
        REPORTS_EXPIRE_EVERY, statistics_reports_expire_task.s(), name="stats: expire reports"
    )


if app.finalized:
    # Imported from AppConfig.ready(); under a worker or beat the app may be finalized already.
    _schedule(app)
