"""Worklists: a clerk's own office's applications with their examination dates.

Lines come from a CSV file or pasted text, in the shapes spreadsheets really produce: a BOM,
Windows line endings, `;`, tab, `,` or spaces between columns, extra columns, blank lines, an
optional header, numbers in any spelling — even with thousands commas inside an unquoted `,`
line — and, in a file, quoted cells holding line breaks (read as the csv module reads them).
Dates are ISO, day-first (01/12/2026, 01.12.2026) or month-first where only that reading exists
(12/20/2026); a date that reads both ways follows the office's setting or is asked about.
A date before the application's filing date, or several numbers on one line, is a bad line.
Every line is added, merged with the same application's other line, or reported back with its
line number and the reason; nothing is dropped silently.
"""

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from case_portal.selectors import one_or_404
from offices.models import Office

from .. import numbers, selectors
from ..dates import DAY_FIRST, MONTH_FIRST, YEAR_FIRST, date_parse, examination_date_error
from ..models import Application, Worklist, WorklistEntry

MAX_LINES = 5000
# A field "looks like a date" when it is three groups of digits; only then is a `,` line split
# there, so "CA 2,123,456,2026-12-01" keeps its thousands commas in the number.
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
# A date after the number with any separator: "AU2013315519 2026-12-23", "CA 2,123,456\t1.12.2026".
_TRAILING_DATE = re.compile(
    r"(?<=[\s,;\"'])[\"']?(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})[\"']?(?=$|[\s,;])"
)
_SEPARATORS = " \t,;\"'"
# Where a `,` line holds several numbers ("EP 2906789 A1, US 9,184,456 B2"): every comma but
# a thousands comma (a digit, then exactly three digits), so "US 9,184,456" stays one number.
_LIST_COMMA = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))")
_QUOTED = re.compile(r'"[^"]*"')
ASK = Office.DateOrder.ASK
DATE_ORDERS = dict(Office.DateOrder.choices)


class Reason:
    # Stored in Worklist.rejected_lines as codes: stable English whatever the clerk's language
    # (gettext_noop puts them in the catalogue); the page gets them from rejected_rows.
    INVALID = gettext_noop("Invalid number")
    NOT_OURS = gettext_noop("Not an application of your office")
    DATE = gettext_noop("Unknown date format")
    BEFORE_FILING = gettext_noop("Before the filing date")
    SEVERAL = gettext_noop("One number per line")
    AMBIGUOUS = gettext_noop("Which date?")
    DUPLICATE = gettext_noop("Duplicate")
    TOO_MANY = gettext_noop("Too many lines")


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


def rejected_rows(worklist: Worklist) -> list[dict]:
    """The worklist's rejected lines as the page shows them: the reason in the reader's
    language, and `asks_date` (a date that reads two ways: the page offers the date order)
    said by the code, never by comparing shown words."""
    return [
        {**r, "reason": _(r["reason"]), "asks_date": r["reason"] == Reason.AMBIGUOUS}
        for r in worklist.rejected_lines
    ]


@dataclass
class AddResult:
    added: list[ParsedLine] = field(default_factory=list)
    rejected: list[ParsedLine] = field(default_factory=list)
    # Lines naming an application already on the list or earlier in the input: merged, counted.
    merged: int = 0
    # Entries whose examination date a later line changed.
    redated: int = 0


def date_read(text: str, order: str) -> dt.date:
    """ISO always; dd.mm.yyyy day-first (nobody writes month-first with dots); slashes and
    dashes with the year last read the one way that is a real date, and a date that reads both
    ways (03/04/2026) in the office's order — or, with `ask`, a ValueError asking which."""
    text = text.strip()
    try:
        return date_parse(text, order=YEAR_FIRST)
    except ValueError:
        pass
    if "." in text:
        return date_parse(text, order=DAY_FIRST)
    readings = {}
    for candidate in (DAY_FIRST, MONTH_FIRST):
        try:
            readings[candidate] = date_parse(text, order=candidate)
        except ValueError as exc:
            error = exc
    if not readings:
        raise error
    if len(set(readings.values())) == 1:
        return next(iter(readings.values()))
    if order in readings:
        return readings[order]
    day, month = readings[DAY_FIRST], readings[MONTH_FIRST]
    raise AmbiguousDate(
        _(
            "‘%(text)s’ is %(day)s day-first or %(month)s month-first: choose how your dates "
            "are written below, or write it as %(day_iso)s or %(month_iso)s."
        )
        % {
            "text": text,
            "day": date_format(day, "j F Y"),
            "month": date_format(month, "j F Y"),
            "day_iso": f"{day:%Y-%m-%d}",
            "month_iso": f"{month:%Y-%m-%d}",
        }
    )


