"""Worklists: a clerk's own office's applications with their examination dates.

Lines come from a CSV file or pasted text, in the shapes spreadsheets really produce: a BOM,
Windows line endings, `;` or `,` between columns, extra columns, blank lines, an optional header
and numbers in any spelling — even with thousands commas inside an unquoted `,` line. Every line
is either added or reported back with its line number and the reason; nothing is dropped silently.
"""

import csv
import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from offices.models import Office

from .. import numbers, selectors
from ..dates import DATE_ORDERS, DAY_FIRST, date_parse
from ..models import Application, Package, Worklist, WorklistEntry

MAX_LINES = 5000
# A field "looks like a date" when it is three groups of digits; only then is a `,` line split
# there, so "CA 2,123,456,2026-12-01" keeps its thousands commas in the number.
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")


class Reason:
    INVALID = "Invalid number"
    NOT_OURS = "Not an application of your office"
    DATE = "Unknown date format"
    DUPLICATE = "Duplicate"
    TOO_MANY = "Too many lines"


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
            item.reason, item.detail = Reason.TOO_MANY, f"At most {MAX_LINES} lines at a time."
            continue
        if date_text:
            try:
                item.date = date_parse(date_text, order=order)
            except ValueError as exc:
                item.reason, item.detail = Reason.DATE, str(exc)

    # The numbers in one lookup, among the office's own applications only.
    wanted = [p for p in parsed if p.reason != Reason.TOO_MANY]
    found = selectors.applications_find(
        within=Application.objects.filter(office=office),
        texts=[p.number_text for p in wanted],
        office=office.code,
    )
    for p, line in zip(wanted, found, strict=True):
        if line.error:
            p.reason, p.detail = Reason.INVALID, line.error
            continue
        p.number = line.number
        if line.application is None:
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
        p.application = line.application
    return parsed


@transaction.atomic
def worklist_create(*, user, name: str) -> Worklist:
    office = selectors.office_get_for_clerk(user)
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
