"""The usage ledger: one row per counted use of the portal."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from case_portal.jobs import BuildJob


class Action(models.TextChoices):
    LOGIN = "login", _("Log in")
    LOGOUT = "logout", _("Log out")
    SEARCH = "search", _("Search")
    FAMILY_VIEW = "family_view", _("Family view")
    DOCUMENT_VIEW = "document_view", _("Document view")
    DOCUMENT_DOWNLOAD = "document_download", _("Download")
    UPLOAD = "upload", _("Upload")
    REQUEST_MADE = "request_made", _("Document request made")
    REQUEST_ACCEPTED = "request_accepted", _("Document request accepted")
    REQUEST_FULFILLED = "request_fulfilled", _("Document request fulfilled")
    REQUEST_DECLINED = "request_declined", _("Document request declined")
    REQUEST_EXPIRED = "request_expired", _("Document request expired")
    PACKAGE_BUILT = "package_built", _("Package built")
    NOTIFICATION_SENT = "notification_sent", _("Notification sent")
    API_CALL = "api_call", _("API call")


class UsageEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The user's office at the time: kept even if the person later moves or is removed.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    provider_office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    application_id = models.BigIntegerField(null=True, blank=True)
    document_id = models.BigIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1)
    bulk = models.BooleanField(default=False, help_text=_("Part of a package download."))
    via_api = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["occurred_at"], name="stats_usage_occurred"),
            models.Index(
                fields=["office", "action", "occurred_at"], name="stats_usage_office_action"
            ),
            models.Index(fields=["provider_office", "occurred_at"], name="stats_usage_provider"),
            # The few request events of a period, for the time to fulfil (stats/requests.py).
            models.Index(fields=["action", "occurred_at"], name="stats_usage_action_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gte=1), name="stats_usageevent_count_pos"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} ×{self.count}"


class UsagePending(models.Model):
    """An event not yet folded into the daily rollups: together these rows are the "tail".

    usage_record() writes one in the same transaction as its UsageEvent; usage_rollup() claims,
    folds and deletes them. Reads add the tail to the rollups, so figures are exact at any moment.
    """

    event = models.OneToOneField(
        UsageEvent, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    claimed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"pending {self.event_id}"


class UsageMonthly(models.Model):
    """Sum of UsageEvent.count per month (in settings.TIME_ZONE), office pair, action and bulk.

    Every period the pages offer is whole months, so a month is the finest grain they need; at
    most months x offices x (offices + 1) x actions x 2 rows, tens of thousands for years of use.
    Office ids are plain integers with 0 for "none" so that the unique key works for the
    upsert (NULLs never conflict in a unique index).
    """

    month = models.DateField(help_text=_("First day of the month."))
    office_id = models.IntegerField(default=0)
    provider_id = models.IntegerField(default=0)
    action = models.CharField(max_length=32, choices=Action.choices)
    bulk = models.BooleanField(default=False)
    total = models.BigIntegerField(default=0)
    # How many events were summed: a search of a pasted list is one event whose count is the
    # numbers looked up, so submissions are `events` and numbers are `total`.
    events = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office_id", "provider_id", "action", "bulk"],
                name="stats_usagemonthly_key",
            )
        ]
        indexes = [
            models.Index(fields=["office_id", "month"], name="stats_monthly_office"),
            models.Index(fields=["provider_id", "month"], name="stats_monthly_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id}->{self.provider_id} {self.action} {self.total}"


class UsageMonthlyUser(models.Model):
    """Who did what in a month: distinct active users (in all, who logged in, searched,
    retrieved) per month or period."""

    month = models.DateField(help_text=_("First day of the month."))
    office_id = models.IntegerField(default=0)
    user_id = models.BigIntegerField()
    action = models.CharField(max_length=32, choices=Action.choices, default=Action.LOGIN)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office_id", "user_id", "action"],
                name="stats_usagemonthlyuser_action_key",
            )
        ]
        indexes = [models.Index(fields=["office_id", "month"], name="stats_monthlyuser_office")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} user {self.user_id} {self.action}"


class UsageRequestWait(models.Model):
    """How long fulfilled document requests took, as a histogram of whole days per month (of
    fulfilment) and office pair, so the median time to fulfil is read without the raw events.
    Folded by usage_rollup() from REQUEST_FULFILLED events (stats/requests.py)."""

    month = models.DateField(help_text=_("First day of the month of fulfilment."))
    office_id = models.IntegerField(help_text=_("The asking office."))
    provider_id = models.IntegerField(help_text=_("The office asked."))
    days = models.IntegerField(help_text=_("Whole days from asking to fulfilment."))
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office_id", "provider_id", "days"], name="stats_requestwait_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id}->{self.provider_id} {self.days} d ×{self.n}"


def report_upload_to(report: "StatisticsReport", filename: str) -> str:
    return f"stats/reports/{report.pk}/{filename}"


class StatisticsReport(BuildJob):
    """A PDF report too large to render during the request (long periods, all offices): a
    Celery task builds it into default storage and only its requester may download it."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Null means every office (operators only).
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    first_month = models.DateField()
    last_month = models.DateField()
    metric = models.CharField(max_length=16, default="views")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="stats_report_user"),
            models.Index(fields=["state", "created_at"], name="stats_report_state"),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} {self.file_name} {self.state}"

    def upload_path(self, filename: str) -> str:
        return report_upload_to(self, filename)

    @property
    def office_code(self) -> str:
        return self.office.code if self.office_id else "ALL"

    @property
    def file_name(self) -> str:
        return f"statistics_{self.office_code}_{self.first_month:%Y-%m}_{self.last_month:%Y-%m}.pdf"
