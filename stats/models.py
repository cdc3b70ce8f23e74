"""The usage ledger: one row per counted use of the portal."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    LOGIN = "login", "Log in"
    LOGOUT = "logout", "Log out"
    SEARCH = "search", "Search"
    FAMILY_VIEW = "family_view", "Family view"
    DOCUMENT_VIEW = "document_view", "Document view"
    DOCUMENT_DOWNLOAD = "document_download", "Download"
    UPLOAD = "upload", "Upload"
    REQUEST_MADE = "request_made", "Document request made"
    REQUEST_FULFILLED = "request_fulfilled", "Document request fulfilled"
    NOTIFICATION_SENT = "notification_sent", "Notification sent"
    API_CALL = "api_call", "API call"


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
    bulk = models.BooleanField(default=False, help_text="Part of a package download.")
    via_api = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["occurred_at"], name="stats_usage_occurred"),
            models.Index(
                fields=["office", "action", "occurred_at"], name="stats_usage_office_action"
            ),
            models.Index(fields=["provider_office", "occurred_at"], name="stats_usage_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gte=1), name="stats_usageevent_count_pos"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} ×{self.count}"
