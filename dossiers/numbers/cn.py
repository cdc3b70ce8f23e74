"""CN applications (8, 9, 12 digits, check digit) and publications."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import (
    APPLICATION_KINDS,
    _application_checked,
    _compact,
    _Ctx,
    _Parsed,
    _publication,
    _year_possible,
    cn_check_digit,
)

# --------------------------------------------------------------------------------------------

_CN_TYPES = "12389"


def _cn_app(c: _Ctx, number: str, check: str | None) -> _Parsed:
    if len(number) == 12:
        year, type_digit = int(number[:4]), number[4]
        if not _year_possible(year, 2003):
            c.fail(
                _("a 12-digit CN application number starts with the year, not %(year)s.")
                % {"year": year}
            )
    else:
        yy, type_digit = int(number[:2]), number[2]
        if 5 <= yy <= 84:
            c.fail(
                _("an 8-digit CN application number starts with the year; ‘%(yy)s’ is not one.")
                % {"yy": f"{yy:02d}"}
            )
    if type_digit not in _CN_TYPES:
        c.fail(
            _(
                "‘%(type_digit)s’ is not a CN application type (1 invention, 2 utility model, 3 "
                "design, 8/9 PCT)."
            )
            % {"type_digit": type_digit}
        )
    computed = cn_check_digit(number)
    return _application_checked(c, "CN", number, check, computed, epodoc=f"CN{number}")


def _parse_cn(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,-")
    if s.startswith("ZL"):
        s = s[2:]
        if c.pub and c.want == "publication":
            c.fail(_("‘ZL’ numbers are CN application (patent) numbers, not publication numbers."))
    kind_code = c.kind_code
    if kind_code == "X" and re.fullmatch(r"\d{12}|\d{8}", s):
        s, kind_code = s + ".X", None
    m = re.fullmatch(r"(\d{12}|\d{8})(?:\.([\dX]))?", s)
    # 8 and 12 digits are always applications: a kind letter is the DOCDB/EPODOC application kind
    if m and (not kind_code or c.want == "application" or kind_code in APPLICATION_KINDS):
        parsed = _cn_app(c, m.group(1), m.group(2))
        parsed.kind_code_used = c.kind_code is None
        return parsed
    if re.fullmatch(r"\d{13}", s):
        return _cn_app(c, s[:12], s[12])
    if re.fullmatch(r"[089]\d{8}", s) and not c.pub:
        return _cn_app(c, s[:8], s[8])
    if re.fullmatch(r"\d{7}|[1-3]\d{8}", s):
        if c.want == "application":
            c.fail(_("this looks like a CN publication number, not an application number."))
        return _publication(c, "CN", s)
    c.fail(
        _(
            "a CN application number has 12 digits and a check digit (e.g. CN 201380062258.8); "
            "a publication number has 9 digits (e.g. CN 101911042 B)."
        )
    )
