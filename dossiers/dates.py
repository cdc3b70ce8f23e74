"""The one date parser for typed and machine input (forms, API, bulk files, worklists)."""

import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YEAR_FIRST = "ymd"
DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
DATE_ORDERS = {
    DAY_FIRST: gettext_lazy("Day first: 01/12/2026 is 1 December 2026"),
    MONTH_FIRST: gettext_lazy("Month first: 12/01/2026 is 1 December 2026"),
}
_YEAR_FIRST_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_YEAR_LAST_RE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_EXAMPLE = {YEAR_FIRST: "2026-12-01", DAY_FIRST: gettext_lazy("2026-12-01 or 01/12/2026")}


def date_parse(text: str, *, order: str = YEAR_FIRST) -> dt.date:
    """ISO dates (2026-12-01) always; with `order` day-first or month-first, also dates with
    the year last (01/12/2026) read in that order. Raises ValueError saying what was wrong."""
    text = str(text).strip()
    m = _YEAR_FIRST_RE.fullmatch(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = _YEAR_LAST_RE.fullmatch(text) if order != YEAR_FIRST else None
        if not m:
            example = _EXAMPLE.get(order, _EXAMPLE[DAY_FIRST])
            raise ValueError(
                _("‘%(text)s’ is not a date like %(example)s") % {"text": text, "example": example}
            )
        a, b, year = (int(g) for g in m.groups())
        day, month = (a, b) if order == DAY_FIRST else (b, a)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        # exc is Python's own words ("day is out of range for month"), not translated
        if order == DAY_FIRST:
            why = _("‘%(text)s’ is not a valid date (read day-first: %(error)s)")
        elif order == MONTH_FIRST:
            why = _("‘%(text)s’ is not a valid date (read month-first: %(error)s)")
        else:
            why = _("‘%(text)s’ is not a valid date (%(error)s)")
        raise ValueError(why % {"text": text, "error": exc}) from exc


def examination_date_error(
    *, examination_date: dt.date | None, filing_date: dt.date | None, number: str = ""
) -> str:
    """Why `examination_date` cannot be the examination date of an application filed on
    `filing_date` ("" when it can): nothing is examined before it is filed. Without both dates
    there is nothing to compare. The one rule for worklist lines, their date edits and the
    application input (form, API, bulk, import); `number` names the application where the
    message is not shown beside its filing date."""
    if examination_date is None or filing_date is None or examination_date >= filing_date:
        return ""
    words = {
        "date": f"{examination_date:%Y-%m-%d}",
        "number": number,
        "filed": f"{filing_date:%Y-%m-%d}",
    }
    if number:
        return (
            _("The examination date %(date)s is before %(number)s was filed (%(filed)s).") % words
        )
    return _("The examination date %(date)s is before the filing date (%(filed)s).") % words
