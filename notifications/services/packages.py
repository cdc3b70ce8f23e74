"""What a clerk hears of packages: a package is ready, a top-up brought reports that arrived
after the package was built, or a document a package delivered was withdrawn or corrected.
Each notice names the clerk's own applications; e-mail as the clerk's settings say."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from dossiers.models import Package, PackageChange

from ..models import Notification
from .outbox import _enqueue_immediate, email_modes, number_display

AUTOMATIC = (Package.Trigger.JUST_IN_TIME, Package.Trigger.TOP_UP)


def _names(displays) -> str:
    """ "AU 1", "AU 1 and AU 2", "AU 1, AU 2 and AU 3" (each once, in order)."""
    shown = list(dict.fromkeys(displays))
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _built_on(package: Package):
    # The day the package was made for the clerk (a rebuild does not change it).
    return timezone.localdate(package.created_at)


def package_first_of_date(package: Package) -> Package | None:
    """The first automatic package of the package's worklist and examination date."""
    return (
        Package.objects.filter(
            worklist_id=package.worklist_id,
            for_examination_date=package.for_examination_date,
            trigger__in=AUTOMATIC,
            created_at__lt=package.created_at,
        )
        .order_by("created_at", "pk")
        .first()
    )


def package_ready_text(package: Package) -> tuple[str, str]:
    """(kind, text) of the notice for a package that is ready. A top-up says what it brings:
    "3 new reports for the examination of AU 2014351899 on 2026-12-23 arrived after the
    package of 2026-12-09 was built: CA 2,827,121 search report of 2026-12-10, ..."."""
    worklist = package.worklist
    first = package_first_of_date(package) if package.trigger == Package.Trigger.TOP_UP else None
    items = (
        list(
            package.items.select_related(
                "application__office",
                "document__application__office",
                "remote_application__office",
            )
        )
        if first is not None
        else []
    )
    if first is None or not items:
        when = (
            f" for the examinations of {package.for_examination_date:%Y-%m-%d}"
            if package.for_examination_date
            else ""
        )
        return Notification.Kind.PACKAGE_READY, (
            f"The package of worklist \u201c{worklist.name}\u201d{when} is ready: "
            f"{_plural(package.done, 'document')}."
        )
    own = _names(number_display(i.application) for i in items)
    many = len({i.application_id for i in items}) > 1
    exam = f"{package.for_examination_date:%Y-%m-%d}"
    since = f"after the package of {_built_on(first):%Y-%m-%d} was built"
    if package.only_new:
        # One line per document (a family's report may be packaged for two applications).
        docs = {(i.document_id, i.remote_application_id, i.remote_id): i for i in items}
        listed = "; ".join(
            f"{number_display(app)} {label.lower()} of {when:%Y-%m-%d}"
            for app, label, when in (i.described() for i in docs.values())
        )
        text = (
            f"{_plural(len(docs), 'new report')} for the examination{'s' if many else ''} of "
            f"{own} on {exam} arrived {since}: {listed}"
        )
    else:
        text = (
            f"{own} {'were' if many else 'was'} added to the examinations of {exam} {since}; "
            f"{'their' if many else 'its'} top-up package is ready: "
            f"{_plural(package.done, 'document')}."
        )
    return Notification.Kind.PACKAGE_TOP_UP, text


def notification_for_package(*, package, user, automatic: bool) -> Notification | None:
    """Tell the clerk a package is ready: in the app always, by e-mail (as the clerk's settings
    say) when nobody was watching the build (just-in-time packages and top-ups are made by
    beat, days before the examination)."""
    if user is None or not user.is_active:
        return None
    kind, text = package_ready_text(package)
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        package=package,
        text=text[:300],
        email=email_modes([user.pk])[user.pk] if automatic else Notification.Email.NONE,
    )
    _enqueue_immediate([notification])
    return notification


def _change_text(package_list: list[Package], changes: list[PackageChange]) -> str:
    """ "The package of 2026-12-09 (“Week 49”) contains CA 2,827,121 search report of
    2026-11-30 for your AU 2014351899, withdrawn on 2026-12-11 because filed in error. ..." """
    change = changes[0]
    dates = _names(f"{_built_on(p):%Y-%m-%d}" for p in package_list)
    names = _names(f"\u201c{p.worklist.name}\u201d" for p in package_list)
    several = len(package_list) > 1
    own = _names(number_display(c.application) for c in changes)
    rebuilt = any(p.state != Package.State.EXPIRED for p in package_list)
    withdrawn = change.kind == PackageChange.Kind.WITHDRAWN
    if withdrawn:
        then = (
            "A new download leaves it out; take it off the file."
            if rebuilt
            else ("Take it off the file.")
        )
    else:
        then = (
            "A new download has it corrected; correct it on the file."
            if rebuilt
            else ("Correct it on the file.")
        )
    return (
        f"The package{'s' if several else ''} of {dates} ({names}) contain{'' if several else 's'}"
        f" {change.delivered_as} for your {own}, {change.detail}. {then}"
    )


@transaction.atomic
def notifications_for_package_changes(*, changes: list[PackageChange]) -> list[Notification]:
    """One notice per clerk for one withdrawal or correction, however many of the clerk's
    packages delivered the document (the clerk who built each, else the worklist's)."""
    by_clerk: dict[int, list[PackageChange]] = defaultdict(list)
    clerks = {}
    for change in changes:
        package = change.package
        clerk = package.created_by or package.worklist.created_by
        if clerk is None or not clerk.is_active:
            continue
        clerks[clerk.pk] = clerk
        by_clerk[clerk.pk].append(change)
    modes = email_modes(clerks)
    rows = []
    for clerk_id, mine in by_clerk.items():
        package_list = list({c.package_id: c.package for c in mine}.values())
        rows.append(
            Notification(
                user_id=clerk_id,
                kind=Notification.Kind.PACKAGE_CHANGED,
                package=package_list[0],
                application=mine[0].application,
                text=_change_text(package_list, mine)[:300],
                email=modes[clerk_id],
            )
        )
    rows = Notification.objects.bulk_create(rows)
    _enqueue_immediate(rows)
    return rows
