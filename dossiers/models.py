"""Applications, their families and the documents offices share about them.

Numbers are stored as `key` (canonical, from dossiers.numbers) plus `display` (the one format
shown to people). Every number that leads to an application is also in LookupKey, so a search is
one indexed lookup.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from case_portal.jobs import BuildJob


class Family(models.Model):
    """An extended family: applications linked through priority claims and PCT links.

    Maintained on write by services.bulk.applications_write (merge on insert), never per request.
    """

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return f"Family {self.pk}"


def visibility_shape(user) -> tuple:
    """All that Application and Document visible_to read of `user`: their SQL differs only by
    it (case_portal/compiled.py keeps the SQL of a read per shape)."""
    return (bool(getattr(user, "is_operator", False)), getattr(user, "office_id", None))


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own office's applications, and published ones of the others. Never unpublished.
        (What it reads of `user` is visibility_shape's too: keep them in step.)"""
        if getattr(user, "is_operator", False):
            return self
        office_id = getattr(user, "office_id", None)
        if office_id is None:
            return self.none()
        return self.filter(Q(office_id=office_id) | Q(published=True))

    def in_office(self, code: str):
        return self.filter(office__code=code)

    def provided_by(self, user):
        """The applications `user` may write: their own office's, if that office provides."""
        office_id = getattr(user, "office_id", None)
        if office_id is None:
            return self.none()
        return self.filter(office_id=office_id, office__provides=True)


class Application(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        PUBLISHED = "published", _("Published")
        EXAMINATION_COMMENCED = "examination_commenced", _("Examination commenced")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="applications"
    )
    # Unique by a named constraint, not unique=True: that would add a second (LIKE) index
    # nothing uses, written on every import. Numbers are found through LookupKey.
    key = models.CharField(max_length=40)
    display = models.CharField(max_length=60)
    is_pct = models.BooleanField(default=False)
    filing_date = models.DateField(null=True, blank=True)
    title = models.TextField(blank=True)
    applicants = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.FILED)
    published = models.BooleanField(default=False)
    examination_date = models.DateField(null=True, blank=True)
    # The PCT application this one entered the national/regional phase from (by number).
    # Not indexed: PCT numbers are found through LookupKey (source "pct").
    pct_key = models.CharField(max_length=40, blank=True)
    pct_display = models.CharField(max_length=60, blank=True)
    # No index of its own: dossiers_app_family_date (family, filing_date) serves family reads, and
    # every index is one more write per application a back file loads.
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="members", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        # "application" alone is also a French word (Django's own admin uses it): say what it is.
        verbose_name = _("patent application")
        verbose_name_plural = _("patent applications")
        ordering = ["filing_date", "key"]
        indexes = [models.Index(fields=["family", "filing_date"], name="dossiers_app_family_date")]
        constraints = [models.UniqueConstraint(fields=["key"], name="dossiers_application_key")]

    def __str__(self) -> str:
        return self.display


class Publication(models.Model):
    # Indexed by the unique constraint (application, key, kind_code), whose first column it is.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="publications", db_index=False
    )
    key = models.CharField(max_length=40)
    display = models.CharField(max_length=60)
    kind_code = models.CharField(max_length=4, blank=True)
    date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["date", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "key", "kind_code"], name="dossiers_publication_unique"
            )
        ]

    def __str__(self) -> str:
        return self.display


class PriorityClaim(models.Model):
    # Indexed by the unique constraint (application, key), whose first column it is.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="priority_claims", db_index=False
    )
    office_code = models.CharField(max_length=2)
    # Not indexed: priority numbers are found through LookupKey (source "priority").
    key = models.CharField(max_length=40)
    display = models.CharField(max_length=60)
    date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["date", "key"]
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="dossiers_priority_unique")
        ]

    def __str__(self) -> str:
        return self.display


