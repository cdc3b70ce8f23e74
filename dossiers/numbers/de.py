"""DE applications and publications (DPMA check digit)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import (
    _application,
    _check_digit_verify,
    _compact,
    _Ctx,
    _Parsed,
    _publication,
    _year_possible,
    de_check_digit,
)

# --------------------------------------------------------------------------------------------

_DE_TYPES = frozenset({"10", "11", "12", "20", "21", "22", "50", "60"})


def _de_display(number: str) -> str:
    if len(number) < 7:  # patents up to 1957: DE 466541
        return f"DE {number}"
    if len(number) == 12:
        return f"DE {number[:2]} {number[2:6]} {number[6:9]} {number[9:]}"
    return f"DE {number[:-5]} {number[-5:-3]} {number[-3:]}"


def _parse_de(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,-/")
    if s[:1] in ("P", "G") and not c.pub:
        s = s[1:]
    if s[:1] == "0" and s.isdigit() and len(s) <= 12:
        # No DE number starts with 0: DEPATISnet pads to 8 or 12 digits (DE000019958011A1,
        # DE00694003T1, DE000000121107A)
        s = s.lstrip("0")
    m = (
        re.fullmatch(r"(\d{12})(?:\.(\d))?", s)
        or re.fullmatch(r"(\d{12})(\d)", s)
        or re.fullmatch(r"(\d{7,8})(?:\.(\d))?", s)
        or (re.fullmatch(r"(\d{1,6})()", s) if c.pub else None)  # patents up to 1957
    )
    if not m:
        c.fail(
            _(
                "a DE number looks like DE 10 2006 032 425 (type, year, serial, optional check "
                "digit) or, before 2004, DE 195 12 345."
            )
        )
    number, check = m.group(1), m.group(2) or None
    if len(number) == 12:
        if number[:2] not in _DE_TYPES:
            c.fail(
                _("‘%(code)s’ is not a DE type code (10 patent, 11 PCT, 20 utility model…).")
                % {"code": number[:2]}
            )
        year = int(number[2:6])
        if not _year_possible(year, 2004):
            c.fail(
                _("the 12-digit DE numbers were introduced in 2004; %(year)s is not possible.")
                % {"year": year}
            )
    if int(number) == 0:
        c.fail(_("a DE number cannot be 0."))
    if c.pub:
        if check is not None:
            c.fail(_("a DE publication number has no check digit."))
        return _publication(c, "DE", number, _de_display(number))
    computed = de_check_digit(number)
    _check_digit_verify(c, _de_display(number), check, computed)
    display = _de_display(number) + (f".{computed}" if computed is not None else "")
    epodoc = f"DE{number}" if len(number) < 12 else None
    return _application("DE", number, display, docdb=f"DE.{number}.A", epodoc=epodoc)
