"""EP applications and publications."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import (
    _application_checked,
    _compact,
    _Ctx,
    _Parsed,
    _publication,
    _two_digit_year,
    _year_possible,
    ep_check_digit,
)

# --------------------------------------------------------------------------------------------


def _ep_app(c: _Ctx, number: str, check: str | None) -> _Parsed:
    yy = int(number[:2])
    year = _two_digit_year(yy)
    if not _year_possible(year, 1978):  # a two-digit year reads as 1978 or later
        c.fail(
            _("EP application numbers start with the filing year; ‘%(code)s’ is not possible.")
            % {"code": number[:2]}
        )
    computed = ep_check_digit(number)
    return _application_checked(c, "EP", number, check, computed, epodoc=f"EP{year}0{number[2:]}")


def _parse_ep(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,-/")
    m = re.fullmatch(r"(\d{8})(?:\.(\d))?", s)
    if m:
        if c.pub:
            c.fail(_("EP publication numbers have 7 digits (e.g. EP 3082535 A1)."))
        return _ep_app(c, m.group(1), m.group(2))
    if "." in s:
        c.fail(_("an EP application number has 8 digits and a check digit (e.g. EP 13844704.0)."))
    if re.fullmatch(r"\d{9}", s) and not c.pub:
        return _ep_app(c, s[:8], s[8])
    m = re.fullmatch(r"(\d{4})0(\d{6})", s)  # epodoc EP20130844704
    if m and not c.pub:
        year = int(m.group(1))
        if not _year_possible(year, 1978):
            c.fail(_("%(year)s is not a possible EP filing year.") % {"year": year})
        return _ep_app(c, f"{year % 100:02d}{m.group(2)}", None)
    if re.fullmatch(r"\d{1,7}", s):
        if c.want == "application":
            c.fail(
                _(
                    "an EP application number has 8 digits (year + serial) and an optional check "
                    "digit (e.g. EP 13844704.0)."
                )
            )
        n = int(s)
        if n == 0:
            c.fail(_("an EP publication number cannot be 0."))
        return _publication(c, "EP", f"{n:07d}")
    c.fail(
        _(
            "an EP application number has 8 digits and an optional check digit (e.g. EP "
            "13844704.0); "
            "a publication number has 7 digits (e.g. EP 3082535 A1)."
        )
    )