class LookupKey(models.Model):
    """Every number that leads to an application: its own, publications, priorities, PCT."""

    class Source(models.TextChoices):
        APPLICATION = "application", _("Application number")
        PUBLICATION = "publication", _("Publication number")
        PRIORITY = "priority", _("Priority number")
        PCT = "pct", _("PCT application number")

    # Sources that connect applications into one extended family.
    LINKING = (Source.APPLICATION, Source.PRIORITY, Source.PCT)

    key = models.CharField(max_length=40)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="lookup_keys"
    )
    source = models.CharField(max_length=12, choices=Source.choices)

    class Meta:
        # Lookups by key use the unique constraint (key, application, source): no second index.
        constraints = [
            models.UniqueConstraint(
                fields=["key", "application", "source"], name="dossiers_lookupkey_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.source})"


class DocumentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(withdrawn_at=None)

    def visible_to(self, user, *, include_withdrawn: bool = False):
        """Documents an office's policy admits the user's office to, on applications it may see.
        `include_withdrawn`: also those it could see until they were withdrawn (to announce it).
        (What it reads of `user` is visibility_shape's too: keep them in step.)"""
        if getattr(user, "is_operator", False):
            return self
        office = getattr(user, "office", None)
        if office is None:
            return self.none()
        own = Q(application__office_id=office.pk)
        shared = Q(application__published=True, application__office__is_active=True) & (
            Q(application__office__shares_with_all=True)
            | Q(application__office__shares_with=office)
        )
        if not include_withdrawn:
            shared &= Q(withdrawn_at=None)
        return self.filter(own | shared).distinct()

    def provided_by(self, user):
        """Documents (withdrawn ones too: their history is the office's) `user` may write."""
        office_id = getattr(user, "office_id", None)
        if office_id is None:
            return self.none()
        return self.filter(application__office_id=office_id, application__office__provides=True)


def document_upload_to(instance: "Document", filename: str) -> str:
    # Never the uploaded name: it is untrusted and may collide. Files are served by views only.
    return f"documents/{instance.application.office.code}/{uuid.uuid4().hex}.pdf"


class Document(models.Model):
    class Category(models.TextChoices):
        SEARCH_REPORT = "search_report", _("Search report")
        WRITTEN_OPINION = "written_opinion", _("Written opinion")
        OFFICE_ACTION = "office_action", _("Examination report / office action")
        CITATION_LIST = "citation_list", _("Citation list")
        CLAIMS = "claims", _("Claims")
        OTHER = "other", _("Other")

    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing (issued by the office)")
        INCOMING = "incoming", _("Incoming (from the applicant)")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    category = models.CharField(max_length=20, choices=Category.choices)
    code = models.CharField("office's document code", max_length=40, blank=True)
    date = models.DateField()
    language = models.CharField(max_length=8, default="en")
    direction = models.CharField(
        max_length=8, choices=Direction.choices, default=Direction.OUTGOING
    )
    pages = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    # What the upload sanitiser took out (e.g. ["JavaScript", "OpenAction"]); the stored file
    # is the cleaned copy.
    removed_content = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["application", "category"], name="dossiers_doc_app_cat")]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sha256"],
                condition=Q(withdrawn_at=None),
                name="dossiers_document_unique_live_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.display} {self.get_category_display()} {self.date}"

    @property
    def is_report(self) -> bool:
        return self.category in (
            self.Category.SEARCH_REPORT,
            self.Category.WRITTEN_OPINION,
            self.Category.OFFICE_ACTION,
        )


class Citation(models.Model):
    class Category(models.TextChoices):
        X = "X", _("X — relevant alone")
        Y = "Y", _("Y — relevant combined")
        A = "A", _("A — background")
        P = "P", _("P — intermediate")
        E = "E", _("E — earlier, published later")
        D = "D", _("D — cited in the application")
        L = "L", _("L — other reasons")
        O = "O", "O — non-written disclosure"  # noqa: E741
        T = "T", _("T — theory or principle")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="citations")
    cited_key = models.CharField(max_length=40, blank=True, db_index=True)
    cited_display = models.CharField(max_length=60, blank=True)
    npl_text = models.TextField("non-patent literature", blank=True)
    category = models.CharField(max_length=8, help_text=_("X, Y, A… or a combination like X,Y"))
    claims = models.CharField("claims concerned", max_length=100, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(cited_key="") | ~Q(npl_text=""),
                name="dossiers_citation_patent_or_npl",
            )
        ]

    def __str__(self) -> str:
        return self.cited_display or self.npl_text[:60]


