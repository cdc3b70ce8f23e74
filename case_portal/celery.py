"""Celery application. With REDIS_URL unset, settings make tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")

app = Celery("case_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app registers its own periodic tasks in its tasks.py through
# @app.on_after_finalize.connect and sender.add_periodic_task(...).


# Enqueueing after commit, and the sweeps behind it, live in case_portal.jobs.
