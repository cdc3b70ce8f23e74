"""Watch lists, the notification outbox and document requests between offices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Document, category_label


class Delivery(models.TextChoices):
    """How a person's notifications reach their mailbox (they are always in the portal)."""

    IMMEDIATE = "immediate", _("An e-mail for each notification, as it happens")
    DIGEST = "digest", _("One daily digest e-mail at 06:00 with everything since the last one")


class Preference(models.Model):
    """One person's notification settings; no row means the defaults (an e-mail at once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    # The day the last digest went out: claimed by a conditional UPDATE, so a person gets one
    # digest a day however many beats or workers run.
    digest_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"


class Watch(models.Model):
    """One person's interest in an application, or in its whole extended family.

    Anchored on an application, not a family: families merge and split on write, so a family id
    is not a stable thing to point at, while the anchor's current family always is.
    """

    class Scope(models.TextChoices):
        APPLICATION = "application", _("This application only")
        FAMILY = "family", _("The whole family")

    class Direction(models.TextChoices):
        ALL = "all", _("Incoming and outgoing")
        INCOMING = "incoming", _("Incoming only")
        OUTGOING = "outgoing", _("Outgoing only")

    class Delivery(models.TextChoices):
        # "" follows the person's settings; the other two override them for this watch.
        SETTINGS = "", _("As in my notification settings")
        IMMEDIATE = "immediate", _("An e-mail for each document")
        DIGEST = "digest", _("One daily digest e-mail")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        "dossiers.Application", on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.APPLICATION)
    # Empty means every category (so new categories are not silently missed).
    categories = models.JSONField(default=list, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.ALL)
    delivery = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.SETTINGS, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"], name="notifications_watch_one_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.application_id} ({self.scope})"

    def matches(self, document: Document) -> bool:
        if self.categories and document.category not in self.categories:
            return False
        return self.direction == self.Direction.ALL or self.direction == document.direction

    def category_labels(self) -> list[str]:
        return [category_label(c) for c in self.categories]


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at=None)

    def email_pending(self):
        return self.filter(sent_at=None).exclude(email=Notification.Email.NONE)


class Notification(models.Model):
    """An in-app notification and, at the same time, the outbox row of its e-mail.

    Written in the transaction of the event; a task claims it (conditional UPDATE) and sends.
    """

    class Kind(models.TextChoices):
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_WITHDRAWN = "document_withdrawn", _("Document withdrawn")
        REQUEST_UPDATED = "request_updated", _("Request updated")
        PACKAGE_READY = "package_ready", _("Package ready")
        INVITATION = "invitation", _("Invitation")
        REQUEST_RECEIVED = "request_received", _("Request received")
        DOCUMENT_CORRECTED = "document_corrected", _("Document corrected")
        PACKAGE_TOP_UP = "package_top_up", _("Top-up package ready")
        PACKAGE_CHANGED = "package_changed", _("Packaged document withdrawn or corrected")

    class Email(models.TextChoices):
        NONE = "none", _("No e-mail")
        IMMEDIATE = "immediate", _("Immediate")
        DIGEST = "digest", _("Daily digest")

    # Empty only for an e-mail to an office's request inbox (`email_to`): nobody's in-app list.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email_to = models.EmailField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Empty only for package notifications (a whole worklist) and invitations (e-mail only).
    application = models.ForeignKey(
        "dossiers.Application", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    package = models.ForeignKey(
        "dossiers.Package", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        "dossiers.Document", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A web-service office's document (no row): its id at the office, what it is and its date;
    # `application` is the member it belongs to (dossiers:remote-document-detail).
    remote_document_id = models.CharField(max_length=80, blank=True)
    remote_category = models.CharField(max_length=20, choices=Document.Category.choices, blank=True)
    remote_date = models.DateField(null=True, blank=True)
    request = models.ForeignKey(
        "DocumentRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The watch that caused it: its e-mail carries a one-click unsubscribe link for that watch.
    watch = models.ForeignKey(
        "Watch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.IMMEDIATE)
    # Outbox state: claimed_at/claim_token while a worker sends, sent_at once the mail is out.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notifications_user_unread"),
            models.Index(
                fields=["email", "created_at"],
                condition=Q(sent_at=None),
                name="notifications_outbox",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email_to=""),
                name="notifications_notification_user_or_address",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def about_document(self) -> tuple[str, object] | None:
        """(category label, date) of the document it is about, deposited or web-service."""
        if self.document_id:
            return self.document.get_category_display(), self.document.date
        if self.remote_document_id:
            return self.get_remote_category_display(), self.remote_date
        return None


class DocumentRequest(models.Model):
    """An office asks another office for reports of one of its applications (or of a number
    the portal does not hold yet: `wanted_key`, attached when the office provides it)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        # "acknowledged" since the start; shown as accepted (with an expected date).
        ACKNOWLEDGED = "acknowledged", _("Accepted")
        EXAMINATION_COMMENCED = "examination_commenced", _("Examination commenced")
        FULFILLED = "fulfilled", _("Fulfilled")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    class Wanted(models.TextChoices):
        ALL = "all", _("All reports")
        SEARCH_REPORT = "search_report", _("Search report")
        WRITTEN_OPINION = "written_opinion", _("Written opinion")
        OFFICE_ACTION = "office_action", _("Latest office action")

    ACTIVE = (State.OPEN, State.ACKNOWLEDGED, State.EXAMINATION_COMMENCED)
    # Allowed manual moves by the providing office; fulfilment comes from an upload.
    TRANSITIONS = {
        State.OPEN: {State.ACKNOWLEDGED, State.EXAMINATION_COMMENCED, State.DECLINED},
        State.ACKNOWLEDGED: {State.EXAMINATION_COMMENCED, State.DECLINED},
        # Commenced -> commenced moves the expected date.
        State.EXAMINATION_COMMENCED: {State.EXAMINATION_COMMENCED, State.DECLINED},
        State.FULFILLED: set(),
        State.DECLINED: set(),
        State.EXPIRED: set(),
    }

    application = models.ForeignKey(
        "dossiers.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_requests",
    )
    # The number asked for (display form and key), kept also once the application exists.
    wanted_key = models.CharField(max_length=40, blank=True, db_index=True)
    wanted_display = models.CharField(max_length=60, blank=True)
    category = models.CharField(max_length=20, choices=Wanted.choices, default=Wanted.ALL)
    # The requester's own application (the one under examination) and its examination date.
    requester_application = models.ForeignKey(
        "dossiers.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    needed_by = models.DateField(null=True, blank=True)
    requesting_office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="requests_made"
    )
    # The application's office, kept on the row so the queue is one indexed filter.
    provider_office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="requests_received"
    )
    requesters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="RequestJoin", related_name="document_requests"
    )
    state = models.CharField(max_length=24, choices=State.choices, default=State.OPEN)
    expected_date = models.DateField("reports expected by", null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    fulfilled_by = models.ForeignKey(
        "dossiers.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Fulfilled by a web-service office's document of `application` (no row to point at).
    fulfilled_remote_id = models.CharField(max_length=80, blank=True)
    fulfilled_remote_category = models.CharField(
        max_length=20, choices=Document.Category.choices, blank=True
    )
    fulfilled_remote_date = models.DateField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["provider_office", "state"], name="notifications_req_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requesting_office", "category"],
                condition=Q(
                    state__in=["open", "acknowledged", "examination_commenced"],
                    application__isnull=False,
                ),
                name="notifications_request_one_active_per_office_category",
            ),
            models.UniqueConstraint(
                fields=["wanted_key", "requesting_office", "category"],
                condition=Q(
                    state__in=["open", "acknowledged", "examination_commenced"],
                    application__isnull=True,
                ),
                name="notifications_request_one_active_per_wanted_number",
            ),
            models.CheckConstraint(
                condition=Q(application__isnull=False) | ~Q(wanted_key=""),
                name="notifications_request_application_or_number",
            ),
            models.CheckConstraint(
                condition=~Q(state="examination_commenced") | Q(expected_date__isnull=False),
                name="notifications_request_commenced_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="notifications_request_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk} {self.requesting_office_id}->{self.wanted_key} {self.state}"

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.created_at).days

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_active and self.needed_by and self.needed_by < timezone.localdate())

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def state_label(self) -> str:
        if self.state in (self.State.EXAMINATION_COMMENCED, self.State.ACKNOWLEDGED) and (
            self.expected_date
        ):
            return _("%(state)s — reports expected by %(date)s") % {
                "state": self.get_state_display(),
                "date": f"{self.expected_date:%Y-%m-%d}",
            }
        return self.get_state_display()

    @property
    def pill(self) -> str:
        return {
            "open": "pill-blue",
            "acknowledged": "pill-blue",
            "examination_commenced": "pill-amber",
            "fulfilled": "pill-green",
            "declined": "pill-red",
            "expired": "pill-grey",
        }[self.state]


class RequestJoin(models.Model):
    """One examiner's part in a request: the first creates it, later ones join it."""

    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="joins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="notifications_join_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in request {self.request_id}"


class AccountMail(models.Model):
    """An e-mail of the sign-in machinery (a password reset link, "your password was changed"),
    queued like every other mail: a worker sends it and retries a mail server that is down,
    and the web request that asked for it never waits on SMTP. Its body is emptied once sent,
    so a reset link does not stay in the database."""

    to = models.TextField()  # the addresses, one per line
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], name="notif_accountmail_unsent", condition=Q(sent_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to.replace(chr(10), ', ')}"
