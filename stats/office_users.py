"""Users of my office: what each account of one office did in a period (its admin only).

Read from UsageMonthlyUser, the per person, month and action rollup that usage_record()
keeps: an office's people x months x actions rows, never its raw events.
"""

from dataclasses import dataclass, field

from django.db.models import Max, Sum
from django.utils.translation import gettext

from offices.models import Office, User

from .labels import ACTIVITY, columns
from .models import Action, UsageMonthlyUser
from .selectors import Period

USER_COLUMNS = columns(*ACTIVITY, "uploads", "requests_made")
_ACTIONS = {
    Action.LOGIN: "logins",
    Action.SEARCH: "numbers_searched",
    Action.FAMILY_VIEW: "family_views",
    Action.DOCUMENT_VIEW: "document_views",
    Action.DOCUMENT_DOWNLOAD: "downloads",
    Action.UPLOAD: "uploads",
    Action.REQUEST_MADE: "requests_made",
}


@dataclass
class UserLine:
    user: User
    figures: dict[str, int] = field(default_factory=dict)
    last_seen: object = None  # last use in the period

    @property
    def values(self) -> list[int]:
        return [self.figures.get(key, 0) for key, _ in USER_COLUMNS]

    @property
    def inactive(self) -> bool:
        """No use of the portal in the period, or the account is switched off."""
        return not self.user.is_active or not any(self.figures.values())

    @property
    def status(self) -> str:
        if not self.user.is_active:
            return gettext("Account disabled")
        return gettext("Inactive in this period") if self.inactive else gettext("Active")


def office_users_get(*, office: Office, period: Period) -> list[UserLine]:
    """Every account of `office` (active ones first, busiest first), with its figures."""
    people = list(
        User.objects.filter(office=office)
        .order_by("email")
        .only("email", "role", "is_active", "last_login", "office_id", "date_joined")
    )
    lines = {p.pk: UserLine(p) for p in people}
    rows = (
        UsageMonthlyUser.objects.filter(
            office_id=office.pk,
            action__in=list(_ACTIONS),
            month__gte=period.first,
            month__lte=period.last,
        )
        .values("user_id", "action")
        .annotate(n=Sum("total"), events=Sum("events"), last=Max("last_at"))
        .order_by()
    )
    for row in rows:
        line = lines.get(row["user_id"])
        if line is None:
            continue  # moved to another office since: counted for the office of the time
        line.figures[_ACTIONS[row["action"]]] = row["n"]
        if row["action"] == Action.SEARCH:
            line.figures["searches"] = row["events"]
        if line.last_seen is None or row["last"] > line.last_seen:
            line.last_seen = row["last"]
    return sorted(lines.values(), key=lambda ln: (ln.inactive, -sum(ln.values), ln.user.email))
