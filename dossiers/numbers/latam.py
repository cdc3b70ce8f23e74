"""MX, AR and CO applications in their offices' own forms."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import _application, _compact, _Ctx, _Parsed, _year_possible
from .others import _parse_generic

# --------------------------------------------------------------------------------------------

# IMPI: MX/a/2015/004567 (office, type letter, filing year, 6-digit serial); "a" is a patent
# application, and its key and DOCDB form are the year and serial (MX.2015004567.A, as OPS gives
# MX publications).  Other letters (MX/E/..., MX/u/...) keep the letter in the key.
_MX_RE = re.compile(r"([A-Z])/((?:19|20)\d{2})/(\d{1,6})")
_MX_PLAIN_RE = re.compile(r"([A-Z]?)((?:19|20)\d{2})(\d{6})")  # also the key: MXE2015004567
_MX_LOWER = "AUF"  # IMPI writes a (patent), u (utility model), f (design) in lower case


def _mx_app(c: _Ctx, letter: str, year: int, serial: int) -> _Parsed:
    if not _year_possible(year, 1991) or serial == 0:
        c.fail(_("an MX application number looks like MX/a/2015/004567."))
    shown = letter.lower() if letter in _MX_LOWER else letter
    number = f"{year}{serial:06d}"
    display = f"MX/{shown}/{year}/{serial:06d}"
    if letter != "A":
        return _application("MX", f"{letter}{number}", display)
    return _application("MX", number, display, docdb=f"MX.{number}.A")


def _parse_mx(c: _Ctx) -> _Parsed:
    s = re.sub(r"[\s/]+", "/", c.rest).strip("/")
    m = _MX_RE.fullmatch(s)
    if m:
        if c.pub:
            c.fail(_("this is an MX application number (MX/a/2015/004567)."))
        return _mx_app(c, m.group(1), int(m.group(2)), int(m.group(3)))
    m = _MX_PLAIN_RE.fullmatch(_compact(c.rest, " ,./-"))
    if m and not c.pub and _year_possible(int(m.group(2)), 1991):
        return _mx_app(c, m.group(1) or "A", int(m.group(2)), int(m.group(3)))
    return _parse_generic(c, "MX")


# INPI Argentina: acta P20130103456 (P, filing year, 7 digits), also written with a two-digit
# year (P230101911).  Read before as a generic number, AR 20130103456 gave key AR0103456: that
# key stays a candidate so that rows stored then are still found.
_AR_RE = re.compile(r"(P)?((?:19|20)\d{2}|\d{2})(\d{7})")


def _parse_ar(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,./-")
    m = _AR_RE.fullmatch(s)
    if m and not c.pub and (m.group(1) or len(m.group(2)) == 4):
        year = int(m.group(2)) + (2000 if len(m.group(2)) == 2 else 0)
        if not _year_possible(year, 1980):
            c.fail(_("an AR application number looks like AR P20130103456."))
        parsed = _application("AR", f"{year}{m.group(3)}", f"AR P{year}{m.group(3)}")
        if not m.group(1):  # the generic reading of AR 20130103456, as rows were stored
            parsed.candidates = (f"AR{m.group(3)}",)
        return parsed
    return _parse_generic(c, "AR")


# SIC Colombia: NC2017/0012345 (nueva creación, filing year, 7 digits) since 2017, before
# that the year and 6 digits (15-123456).
_CO_NC_RE = re.compile(r"NC((?:19|20)\d{2})(\d{1,7})")
_CO_OLD_RE = re.compile(r"(\d{2})-?(\d{6})")


def _parse_co(c: _Ctx) -> _Parsed:
    m = _CO_NC_RE.fullmatch(_compact(c.rest, " ,./-"))
    if m:
        year, serial = int(m.group(1)), int(m.group(2))
        if c.pub or not _year_possible(year, 2017) or serial == 0:
            c.fail(_("a CO application number looks like NC2017/0012345."))
        return _application("CO", f"NC{year}{serial:07d}", f"CO NC{year}/{serial:07d}")
    m = _CO_OLD_RE.fullmatch(_compact(c.rest, " ,./"))
    if m and not c.pub and int(m.group(2)):
        yy, serial = m.groups()
        return _application("CO", f"{yy}{serial}", f"CO {yy}-{serial}")
    return _parse_generic(c, "CO")
