from case_portal.celery import app


def test_beat_runs_the_sweeps_rollups_digests_and_package_jobs():
    app.loader.import_default_modules()
    app.finalize()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "notifications.tasks.outbox_sweep",
        "notifications.tasks.digests_send",
        "stats.usage_rollup",
        "dossiers.packages_expire",
        "dossiers.packages_schedule",
    } <= tasks
    assert tasks <= set(app.tasks)  # every scheduled name is a registered task
