"""Celery application. With REDIS_URL unset, settings make tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")

app = Celery("case_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