class AmbiguousDate(ValueError):
    pass


def _before_filing(application: Application, date: dt.date | None) -> str:
    """The one rule (dates.examination_date_error) for an application of the list, named."""
    return examination_date_error(
        examination_date=date, filing_date=application.filing_date, number=application.display
    )


# Files people pick instead of the CSV they meant: a workbook (.xlsx/.ods are ZIP archives,
# .xls an OLE2 compound file) or a PDF. Read as text they gave no line a person could fix, and
# a workbook's first line passed for a header: an empty worklist with no word why.
_NOT_CSV_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF-")


def text_from_upload(data: bytes) -> str:
    """Decode a CSV file as Excel writes it: UTF-8 with or without BOM, UTF-16 with BOM
    ("Unicode text"), else Windows-1252. A spreadsheet or PDF is refused (ValidationError)."""
    if data.startswith(_NOT_CSV_SIGNATURES):
        raise ValidationError(
            _(
                "This file is a spreadsheet or a PDF, not a CSV file: save it as CSV "
                "(comma-separated values) and upload that, or paste the lines."
            )
        )
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


def _reads_as_number(text: str, office_code: str) -> bool:
    try:
        numbers.normalise(text, office=office_code)
    except numbers.InvalidNumber:
        return False
    return True


def _several_numbers(text: str, office_code: str) -> list[str]:
    """The numbers, as typed, of a text holding two or more between commas ("EP 2906789 A1,
    US 9,184,456 B2"); [] when it is one number (thousands commas and all) or not all numbers."""
    parts = [part.strip() for part in _LIST_COMMA.split(text)]
    if len(parts) < 2 or _reads_as_number(text, office_code):
        return []
    if all(_reads_as_number(part, office_code) for part in parts):
        return parts
    return []


def _split(line: str, office_code: str) -> tuple[str, str]:
    """(number text, date text) of one line; columns after the date are ignored."""
    m = _TRAILING_DATE.search(line)
    if m and line[: m.start()].strip(_SEPARATORS):
        number = line[: m.start()].strip(_SEPARATORS)
        if not any(sep in number for sep in ";\t") and number.count('"') % 2 == 0:
            return number.replace('"', "").strip(), m.group(1)
    delimiter = ";" if ";" in line else "\t" if "\t" in line else ","
    try:
        fields = [f.strip() for f in next(csv.reader([line], delimiter=delimiter))]
    except csv.Error:
        # A field over the csv module's limit (a 2 MB line: a binary file, a pasted blob) is
        # no number and no date; the number check says why ("too long"), not a 500.
        return line, ""
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
    # Several numbers and no date: kept together, so the line is refused as "one per line"
    # rather than its second number read as a bad date.
    if _reads_as_number(whole, office_code) or _several_numbers(whole, office_code):
        return whole, ""
    return fields[0], fields[1] if len(fields) > 1 else ""


