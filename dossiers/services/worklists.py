"""Worklists: a clerk's own office's applications with their examination dates.

Lines come from a CSV file or pasted text, in the shapes spreadsheets really produce: a BOM,
Windows line endings, `;` or `,` between columns, extra columns, blank lines, an optional header
and numbers in any spelling — even with thousands commas inside an unquoted `,` line. Every line
is either added or reported back with its line number and the reason; nothing is dropped silently.
"""

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from offices.models import Office

from .. import numbers
from ..models import Application, Document, LookupKey, Package, PackageItem, Worklist, WorklistEntry
from ..selectors import _office_of

MAX_LINES = 5000
DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
DATE_ORDERS = {
    DAY_FIRST: "Day first: 01/12/2026 is 1 December 2026",
    MONTH_FIRST: "Month first: 12/01/2026 is 1 December 2026",
}
# A field "looks like a date" when it is three groups of digits; only then is a `,` line split
# there, so "CA 2,123,456,2026-12-01" keeps its thousands commas in the number.
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_DATE_EXAMPLE = "2026-12-01 or 01/12/2026"


class Reason:
    INVALID = "Invalid number"
    NOT_OURS = "Not an application of your office"
    DATE = "Unknown date format"
    DUPLICATE = "Duplicate"


@dataclass
class ParsedLine:
    line_no: int
    text: str
    number_text: str = ""
    date_text: str = ""
    number: numbers.PatentNumber | None = None
    date: dt.date | None = None
    application: Application | None = None
    reason: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason

    def as_rejected(self) -> dict:
        return {
            "line": self.line_no,
            "text": self.text,
            "reason": self.reason,
            "detail": self.detail,
        }


@dataclass
class AddResult:
    added: list[ParsedLine] = field(default_factory=list)
    rejected: list[ParsedLine] = field(default_factory=list)


