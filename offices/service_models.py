"""How the portal reaches an office that provides on the fly (its own web service).

A separate model (one row per web-service office) so the federation settings stay out of
Office's own fields. The credential is stored as given — the portal must present it to the
office — and is never logged or shown back in full (`token_hint`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OfficeService(models.Model):
    class Mode(models.TextChoices):
        DEPOSIT = "deposit", "Deposit (documents uploaded to the portal)"
        WEB_SERVICE = "web_service", "Web service (documents fetched from the office)"

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="service"
    )
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.DEPOSIT)
    base_url = models.URLField("base URL", max_length=300, blank=True)
    token = models.CharField("credential", max_length=300, blank=True)
    # Where the change feed left off (the office's own "until" mark).
    changes_until = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_result = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("office service")
        verbose_name_plural = _("office services")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="web_service") | ~models.Q(base_url=""),
                name="offices_officeservice_web_service_has_url",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.get_mode_display()}"

    @property
    def is_web_service(self) -> bool:
        return self.mode == self.Mode.WEB_SERVICE and bool(self.base_url)

    @property
    def token_hint(self) -> str:
        """What may be shown of the credential: its last four characters."""
        if not self.token:
            return "(none)"
        return "…" + self.token[-4:] if len(self.token) > 8 else "(set)"


_connection_tester = None


def connection_tester_register(tester) -> None:
    """dossiers (which offices must not import) gives the admin its "test connection" call."""
    global _connection_tester
    _connection_tester = tester


def office_service_test(service: OfficeService) -> str:
    result = _connection_tester(service) if _connection_tester else "no tester registered"
    OfficeService.objects.filter(pk=service.pk).update(
        checked_at=timezone.now(), check_result=result[:200]
    )
    return result


def office_service_save(
    *, office, mode: str, base_url: str | None = None, token: str | None = None
) -> OfficeService:
    """Set how the portal reaches `office`. None keeps the stored value (a blank form field must
    not wipe a credential nobody can read back). Raises ValidationError on bad input."""
    service, _ = OfficeService.objects.get_or_create(office=office)
    service.mode = mode
    if base_url is not None:
        service.base_url = base_url.strip().rstrip("/")
    if token is not None:
        service.token = token.strip()
    if service.mode == OfficeService.Mode.WEB_SERVICE and not service.token:
        raise ValidationError({"token": "A web-service office needs its credential."})
    service.updated_at = timezone.now()
    service.full_clean()
    service.save()
    return service