def _lines(text: str, start: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, line) of every non-blank line: pasted text is one entry a line."""
    for line_no, raw in enumerate(text.splitlines(), start=start):
        line = raw.strip()
        if line:
            yield line_no, line


def _records(text: str) -> Iterator[tuple[int, str]]:
    """(number of its first line, record) of every non-blank record of a CSV file, as the csv
    module reads them: a quoted field may hold line breaks (a spreadsheet cell of two lines).
    The record comes back on one line (breaks as spaces), to be shown and re-submitted as one."""
    if '"' not in text:
        yield from _lines(text)  # no quote, no field across lines: the fast reading
        return
    lines = text.splitlines(keepends=True)
    # A quoted field opens only just after a delimiter: the first line's one, as in _split,
    # looked for outside its quoted fields ("Number","Note; free text" is a `,` file).
    head = _QUOTED.sub("", next((line for line in lines if line.strip()), ""))
    delimiter = ";" if ";" in head else "\t" if "\t" in head else ","
    reader = csv.reader(lines, delimiter=delimiter)
    start = 0
    while start < len(lines):
        try:
            next(reader)
        except csv.Error:
            pass  # a field over the csv module's limit: _split reports its line
        except StopIteration:
            break
        end = max(reader.line_num, start + 1)  # every step reads a line: no endless loop
        chunk = lines[start:end]
        if len(chunk) > 1 and end == len(lines) and _quote_open(chunk, delimiter):
            # A quote never closed took every line to the end: a stray quote, not a cell.
            yield from _lines("".join(chunk), start=start + 1)
            return
        line = " ".join("".join(chunk).splitlines()).strip()
        if line:
            yield start + 1, line
        start = end


def _quote_open(chunk: list[str], delimiter: str) -> bool:
    """Whether the csv module is still inside a quoted field at the end of `chunk`."""
    reader = csv.reader([*chunk, "\n"], delimiter=delimiter)
    try:
        next(reader)
    except csv.Error:
        return False
    return reader.line_num > len(chunk)


def _clean(text: str) -> str:
    # NUL characters mean nothing in a CSV line, and PostgreSQL cannot store them in the report
    # of rejected lines.
    return (text or "").replace("\x00", "").lstrip("\ufeff")


def header_only(*, text: str, office: Office, csv_file: bool = False) -> str | None:
    """When `text` holds no line to add: its header line, or "" when it is empty or blank;
    None when it holds a line to add. Reads no further than its second entry."""
    entries = (_records if csv_file else _lines)(_clean(text))
    first = next(entries, None)
    if first is None:
        return ""
    if not _looks_like_header(list(_split(first[1], office.code))):
        return None
    return first[1] if next(entries, None) is None else None


def lines_parse(
    *, text: str = "", csv_text: str = "", office: Office, order: str = ASK
) -> list[ParsedLine]:
    """Parse every non-blank record of a CSV file (`csv_text`) and every non-blank line of pasted
    `text`, and resolve the numbers against the office's applications with one query. Line
    numbers count every physical line (blank ones too), as an editor shows them; pasted lines
    are numbered as if they followed the file. Each one's first entry may be a header."""
    parsed: list[ParsedLine] = []
    csv_text, text = _clean(csv_text), _clean(text)
    pasted_from = len((csv_text + "\n").splitlines()) + 1 if csv_text else 1
    for entries in (_records(csv_text), _lines(text, start=pasted_from)):
        first = True
        for line_no, line in entries:
            number_text, date_text = _split(line, office.code)
            if first and _looks_like_header([number_text, date_text]):
                first = False
                continue
            first = False
            item = ParsedLine(
                line_no=line_no, text=line, number_text=number_text, date_text=date_text
            )
            parsed.append(item)
            if len(parsed) > MAX_LINES:
                item.reason = Reason.TOO_MANY
                item.detail = _("At most %(count)s lines at a time.") % {"count": MAX_LINES}
                continue
            several = _several_numbers(number_text, office.code)
            if several:
                # Two applications sharing a date, or one and a family member? Asking beats adding
                # an application to the examination schedule that the clerk did not mean.
                item.reason = Reason.SEVERAL
                item.detail = _(
                    "%(numbers)s are separate numbers: put each on its own line, with its "
                    "examination date."
                ) % {"numbers": "; ".join(_("‘%(number)s’") % {"number": n} for n in several)}
                continue
            if date_text:
                try:
                    item.date = date_read(date_text, order)
                except AmbiguousDate as exc:
                    item.reason, item.detail = Reason.AMBIGUOUS, str(exc)
                except ValueError as exc:
                    item.reason, item.detail = Reason.DATE, str(exc)

    # The numbers in one lookup, among the office's own applications only.
    wanted = [p for p in parsed if p.reason not in (Reason.TOO_MANY, Reason.SEVERAL)]
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
                p.detail = _("%(number)s is a %(its)s number, not one of %(ours)s.") % {
                    "number": p.number.display,
                    "its": p.number.office,
                    "ours": office.code,
                }
            else:
                p.detail = _("No %(office)s application %(number)s is in the portal.") % {
                    "office": office.code,
                    "number": p.number.display,
                }
            continue
        p.application = line.application
        too_early = _before_filing(p.application, p.date)
        if too_early:
            p.reason, p.detail = Reason.BEFORE_FILING, too_early
    return parsed


@transaction.atomic
def worklist_create(*, user, name: str) -> Worklist:
    office = selectors.office_get_for_clerk(user)
    name = (name or "").strip() or _("Worklist of %(date)s") % {
        "date": f"{timezone.localdate():%Y-%m-%d}"
    }
    worklist = Worklist(office=office, name=name[:200], created_by=user)
    worklist.full_clean()
    worklist.save()
    return worklist


