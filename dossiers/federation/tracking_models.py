"""What the portal has seen of each application's list at its office's service: the change
tracker (tracking.py) announces a document once, and only once, by recording its id here in the
same transaction as the notification rows it causes."""

from django.db import models
from django.utils import timezone


class RemoteListing(models.Model):
    application = models.OneToOneField(
        "dossiers.Application", on_delete=models.CASCADE, related_name="remote_listing"
    )
    # The office's document ids announced (or taken as already known at the first listing).
    # Kept when a document leaves the list: if it comes back it is not news a second time.
    seen = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.application_id}: {len(self.seen)} document(s) seen"
