"""Thin Celery tasks for packages: ids in, the work in dossiers.services.packages; idempotent."""

from case_portal.celery import app

from . import signals
from .models import Package
from .services import packages

EXPIRE_EVERY = 3600.0
SCHEDULE_EVERY = 3600.0
REQUEUE_EVERY = 300.0


@app.task(name="dossiers.package_build", acks_late=True, ignore_result=True)
def package_build_task(package_id: int) -> None:
    package = packages.package_build(package_id=package_id)
    if package is None or package.state != Package.State.READY:
        return
    # A just-in-time package tells its clerk. When the notifications app listens to
    # package_ready it writes the in-app notification and sends the e-mail itself; without a
    # listener the clerk still gets the e-mail, straight from here.
    if package.trigger == Package.Trigger.JUST_IN_TIME and not signals.package_ready.has_listeners(
        Package
    ):
        packages.package_email_clerk(package_id=package.pk)


@app.task(name="dossiers.packages_expire", ignore_result=True)
def packages_expire_task() -> int:
    return packages.packages_expire()


@app.task(name="dossiers.packages_schedule", ignore_result=True)
def packages_schedule_task() -> int:
    return len(packages.packages_schedule())


@app.task(name="dossiers.packages_requeue", ignore_result=True)
def packages_requeue_task() -> int:
    return packages.packages_requeue()


@app.on_after_finalize.connect
def _periodic(sender, **kwargs):
    sender.add_periodic_task(EXPIRE_EVERY, packages_expire_task.s(), name="packages: expire")
    sender.add_periodic_task(
        SCHEDULE_EVERY, packages_schedule_task.s(), name="packages: just-in-time builds"
    )
    sender.add_periodic_task(
        REQUEUE_EVERY, packages_requeue_task.s(), name="packages: re-queue lost builds"
    )