@transaction.atomic
def worklist_lines_add(
    *, worklist: Worklist, text: str = "", csv_text: str = "", order: str | None = None
) -> AddResult:
    """Add the good lines of a CSV file (`csv_text`) and pasted `text` (see lines_parse), record
    the bad ones on the worklist (replacing the last report).

    An application named twice is one entry: the lines are merged and counted, and a line with
    a date gives the entry that date (the later line wins), so re-sending a corrected list
    moves examination dates instead of reporting duplicates."""
    order = order or worklist.office.worklist_date_order
    if order not in DATE_ORDERS:
        raise ValidationError({"date_order": _("Choose day-first, month-first or ask.")})
    # Lock the worklist: two submissions at once would both pass the duplicate check.
    worklist = Worklist.objects.select_for_update().get(pk=worklist.pk)
    parsed = lines_parse(text=text, csv_text=csv_text, office=worklist.office, order=order)
    existing = {e.application_id: e for e in worklist.entries.all()}
    new: dict[int, WorklistEntry] = {}
    redated: set[int] = set()
    result = AddResult()
    for p in parsed:
        if not p.ok:
            result.rejected.append(p)
            continue
        pk = p.application.pk
        entry = new.get(pk) or existing.get(pk)
        if entry is None:
            new[pk] = WorklistEntry(
                worklist=worklist,
                application=p.application,
                examination_date=p.date,
                typed=p.number_text[:100],
            )
            result.added.append(p)
            continue
        result.merged += 1
        if p.date and p.date != entry.examination_date:
            entry.examination_date = p.date
            if entry.pk:
                redated.add(pk)
    WorklistEntry.objects.bulk_create(new.values())
    for pk in redated:
        existing[pk].save(update_fields=["examination_date"])
    result.redated = len(redated)
    worklist.rejected_lines = [p.as_rejected() for p in result.rejected]
    worklist.updated_at = timezone.now()
    worklist.save(update_fields=["rejected_lines", "updated_at"])
    return result


@transaction.atomic
def worklist_entry_redate(*, worklist: Worklist, entry_id: int, examination_date) -> WorklistEntry:
    """Move (or clear) one entry's examination date; its package follows the new date."""
    entries = WorklistEntry.objects.select_for_update().filter(worklist=worklist)
    entry = one_or_404(entries.select_related("application"), entry_id, "entry")
    too_early = _before_filing(entry.application, examination_date)
    if too_early:
        raise ValidationError({"examination_date": too_early})
    entry.examination_date = examination_date
    entry.save(update_fields=["examination_date"])
    Worklist.objects.filter(pk=worklist.pk).update(updated_at=timezone.now())
    return entry


@transaction.atomic
def worklist_entry_remove(*, worklist: Worklist, entry_id: int) -> None:
    deleted, _ = WorklistEntry.objects.filter(worklist=worklist, pk=entry_id).delete()
    if not deleted:
        raise Http404("No such entry.")


def entries_due(*, today: dt.date) -> list[WorklistEntry]:
    """Entries whose just-in-time day has come (examination date minus the office's lead days)
    and whose examination is not past, whether or not a package was built for them already:
    the scheduler decides between a first package, a top-up, or nothing.

    One query per office (a handful), so the date arithmetic stays portable across databases."""
    due = []
    for office in Office.objects.active():
        horizon = today + dt.timedelta(days=office.package_lead_days)
        due += list(
            WorklistEntry.objects.filter(
                worklist__office=office,
                examination_date__gte=today,
                examination_date__lte=horizon,
            )
            .select_related("worklist__office", "application")
            .order_by("worklist_id", "examination_date", "pk")
        )
    return due


# Asking for documents is the notifications app's request service, which dossiers must not
# import: that app registers it here from its AppConfig.ready() (see notifications/apps.py).
#     worklists.documents_requester_register(request_make)  # (user=, application=)
_requesters: list = []


def documents_requester_register(func) -> None:
    if func not in _requesters:
        _requesters.append(func)


def worklist_entry_request(*, worklist: Worklist, entry_id: int, user) -> tuple[list, list]:
    """Ask every other office holding a visible member of the entry's family for its reports.
    Returns (asked, refused): display numbers asked, and the service's reason per refusal."""
    entry = one_or_404(worklist.entries.select_related("application"), entry_id, "entry")
    if not _requesters:
        raise ValidationError(_("Requesting documents is not available."))
    office = worklist.office
    targets = (
        Application.objects.visible_to(selectors.OfficeViewer(office))
        .filter(family_id=entry.application.family_id)
        .exclude(office=office)
        .select_related("office")
        .order_by("filing_date", "key")
    )
    asked, refused = [], []
    for member in targets:
        try:
            with transaction.atomic():
                _requesters[0](user=user, application=member)
            asked.append(member.display)
        except ValidationError as exc:
            refused.append(f"{member.display}: {' '.join(exc.messages)}")
    if not asked and not refused:
        refused.append(_("No other office's application is in this family to ask."))
    return asked, refused
