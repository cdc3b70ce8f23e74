"""What a clerk hears of packages: a package is ready, a top-up brought reports that arrived
after the package was built, or a document a package delivered was withdrawn or corrected.
Each notice names the clerk's own applications; e-mail as the clerk's settings say."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dossiers.models import Package, PackageChange, PackageItem

from ..models import Notification
from .outbox import _enqueue_immediate, email_modes, in_language, number_display

AUTOMATIC = (Package.Trigger.JUST_IN_TIME, Package.Trigger.TOP_UP)


def _names(displays) -> str:
    """ "AU 1", "AU 1 and AU 2", "AU 1, AU 2 and AU 3" (each once, in order)."""
    shown = list(dict.fromkeys(displays))
    if len(shown) == 1:
        return shown[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(shown[:-1]), "last": shown[-1]}


def _documents(n: int) -> str:
    return ngettext("%(counter)s document", "%(counter)s documents", n) % {"counter": n}


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
    """(kind, text) of the notice for a package that is ready, in the active language (the
    caller writes in the clerk's). A top-up says what it brings: "3 new reports for the
    examination of AU 2014351899 on 2026-12-23 arrived after the package of 2026-12-09 was
    built: CA 2,827,121 search report of 2026-12-10, ..."."""
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
        words = {"name": worklist.name, "documents": _documents(package.done)}
        if package.for_examination_date:
            words["date"] = f"{package.for_examination_date:%Y-%m-%d}"
            text = _(
                "The package of worklist “%(name)s” for the examinations of %(date)s is ready: "
                "%(documents)s."
            )
        else:
            text = _("The package of worklist “%(name)s” is ready: %(documents)s.")
        return Notification.Kind.PACKAGE_READY, text % words
    applications = len({i.application_id for i in items})
    words = {
        "own": _names(number_display(i.application) for i in items),
        "exam": f"{package.for_examination_date:%Y-%m-%d}",
        "built": f"{_built_on(first):%Y-%m-%d}",
        "documents": _documents(package.done),
    }
    if package.only_new:
        # One line per document (a family's report may be packaged for two applications).
        docs = {(i.document_id, i.remote_application_id, i.remote_id): i for i in items}
        words["listed"] = "; ".join(
            _("%(number)s %(category)s of %(date)s")
            % {"number": number_display(app), "category": label.lower(), "date": f"{when:%Y-%m-%d}"}
            for app, label, when in (i.described() for i in docs.values())
        )
        words["reports"] = ngettext("%(n)s new report", "%(n)s new reports", len(docs)) % {
            "n": len(docs)
        }
        text = ngettext(
            "%(reports)s for the examination of %(own)s on %(exam)s arrived after the package "
            "of %(built)s was built: %(listed)s",
            "%(reports)s for the examinations of %(own)s on %(exam)s arrived after the package "
            "of %(built)s was built: %(listed)s",
            applications,
        )
    else:
        text = ngettext(
            "%(own)s was added to the examinations of %(exam)s after the package of %(built)s "
            "was built; its top-up package is ready: %(documents)s.",
            "%(own)s were added to the examinations of %(exam)s after the package of %(built)s "
            "was built; their top-up package is ready: %(documents)s.",
            applications,
        )
    return Notification.Kind.PACKAGE_TOP_UP, text % words


def notification_for_package(*, package, user, automatic: bool) -> Notification | None:
    """Tell the clerk a package is ready: in the app always, by e-mail (as the clerk's settings
    say) when nobody was watching the build (just-in-time packages and top-ups are made by
    beat, days before the examination)."""
    if user is None or not user.is_active:
        return None
    with in_language(user):
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
    rebuilt = any(p.state != Package.State.EXPIRED for p in package_list)
    if change.kind == PackageChange.Kind.WITHDRAWN:
        then = (
            _("A new download leaves it out; take it off the file.")
            if rebuilt
            else _("Take it off the file.")
        )
    else:
        then = (
            _("A new download has it corrected; correct it on the file.")
            if rebuilt
            else _("Correct it on the file.")
        )
    # The change keeps facts; they are put into words here, in the clerk's language.
    return ngettext(
        "The package of %(dates)s (%(names)s) contains %(delivered)s for your %(own)s, "
        "%(detail)s. %(then)s",
        "The packages of %(dates)s (%(names)s) contain %(delivered)s for your %(own)s, "
        "%(detail)s. %(then)s",
        len(package_list),
    ) % {
        "dates": _names(f"{_built_on(p):%Y-%m-%d}" for p in package_list),
        "names": _names(_("“%(name)s”") % {"name": p.worklist.name} for p in package_list),
        "delivered": change.delivered_text,
        "own": _names(number_display(c.application) for c in changes),
        "detail": change.detail_text,
        "then": then,
    }


def _package_clerk(package: Package):
    """Who hears of a package: the clerk who built it, else the worklist's (if still active)."""
    clerk = package.created_by or package.worklist.created_by
    return clerk if clerk is not None and clerk.is_active else None


def package_change_clerk_ids(document) -> set[int]:
    """The clerks told of `document`'s withdrawal or correction through their packages' notice
    (notifications_for_package_changes): their watch needs not tell them a second time."""
    if not document.pk:
        return set()
    items = PackageItem.objects.filter(document=document).select_related(
        "package__created_by", "package__worklist__created_by"
    )
    return {clerk.pk for item in items if (clerk := _package_clerk(item.package)) is not None}


@transaction.atomic
def notifications_for_package_changes(*, changes: list[PackageChange]) -> list[Notification]:
    """One notice per clerk for one withdrawal or correction, however many of the clerk's
    packages delivered the document (the clerk who built each, else the worklist's)."""
    by_clerk: dict[int, list[PackageChange]] = defaultdict(list)
    clerks = {}
    for change in changes:
        clerk = _package_clerk(change.package)
        if clerk is None:
            continue
        clerks[clerk.pk] = clerk
        by_clerk[clerk.pk].append(change)
    modes = email_modes(clerks)
    rows = []
    for clerk_id, mine in by_clerk.items():
        package_list = list({c.package_id: c.package for c in mine}.values())
        with in_language(clerks[clerk_id]):
            text = _change_text(package_list, mine)
        rows.append(
            Notification(
                user_id=clerk_id,
                kind=Notification.Kind.PACKAGE_CHANGED,
                package=package_list[0],
                application=mine[0].application,
                text=text[:300],
                email=modes[clerk_id],
            )
        )
    rows = Notification.objects.bulk_create(rows)
    _enqueue_immediate(rows)
    return rows