def text_from_upload(data: bytes) -> str:
    """Decode a CSV file as Excel writes it: UTF-8 with or without BOM, UTF-16 with BOM
    ("Unicode text"), else Windows-1252."""
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    encodings = ("utf-16", "utf-8-sig", "cp1252") if utf16 else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def date_parse(text: str, *, order: str = DAY_FIRST) -> dt.date:
    """ISO dates always; slashed or dotted dates day-first or month-first as the clerk says."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if not m:
            raise ValueError(f"‘{text}’ is not a date like {_DATE_EXAMPLE}")
        a, b, year = (int(g) for g in m.groups())
        day, month = (a, b) if order == DAY_FIRST else (b, a)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        first = "day-first" if order == DAY_FIRST else "month-first"
        raise ValueError(f"‘{text}’ is not a valid date (read {first}: {exc})") from exc


def _looks_like_header(fields: list[str]) -> bool:
    return not any(ch.isdigit() for ch in "".join(fields))


def _split(line: str) -> tuple[str, str]:
    """(number text, date text) of one line; columns after the date are ignored."""
    delimiter = ";" if ";" in line else "\t" if "\t" in line else ","
    fields = [f.strip() for f in next(csv.reader([line], delimiter=delimiter))]
    while fields and not fields[-1]:
        fields.pop()
    if not fields:
        return "", ""
    if delimiter != ",":
        return fields[0], fields[1] if len(fields) > 1 else ""
    for i in range(1, len(fields)):
        if _DATE_LIKE.match(fields[i]):
            return ",".join(fields[:i]).strip(), fields[i]
    whole = ",".join(fields)
    try:
        numbers.normalise(whole)
        return whole, ""
    except numbers.InvalidNumber:
        return fields[0], fields[1] if len(fields) > 1 else ""


def lines_parse(*, text: str, office: Office, order: str = DAY_FIRST) -> list[ParsedLine]:
    """Parse every non-blank line and resolve the numbers against the office's applications with
    one query. Line numbers count every physical line (blank ones too), as an editor shows them."""
    parsed: list[ParsedLine] = []
    first = True
    # NUL characters mean nothing in a CSV line, and PostgreSQL cannot store them in the report
    # of rejected lines.
    text = (text or "").replace("\x00", "")
    for line_no, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        number_text, date_text = _split(line)
        if first and _looks_like_header([number_text, date_text]):
            first = False
            continue
        first = False
        item = ParsedLine(line_no=line_no, text=line, number_text=number_text, date_text=date_text)
        parsed.append(item)
        if len(parsed) > MAX_LINES:
            item.reason, item.detail = "Too many lines", f"At most {MAX_LINES} lines at a time."
            continue
        try:
            item.number = numbers.normalise(number_text, office=office.code)
        except numbers.InvalidNumber as exc:
            item.reason, item.detail = Reason.INVALID, str(exc)
            continue
        if date_text:
            try:
                item.date = date_parse(date_text, order=order)
            except ValueError as exc:
                item.reason, item.detail = Reason.DATE, str(exc)

    keys = {k for p in parsed if p.number for k in (p.number.key, *p.number.candidates)}
    found: dict[str, Application] = {}
    if keys:
        rows = LookupKey.objects.filter(key__in=keys, application__office=office).select_related(
            "application"
        )
        # An application's own number wins over a publication or priority number that happens
        # to share the key.
        for row in sorted(rows, key=lambda r: r.source != LookupKey.Source.APPLICATION):
            found.setdefault(row.key, row.application)
    for p in parsed:
        if not p.number or p.reason == "Too many lines":
            continue
        app = next((found[k] for k in (p.number.key, *p.number.candidates) if k in found), None)
        if app is None:
            if p.reason:
                continue  # keep the date error; the number is reported once fixed
            p.reason = Reason.NOT_OURS
            if p.number.office != office.code:
                p.detail = (
                    f"{p.number.display} is a {p.number.office} number, not one of {office.code}."
                )
            else:
                p.detail = f"No {office.code} application {p.number.display} is in the portal."
            continue
        p.application = app
    return parsed


@transaction.atomic
def worklist_create(*, user, name: str) -> Worklist:
    office = _office_of(user)
    name = (name or "").strip() or f"Worklist of {timezone.localdate():%Y-%m-%d}"
    worklist = Worklist(office=office, name=name[:200], created_by=user)
    worklist.full_clean()
    worklist.save()
    return worklist


@transaction.atomic
def worklist_lines_add(*, worklist: Worklist, text: str, order: str = DAY_FIRST) -> AddResult:
    """Add the good lines, record the bad ones on the worklist (replacing the last report)."""
    if order not in DATE_ORDERS:
        raise ValidationError({"date_order": "Choose day-first or month-first."})
    # Lock the worklist: two submissions at once would both pass the duplicate check.
    worklist = Worklist.objects.select_for_update().get(pk=worklist.pk)
    parsed = lines_parse(text=text, office=worklist.office, order=order)
    existing = dict(worklist.entries.values_list("application_id", "examination_date"))
    seen: dict[int, int] = {}
    result = AddResult()
    new_entries = []
    for p in parsed:
        if p.ok and p.application.pk in seen:
            p.reason = Reason.DUPLICATE
            p.detail = f"{p.application.display} is already on line {seen[p.application.pk]}."
        elif p.ok and p.application.pk in existing:
            when = existing[p.application.pk]
            p.reason = Reason.DUPLICATE
            p.detail = f"{p.application.display} is already on this worklist" + (
                f" (examination {when:%Y-%m-%d})." if when else "."
            )
        if not p.ok:
            result.rejected.append(p)
            continue
        seen[p.application.pk] = p.line_no
        result.added.append(p)
        new_entries.append(
            WorklistEntry(
                worklist=worklist,
                application=p.application,
                examination_date=p.date,
                typed=p.number_text[:100],
            )
        )
    WorklistEntry.objects.bulk_create(new_entries)
    worklist.rejected_lines = [p.as_rejected() for p in result.rejected]
    worklist.updated_at = timezone.now()
    worklist.save(update_fields=["rejected_lines", "updated_at"])
    return result


@transaction.atomic
def worklist_entry_remove(*, worklist: Worklist, entry_id: int) -> None:
    deleted, _ = WorklistEntry.objects.filter(worklist=worklist, pk=entry_id).delete()
    if not deleted:
        raise Http404("No such entry.")


# --- selectors ---


class OfficeViewer:
    """Stands for "any person of this office" in the visibility rules (used by beat-built
    packages, which have no person at the keyboard)."""

    is_operator = False

    def __init__(self, office: Office):
        self.office = office
        self.office_id = office.pk


def foreign_documents(*, office: Office, family_ids):
    """Live documents of other offices' family members that `office` may see."""
    return (
        Document.objects.visible_to(OfficeViewer(office))
        .live()
        .filter(application__family_id__in=list(family_ids))
        .exclude(application__office=office)
    )


