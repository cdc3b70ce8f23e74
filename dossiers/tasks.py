"""Thin Celery tasks for packages and large "one PDF"s: ids in, the work in services; idempotent."""

from celery.signals import worker_process_init

from case_portal import jobs
from case_portal.celery import app, beat_setup

from .federation import tracking
from .services import merged_pdfs, package_archive, packages


def _package_build(package_id: int) -> None:
    # A ready package tells its clerk through dossiers.signals.package_ready (the notifications
    # app writes the in-app notification and, for a just-in-time package, the outbox e-mail).
    packages.package_build(package_id)
    package_archive.drawers_warm()  # for the next build, now that this one is done


package_build_task, packages_expire_task, packages_requeue_task = jobs.build_tasks(
    packages.JOB, build=_package_build
)


@worker_process_init.connect
def _drawers_ready(**kwargs) -> None:
    # A worker process has index drawing processes loaded before its first package build.
    package_archive.drawers_warm()


@app.task(name="dossiers.packages_schedule", ignore_result=True)
def packages_schedule_task() -> int:
    return len(packages.packages_schedule())


merged_pdf_build_task, merged_pdfs_expire_task, merged_pdfs_requeue_task = jobs.build_tasks(
    merged_pdfs.JOB, build=merged_pdfs.merged_pdf_build
)


@app.task(name="dossiers.federation_changes_check", ignore_result=True)
def federation_changes_check_task() -> int:
    # Idempotent: a document is announced once, whoever runs the check and however often.
    return sum(r.announced for r in tracking.remote_changes_check_all())


@beat_setup
def _periodic(sender, **kwargs):
    sender.add_periodic_task(
        packages.schedule_every(), packages_schedule_task.s(), name="packages: just-in-time builds"
    )
    sender.add_periodic_task(
        tracking.check_every(),
        federation_changes_check_task.s(),
        name="federation: web-service offices' new documents",
    )
