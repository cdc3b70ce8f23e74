"""Offices, their people, their sharing policy and their machine clients' API keys."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

st3_code = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter WIPO ST.3 code, e.g. CA.")


class OfficeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def providers_visible_to(self, office: "Office | None"):
        """Providing offices whose documents `office` may see under their access policies."""
        if office is None:
            return self.none()
        return (
            self.filter(is_active=True, provides=True)
            .filter(Q(shares_with_all=True) | Q(shares_with=office) | Q(pk=office.pk))
            .distinct()
        )


class Office(models.Model):
    code = models.CharField(max_length=2, unique=True, validators=[st3_code])
    name = models.CharField(max_length=200)
    accesses = models.BooleanField(
        default=True, help_text=_("Its examiners read other offices' work.")
    )
    provides = models.BooleanField(default=True, help_text=_("It shares its own work."))
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    # Access policy: by default a providing office shares with every participant.
    shares_with_all = models.BooleanField(default=True)
    shares_with = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="admitted_by"
    )
    package_lead_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Days before an examination date that packages are prepared.")
    )
    # Who hears of another office's document request (chosen by the office admin). Nobody
    # chosen and no inbox: every clerk and admin of the office.
    request_inbox = models.EmailField(
        "request inbox address",
        blank=True,
        help_text=_("A shared mailbox that receives every document request for this office."),
    )
    request_contacts = models.ManyToManyField(
        "offices.User",
        blank=True,
        related_name="+",
        help_text=_("Clerks and admins who receive document requests by e-mail."),
    )

    class DateOrder(models.TextChoices):
        # The values are dossiers.dates' order names; offices imports no other app.
        ASK = "ask", _("Ask when a date like 03/04/2026 could be read both ways")
        DAY_FIRST = "dmy", _("Day first: 03/04/2026 is 3 April 2026")
        MONTH_FIRST = "mdy", _("Month first: 03/04/2026 is 4 March 2026")

    worklist_date_order = models.CharField(
        "date order in worklists",
        max_length=3,
        choices=DateOrder.choices,
        default=DateOrder.ASK,
        help_text=_("How the office's clerks write dates with slashes in worklist lines."),
    )

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def participates(self) -> bool:
        """Active and still reading or sharing work: otherwise its people and keys stop."""
        return self.is_active and (self.accesses or self.provides)

    def admits(self, accessing: "Office | None") -> bool:
        """Whether `accessing` may see this office's documents (one-object form of the policy)."""
        if accessing is None or not self.is_active:
            return False
        if accessing.pk == self.pk or self.shares_with_all:
            return True
        return self.shares_with.filter(pk=accessing.pk).exists()


class UserQuerySet(models.QuerySet):
    def in_office(self, office: "Office"):
        return self.filter(office=office)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_operator=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    class Role(models.TextChoices):
        EXAMINER = "examiner", _("Examiner")
        CLERK = "clerk", _("Clerk")
        OFFICE_ADMIN = "office_admin", _("Office admin")

    username = None
    email = models.EmailField("e-mail address", unique=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EXAMINER)
    # Operators run the whole portal; they may belong to no office.
    is_operator = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Interface language (a code of settings.LANGUAGES): pages, e-mails and notifications.
    # Blank until first known: then the browser's language at login. No choices on the field,
    # so adding a language needs no migration.
    language = models.CharField("language", max_length=10, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=False) | Q(is_operator=True),
                name="offices_user_office_or_operator",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_office_admin(self) -> bool:
        return self.role == self.Role.OFFICE_ADMIN and self.office_id is not None

    @property
    def is_examiner(self) -> bool:
        return self.role == self.Role.EXAMINER

    @property
    def is_clerk(self) -> bool:
        return self.role == self.Role.CLERK

    @property
    def needs_mfa(self) -> bool:
        return self.is_operator or self.is_office_admin

    @property
    def can_provide(self) -> bool:
        """Clerks and admins of a providing office write their office's data."""
        return (
            self.office is not None
            and self.office.provides
            and self.role in (self.Role.CLERK, self.Role.OFFICE_ADMIN)
        )


class ApiKeyQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at=None, office__is_active=True).filter(
            Q(office__accesses=True) | Q(office__provides=True)
        )


class ApiKey(models.Model):
    """A machine client's credential. Only a hash is stored; the key is shown once."""

    class Scope(models.TextChoices):
        ACCESS = "access", _("Access (read other offices' work)")
        PROVIDE = "provide", _("Provide (write our office's data)")

    PREFIX_LEN = 8

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=PREFIX_LEN, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.office.code} {self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        # Keys are 256-bit random tokens, so a fast hash is enough (no dictionary to attack).
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "case_" + secrets.token_urlsafe(32)

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        """A scope works only while the office still does that (reads, or shares its work)."""
        if scope == self.Scope.ACCESS and not self.office.accesses:
            return False
        if scope == self.Scope.PROVIDE and not self.office.provides:
            return False
        return scope in self.scopes


from .service_models import OfficeService  # noqa: E402,F401  (registered with the app's models)


def office_request_recipients(office: Office) -> tuple[list[User], list[User]]:
    """Who hears of a document request to `office`: (told in the portal and by e-mail, told in
    the portal only). The admin's chosen contacts; else, when an inbox address takes the
    e-mail, every clerk and admin in the portal only; else every clerk and admin by e-mail."""
    staff = list(
        User.objects.filter(
            office=office,
            is_active=True,
            role__in=(User.Role.CLERK, User.Role.OFFICE_ADMIN),
        ).order_by("pk")
    )
    chosen = {u.pk for u in office.request_contacts.all()}
    if chosen:
        return [u for u in staff if u.pk in chosen], [u for u in staff if u.pk not in chosen]
    if office.request_inbox:
        return [], staff
    return staff, []