@dataclass
class EntryRow:
    entry: WorklistEntry
    due: dt.date | None
    by_office: list[tuple[str, list[tuple[str, int]]]]
    available: int
    new: int
    open_requests: int
    # Other offices' visible members of a family with nothing shared: whom to ask for reports.
    request_targets: list[tuple[int, str, str]] = field(default_factory=list)


def _open_requests_by_family(office: Office, family_ids) -> dict[int, int]:
    """Active document requests the office made in each family.

    The requests live in the notifications app, which dossiers must not import: the reverse
    relation from Application is read by its name.
    """
    rows = (
        Application.objects.filter(
            family_id__in=list(family_ids),
            document_requests__requesting_office=office,
            document_requests__state__in=["open", "acknowledged", "examination_commenced"],
        )
        .values("family_id")
        .annotate(n=Count("document_requests", distinct=True))
    )
    return {r["family_id"]: r["n"] for r in rows}


def worklist_rows(*, worklist: Worklist) -> list[EntryRow]:
    """Everything the worklist page shows per entry, in a fixed number of queries."""
    office = worklist.office
    entries = list(
        worklist.entries.select_related("application").order_by("examination_date", "pk")
    )
    family_ids = {e.application.family_id for e in entries}
    docs = list(
        foreign_documents(office=office, family_ids=family_ids).values_list(
            "pk", "application__family_id", "application__office__code", "category"
        )
    )
    delivered = defaultdict(set)
    for app_id, doc_id in PackageItem.objects.filter(
        package__office=office,
        application_id__in=[e.application_id for e in entries],
        package__state__in=[Package.State.READY, Package.State.EXPIRED],
    ).values_list("application_id", "document_id"):
        delivered[app_id].add(doc_id)
    requests = _open_requests_by_family(office, family_ids)
    foreign_members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, fam, code, key in (
        Application.objects.visible_to(OfficeViewer(office))
        .filter(family_id__in=list(family_ids))
        .exclude(office=office)
        .order_by("filing_date", "key")
        .values_list("pk", "family_id", "office__code", "key")
    ):
        foreign_members[fam].append((pk, code, key))
    labels = dict(Document.Category.choices)
    by_family: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, fam, code, cat in docs:
        by_family[fam].append((pk, code, cat))
    lead = dt.timedelta(days=office.package_lead_days)
    rows = []
    for e in entries:
        fam_docs = by_family.get(e.application.family_id, [])
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for _pk, code, cat in fam_docs:
            counts[code][cat] += 1
        by_office = [
            (code, [(labels[c], n) for c, n in sorted(cats.items())])
            for code, cats in sorted(counts.items())
        ]
        rows.append(
            EntryRow(
                entry=e,
                due=e.examination_date - lead if e.examination_date else None,
                by_office=by_office,
                available=len(fam_docs),
                new=sum(1 for pk, _c, _k in fam_docs if pk not in delivered[e.application_id]),
                open_requests=requests.get(e.application.family_id, 0),
                request_targets=[] if fam_docs else foreign_members[e.application.family_id],
            )
        )
    return rows


def package_list_for_worklist(*, worklist: Worklist):
    return worklist.packages.order_by("-created_at", "-pk")


def entries_due(*, today: dt.date) -> list[WorklistEntry]:
    """Entries whose just-in-time day has come (examination date minus the office's lead days),
    examination not yet past, with no just-in-time package yet for that worklist and date.

    One query per office (a handful), so the date arithmetic stays portable across databases."""
    jit = Package.objects.filter(
        worklist_id=OuterRef("worklist_id"),
        for_examination_date=OuterRef("examination_date"),
        trigger=Package.Trigger.JUST_IN_TIME,
    )
    due = []
    for office in Office.objects.active():
        horizon = today + dt.timedelta(days=office.package_lead_days)
        due += list(
            WorklistEntry.objects.filter(
                worklist__office=office,
                examination_date__gte=today,
                examination_date__lte=horizon,
            )
            .filter(~Exists(jit))
            .select_related("worklist__office")
            .order_by("worklist_id", "examination_date", "pk")
        )
    return due
