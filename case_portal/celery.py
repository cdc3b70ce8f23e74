"""Celery application. With REDIS_URL unset, settings make tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")

app = Celery("case_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_setup(register):
    """Decorator for a tasks module's `register(sender, **kwargs)`, which adds its periodic tasks
    (sender.add_periodic_task): run when the app finalizes, or at once if it already has (tasks
    modules are imported from AppConfig.ready(); under a worker or beat the app may be finalized
    by then, and the signal would never reach them)."""
    app.on_after_finalize.connect(register, weak=False)
    if app.finalized:
        register(app)
    return register


# Enqueueing after commit, and the sweeps behind it, live in case_portal.jobs.
