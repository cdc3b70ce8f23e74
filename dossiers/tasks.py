"""Thin Celery tasks for packages and large "one PDF"s: ids in, the work in services; idempotent."""

from celery.signals import worker_process_init

from case_portal.celery import app

from .federation import tracking
from .services import merged_pdfs, package_archive, packages

EXPIRE_EVERY = 3600.0
REQUEUE_EVERY = 300.0


@app.task(name=packages.BUILD_TASK, acks_late=True, ignore_result=True)
def package_build_task(package_id: int) -> None:
    # A ready package tells its clerk through dossiers.signals.package_ready (the notifications
    # app writes the in-app notification and, for a just-in-time package, the outbox e-mail).
    packages.package_build(package_id=package_id)
    package_archive.drawers_warm()  # for the next build, now that this one is done


@worker_process_init.connect
def _drawers_ready(**kwargs) -> None:
    # A worker process has index drawing processes loaded before its first package build.
    package_archive.drawers_warm()


@app.task(name="dossiers.packages_expire", ignore_result=True)
def packages_expire_task() -> int:
    return packages.packages_expire()


@app.task(name="dossiers.packages_schedule", ignore_result=True)
def packages_schedule_task() -> int:
    return len(packages.packages_schedule())


@app.task(name="dossiers.packages_requeue", ignore_result=True)
def packages_requeue_task() -> int:
    return packages.packages_requeue()


@app.task(name=merged_pdfs.BUILD_TASK, acks_late=True, ignore_result=True)
def merged_pdf_build_task(merged_pdf_id: int) -> None:
    merged_pdfs.merged_pdf_build(merged_pdf_id=merged_pdf_id)


@app.task(name="dossiers.merged_pdfs_expire", ignore_result=True)
def merged_pdfs_expire_task() -> int:
    return merged_pdfs.merged_pdfs_expire()


@app.task(name="dossiers.merged_pdfs_requeue", ignore_result=True)
def merged_pdfs_requeue_task() -> int:
    return merged_pdfs.merged_pdfs_requeue()


@app.task(name="dossiers.federation_changes_check", ignore_result=True)
def federation_changes_check_task() -> int:
    # Idempotent: a document is announced once, whoever runs the check and however often.
    return sum(r.announced for r in tracking.remote_changes_check_all())


@app.on_after_finalize.connect
def _periodic(sender, **kwargs):
    sender.add_periodic_task(EXPIRE_EVERY, packages_expire_task.s(), name="packages: expire")
    sender.add_periodic_task(
        packages.schedule_every(), packages_schedule_task.s(), name="packages: just-in-time builds"
    )
    sender.add_periodic_task(
        REQUEUE_EVERY, packages_requeue_task.s(), name="packages: re-queue lost builds"
    )
    sender.add_periodic_task(EXPIRE_EVERY, merged_pdfs_expire_task.s(), name="one PDFs: expire")
    sender.add_periodic_task(
        REQUEUE_EVERY, merged_pdfs_requeue_task.s(), name="one PDFs: re-queue lost builds"
    )
    sender.add_periodic_task(
        tracking.check_every(),
        federation_changes_check_task.s(),
        name="federation: web-service offices' new documents",
    )


if app.finalized:
    # Imported from AppConfig.ready(); under a worker or beat the app may be finalized already.
    _periodic(app)