# --- worklists and packages (issue 7) ---


class Worklist(models.Model):
    """A clerk's list of their own office's applications, each with its examination date."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The lines of the last submission that were not added, with line number and reason, kept
    # until the next submission so the clerk can fix and re-submit exactly those.
    rejected_lines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("worklist")
        verbose_name_plural = _("worklists")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class WorklistEntry(models.Model):
    worklist = models.ForeignKey(Worklist, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    examination_date = models.DateField(null=True, blank=True)
    typed = models.CharField("number as typed", max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["examination_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["worklist", "application"], name="dossiers_worklistentry_unique"
            )
        ]
        indexes = [models.Index(fields=["examination_date"], name="dossiers_wle_exam_date")]

    def __str__(self) -> str:
        return f"{self.application_id} on {self.examination_date}"


def package_upload_to(instance: "Package", filename: str) -> str:
    return f"packages/{instance.office.code}/{uuid.uuid4().hex}.zip"


class Package(BuildJob):
    """One ZIP of the foreign reports for a worklist (or a selection of its entries)."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Built on request")
        JUST_IN_TIME = "just_in_time", _("Built automatically before examination")
        # Entries added to a date after its package, or reports that arrived since.
        TOP_UP = "top_up", _("Top-up before examination")

    worklist = models.ForeignKey(Worklist, on_delete=models.CASCADE, related_name="packages")
    # Copied from the worklist: every access check on a package is one indexed filter.
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    # The examination date a just-in-time package was built for (one per worklist and date).
    for_examination_date = models.DateField(null=True, blank=True)
    application_ids = models.JSONField(default=list)
    only_new = models.BooleanField(
        "only documents not delivered in an earlier package", default=False
    )
    size = models.PositiveBigIntegerField(default=0)
    # Times the ZIP was made again because a document it carried was withdrawn or corrected
    # (a rebuild carries the same documents, minus the withdrawn; the clerk is told once).
    rebuilds = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "state"], name="dossiers_package_office_state"),
            models.Index(fields=["state", "expires_at"], name="dossiers_package_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["worklist", "for_examination_date"],
                condition=Q(trigger="just_in_time"),
                name="dossiers_package_one_jit_per_date",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="dossiers_package_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"Package {self.pk} ({self.state})"

    def upload_path(self, filename: str) -> str:
        return package_upload_to(self, filename)


class PackageItem(models.Model):
    """A document delivered in a package: "only new documents" and the ledger read these."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    # A deposited document's row, or a web-service office's document (dossiers/federation):
    # the member it belongs to, its id at the office and what it was, so "only new", top-ups
    # and the top-up notice know it without asking the office.
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    remote_application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    remote_id = models.CharField(max_length=80, blank=True)
    remote_category = models.CharField(max_length=20, blank=True)
    remote_date = models.DateField(null=True, blank=True)
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "application", "document"], name="dossiers_packageitem_unique"
            ),
            models.UniqueConstraint(
                fields=["package", "application", "remote_application", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="dossiers_packageitem_remote_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(document__isnull=False, remote_application__isnull=True, remote_id="")
                    | models.Q(document__isnull=True, remote_application__isnull=False)
                    & ~models.Q(remote_id="")
                ),
                name="dossiers_packageitem_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["application", "document"], name="dossiers_pkgitem_app_doc")
        ]

    def __str__(self) -> str:
        return self.path

    def described(self) -> tuple[Application, str, dt.date]:
        """(member, category label, date) of the delivered document, deposited or not."""
        if self.document_id is not None:
            d = self.document
            return d.application, d.get_category_display(), d.date
        return self.remote_application, category_label(self.remote_category), self.remote_date


def category_label(value: str):
    """A category's words in the active language; a value the portal does not know, as it is."""
    return _CATEGORY_LABELS.get(value, value)


_CATEGORY_LABELS = dict(Document.Category.choices)


def _category_words(value: str) -> str:
    return str(category_label(value)).lower()


def correction_words(before: dict, after: dict) -> str:
    """What a correction changed that a reader notices (date, category), in the active
    language: "date 2026-11-30 → 2026-12-01, category search report → written opinion"."""
    parts = []
    if after["date"] and after["date"] != before["date"]:
        parts.append(
            _("date %(before)s → %(after)s")
            % {"before": f"{before['date']:%Y-%m-%d}", "after": f"{after['date']:%Y-%m-%d}"}
        )
    if after["category"] and after["category"] != before["category"]:
        parts.append(
            _("category %(before)s → %(after)s")
            % {
                "before": _category_words(before["category"]),
                "after": _category_words(after["category"]),
            }
        )
    return ", ".join(str(part) for part in parts)


class PackageChange(models.Model):
    """A document a delivered package carried that was withdrawn or corrected afterwards: the
    flag on the worklist page (the clerk may have put the old version on file)."""

    class Kind(models.TextChoices):
        WITHDRAWN = "withdrawn", pgettext_lazy("a document a package delivered", "Withdrawn")
        CORRECTED = "corrected", pgettext_lazy("a document a package delivered", "Corrected")

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="changes")
    # The clerk's own application the document was delivered for, and the document.
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The facts, put into words in the reader's language when shown: the document as the
    # package delivered it, the day it changed, why (withdrawn) or what it became (corrected).
    delivered_category = models.CharField(max_length=20, blank=True)
    delivered_date = models.DateField(null=True, blank=True)
    changed_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    corrected_category = models.CharField(max_length=20, blank=True)
    corrected_date = models.DateField(null=True, blank=True)
    # English words of flags written before the facts were kept (shown only for those).
    delivered_as = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivered_text}: {self.detail_text}"

    @property
    def delivered_text(self) -> str:
        """ "CA 2,827,121 search report of 2026-11-30", as the package delivered it."""
        if not self.delivered_category:
            return self.delivered_as
        return _("%(number)s %(category)s of %(date)s") % {
            "number": self.document.application.display,
            "category": _category_words(self.delivered_category),
            "date": f"{self.delivered_date:%Y-%m-%d}",
        }

    @property
    def detail_text(self) -> str:
        if not self.changed_on:
            return self.detail
        on = f"{self.changed_on:%Y-%m-%d}"
        if self.kind == self.Kind.WITHDRAWN:
            return _("withdrawn on %(date)s because %(reason)s") % {
                "date": on,
                "reason": self.reason,
            }
        change = correction_words(
            {"category": self.delivered_category, "date": self.delivered_date},
            {"category": self.corrected_category, "date": self.corrected_date},
        )
        return _("corrected on %(date)s: %(change)s") % {"date": on, "change": change}

    @property
    def text(self) -> str:
        return f"{self.delivered_text}, {self.detail_text}"


def merged_pdf_upload_to(instance: "MergedPdf", filename: str) -> str:
    return f"merged/{instance.requested_by_id}/{uuid.uuid4().hex}.pdf"


class MergedPdf(BuildJob):
    """A family's "one PDF" too large to merge during the request: a Celery task builds it into
    default storage, and only its requester may download it. `left_out` lists (on the cover
    too) what the requester could no longer see when it was built."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    document_ids = models.JSONField(default=list)
    heading = models.CharField(max_length=300)
    title = models.CharField(max_length=500, blank=True)
    file_name = models.CharField(max_length=200)
    left_out = models.JSONField(default=list)
    pages = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="dossiers_merged_user"),
            models.Index(fields=["state", "expires_at"], name="dossiers_merged_expiry"),
        ]

    def __str__(self) -> str:
        return f"one PDF {self.pk} {self.file_name} {self.state}"

    def upload_path(self, filename: str) -> str:
        return merged_pdf_upload_to(self, filename)


from .federation.tracking_models import RemoteListing  # noqa: E402,F401  (registered with the app)
