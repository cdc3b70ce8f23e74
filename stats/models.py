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


# The steps of a document request counted for the office asked (provider_id): the statistics
# page's "provided" read (stats/selectors.py: _PROVIDED) must ask for exactly these to be
# answered by the stats_monthly_provided index.
REQUEST_STEPS = [
    Action.REQUEST_MADE,
    Action.REQUEST_FULFILLED,
    Action.REQUEST_DECLINED,
    Action.REQUEST_EXPIRED,
]


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
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["occurred_at"], name="stats_usage_occurred"),
            models.Index(
                fields=["office", "action", "occurred_at"], name="stats_usage_office_action"
            ),
            models.Index(fields=["provider_office", "occurred_at"], name="stats_usage_provider"),
            # The few request events of a period, for the time to fulfil (stats/requests.py).
            models.Index(fields=["action", "occurred_at"], name="stats_usage_action_time"),
            # The request a fulfilment answers: the latest REQUEST_MADE of the pair and
            # application (stats/services.py), one index probe instead of a scan.
            models.Index(
                fields=["office", "provider_office", "application_id", "occurred_at"],
                condition=models.Q(action="request_made"),
                name="stats_usage_request_made",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gte=1), name="stats_usageevent_count_pos"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} ×{self.count}"


# The rollups below are written by usage_record() in the same transaction as the event, as
# append-only "unsettled" rows (no shared row is updated, so no request waits on another's row
# lock); usage_rollup() (beat, every minute) merges them into one settled row per key. Readers
# always SUM, so a figure is the same before and after a merge. See stats/services.py.
SETTLED, UNSETTLED = models.Q(settled=True), models.Q(settled=False)


def settled_key(name: str, *fields: str) -> models.UniqueConstraint:
    """One settled row per key: what usage_rollup() merges the unsettled rows into."""
    return models.UniqueConstraint(fields=list(fields), condition=SETTLED, name=name)


def unsettled_index(name: str) -> models.Index:
    """Finds the rows usage_rollup() has still to merge without reading the settled ones."""
    return models.Index(fields=["id"], condition=UNSETTLED, name=name)


class MonthlySums(models.Model):
    """What both office rollups sum per month (in settings.TIME_ZONE), office and action.

    Office ids are plain integers with 0 for "none" so that the unique key works for the
    merge's upsert (NULLs never conflict in a unique index)."""

    month = models.DateField(help_text=_("First day of the month."))
    office_id = models.IntegerField(default=0)
    action = models.CharField(max_length=32, choices=Action.choices)
    bulk = models.BooleanField(default=False)
    total = models.BigIntegerField(default=0)
    # How many events were summed: a search of a pasted list is one event whose count is the
    # numbers looked up, so submissions are `events` and numbers are `total`.
    events = models.BigIntegerField(default=0)
    settled = models.BooleanField(default=True)

    class Meta:
        abstract = True


class UsageMonthly(MonthlySums):
    """Sums per month, office pair, action and bulk: the office x office matrices.

    Every period the pages offer is whole months, so a month is the finest grain they need; at
    most months x offices x (offices + 1) x actions x 2 settled rows."""

    provider_id = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly usage")
        verbose_name_plural = _("monthly usage")
        constraints = [
            settled_key(
                "stats_usagemonthly_settled_key",
                "month",
                "office_id",
                "provider_id",
                "action",
                "bulk",
            )
        ]
        indexes = [
            models.Index(fields=["office_id", "month"], name="stats_monthly_office"),
            models.Index(fields=["provider_id", "month"], name="stats_monthly_provider"),
            models.Index(fields=["month"], name="stats_monthly_month"),
            unsettled_index("stats_monthly_unsettled"),
            # One office's requests received and answered per month (the statistics page)
            # from the index alone. Only request steps write it: a page view or a download,
            # the uses counted all day long, never does.
            models.Index(
                fields=["provider_id", "month"],
                include=["action", "total", "events"],
                condition=models.Q(action__in=REQUEST_STEPS),
                name="stats_monthly_provided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id}->{self.provider_id} {self.action} {self.total}"


class UsageMonthlyOffice(MonthlySums):
    """UsageMonthly without the providing office: what the figures of an office (or of all
    offices) sum, a few thousand rows for years instead of one per office pair.
    `with_provider` keeps apart the uses that name a providing office (matrix material)."""

    with_provider = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("monthly usage by office")
        verbose_name_plural = _("monthly usage by office")
        constraints = [
            settled_key(
                "stats_monthlyoffice_settled_key",
                "month",
                "office_id",
                "action",
                "bulk",
                "with_provider",
            )
        ]
        indexes = [
            models.Index(fields=["office_id", "month"], name="stats_monthlyoffice_office"),
            models.Index(fields=["month"], name="stats_monthlyoffice_month"),
            unsettled_index("stats_monthlyoffice_unsettled"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} {self.action} {self.total}"


class UsageMonthlyUser(models.Model):
    """What each person did per month and action: the "users of my office" page."""

    month = models.DateField(help_text=_("First day of the month."))
    office_id = models.IntegerField(default=0)
    user_id = models.BigIntegerField()
    action = models.CharField(max_length=32, choices=Action.choices, default=Action.LOGIN)
    total = models.BigIntegerField(default=0)
    events = models.BigIntegerField(default=0)
    last_at = models.DateTimeField(null=True, blank=True)
    settled = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("monthly usage by person")
        verbose_name_plural = _("monthly usage by person")
        constraints = [
            settled_key(
                "stats_usagemonthlyuser_settled_key", "month", "office_id", "user_id", "action"
            )
        ]
        indexes = [
            models.Index(fields=["office_id", "month"], name="stats_monthlyuser_office"),
            unsettled_index("stats_monthlyuser_unsettled"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} user {self.user_id} {self.action}"


class ActiveKind(models.TextChoices):
    ANY = "any", "Any use"
    LOGIN = "login", "Logged in"
    SEARCH = "search", "Searched"
    RETRIEVE = "retrieve", "Retrieved documents"


class UsageMonthlyActive(models.Model):
    """One row per person, month and kind of activity: distinct active users are a COUNT(*)
    per month and a COUNT(DISTINCT user_id) over a period, read from a few thousand rows.
    Inserted with ON CONFLICT DO NOTHING by usage_record()."""

    month = models.DateField(help_text="First day of the month.")
    office_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=8, choices=ActiveKind.choices)
    user_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("active person of a month")
        verbose_name_plural = _("active people by month")
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "month", "kind", "user_id"], name="stats_monthlyactive_key"
            )
        ]
        indexes = [models.Index(fields=["month", "kind"], name="stats_monthlyactive_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} user {self.user_id} {self.kind}"


class UsageActiveCount(models.Model):
    """How many UsageMonthlyActive rows a month, office and kind has: the monthly figure of
    active users read as one row. office_id ALL_OFFICES counts each person once over every
    office. Kept by usage_record() when it adds a UsageMonthlyActive row (a person's first use
    of that kind in the month), so it is updated a few times per person and month."""

    ALL_OFFICES = -1

    month = models.DateField(help_text="First day of the month.")
    office_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=8, choices=ActiveKind.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("active people count")
        verbose_name_plural = _("active people counts")
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "month", "kind"], name="stats_activecount_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} {self.kind} {self.n}"


class UsageActiveSpan(models.Model):
    """The months a person was active in, per office (and ALL_OFFICES) and kind, as bits: bit i
    of `months` is the month ERA_MONTHS * era + i (months counted from year 0). Distinct people
    over any period are then the rows whose bits meet the period's, one row per person and kind
    (two when the period crosses an era), where UsageMonthlyActive has one per month. Set by
    usage_record() together with the person's new UsageMonthlyActive row (stats/services.py)."""

    ERA_MONTHS = 60  # bits 0..59 of a signed 64-bit integer

    office_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=8, choices=ActiveKind.choices)
    user_id = models.BigIntegerField()
    era = models.IntegerField()
    months = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("active months of a person")
        verbose_name_plural = _("active months of people")
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "kind", "era", "user_id"], name="stats_activespan_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} user {self.user_id} {self.kind} era {self.era}: {self.months:b}"

    @classmethod
    def bit_of(cls, month) -> tuple[int, int]:
        """(era, bit mask) of a month."""
        index = month.year * 12 + month.month - 1
        return index // cls.ERA_MONTHS, 1 << (index % cls.ERA_MONTHS)


# The request-wait histogram's buckets, (first day, last day) with None for "and more": every
# whole day up to EXACT_WAIT_DAYS (requests are answered in days or weeks, and there the median is
# exact), then four wide buckets, so a pair's month is one row of a fixed width whatever the
# waits, and a median over a period sums a few rows per pair (stats/requests.py).
EXACT_WAIT_DAYS = 60
WAIT_BUCKETS: list[tuple[int, int | None]] = [
    *((day, day) for day in range(EXACT_WAIT_DAYS + 1)),
    (61, 90),
    (91, 180),
    (181, 365),
    (366, None),
]
WAIT_COLUMNS = [
    f"d{low}" if low == high else f"d{low}_{high if high else 'plus'}" for low, high in WAIT_BUCKETS
]


def wait_bucket(days: int) -> int:
    """Index in WAIT_BUCKETS of a wait of `days` whole days."""
    if days <= EXACT_WAIT_DAYS:
        return max(days, 0)
    return next(
        i
        for i, (_low, high) in enumerate(WAIT_BUCKETS)
        if i > EXACT_WAIT_DAYS and (high is None or days <= high)
    )


class UsageRequestWait(models.Model):
    """How long fulfilled document requests took: per month (of fulfilment) and office pair, how
    many waited each WAIT_BUCKETS bucket of whole days (columns d0 ... d366_plus), so the median
    time to fulfil is read without the raw events. Written by usage_record() for each
    REQUEST_FULFILLED event (stats/services.py)."""

    month = models.DateField(help_text=_("First day of the month of fulfilment."))
    office_id = models.IntegerField(help_text=_("The asking office."))
    provider_id = models.IntegerField(help_text=_("The office asked."))
    settled = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("request wait histogram")
        verbose_name_plural = _("request wait histograms")
        constraints = [
            settled_key("stats_requestwait_settled_key", "month", "office_id", "provider_id")
        ]
        indexes = [
            models.Index(fields=["month"], name="stats_requestwait_month"),
            models.Index(fields=["office_id", "month"], name="stats_requestwait_office"),
            models.Index(fields=["provider_id", "month"], name="stats_requestwait_provider"),
            unsettled_index("stats_requestwait_unsettled"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id}->{self.provider_id} ×{self.fulfilled}"

    @property
    def counts(self) -> list[int]:
        return [getattr(self, column) for column in WAIT_COLUMNS]

    @property
    def fulfilled(self) -> int:
        return sum(self.counts)


for _column in WAIT_COLUMNS:
    UsageRequestWait.add_to_class(_column, models.IntegerField(default=0))


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
        verbose_name = _("statistics report")
        verbose_name_plural = _("statistics reports")
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
