"""AT, SE, EA, RU and DK: read generically but for one form of their own each.

Sources (tests/dossiers/data/pasted_forms.csv): WIPO DAS's per-office number tables (AT A 1/2019,
AT GM 1/2019, SE 1101235-4, EA 199600014), the EPO's RU numbering page (yyyynnnnnn), PatZilla's
normalizer tests (EA12345 is EA 012345, AT 967/1994), DK PA 2011 70255 (a LEGO priority claim).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import _application, _compact, _Ctx, _Parsed, _publication, _year_possible
from .others import _parse_generic

# AT: "A 967/1994" patent, "GM 1/2019" utility model (serial/filing year). The key keeps the
# letters (ATA9671994, ATGM12019); the slash form without a letter is a patent application.
_AT_RE = re.compile(r"(A|GM)?(\d{1,5})/(\d{4})|(A|GM)(\d{1,5})(\d{4})")


def _parse_at(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    m = _AT_RE.fullmatch(s)
    if m is None:
        return _parse_generic(c, "AT")
    letters, serial, year = m.group(1, 2, 3) if m.group(2) else m.group(4, 5, 6)
    if letters is None and not _year_possible(int(year), 1900):
        return _parse_generic(c, "AT")  # digits and a slash but no filing year: read as before
    letters = letters or "A"
    if c.pub:
        c.fail(_("this is an AT application number (e.g. AT A 967/1994), not a publication."))
    if not _year_possible(int(year), 1900) or int(serial) == 0:
        c.fail(_("an AT application number looks like AT A 967/1994 (serial/filing year)."))
    serial = str(int(serial))
    return _Parsed(
        office="AT",
        kind="application",
        key=f"AT{letters}{serial}{year}",
        display=f"AT {letters} {serial}/{year}",
        # the generic reader's key for the slash form, under which rows were stored before
        candidates=(f"AT{serial}{year}",) if m.group(2) and not m.group(1) else (),
    )


# SE: year + 5 digits, a hyphen and a check digit (SE 1101235-4); the check digit is kept for
# display and left out of the key, as for GB.
_SE_RE = re.compile(r"(\d{7})-(\d)")


def _parse_se(c: _Ctx) -> _Parsed:
    m = _SE_RE.fullmatch(_compact(c.rest, " ,."))
    if m is None or c.pub:
        return _parse_generic(c, "SE")
    number, check = m.groups()
    return _Parsed(
        office="SE",
        kind="application",
        key=f"SE{number}",
        display=f"SE {number}-{check}",
        candidates=(f"SE{number}{check}",),  # the generic reader's key, kept by rows stored before
    )


# EA: patents are numbered with 6 digits, zero padded (EA 012345 B1); applications have 9.
def _parse_ea(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,./-")
    if not c.pub or not re.fullmatch(r"\d{1,8}", s) or int(s) == 0:
        return _parse_generic(c, "EA")
    number = s.lstrip("0").zfill(6)
    parsed = _publication(c, "EA", number)
    if s != number:  # EA12345: the generic reader's key, kept by rows stored before
        parsed.candidates, parsed.alternatives = (f"EA{s}",), (_publication(c, "EA", s),)
    return parsed


# RU: applications are the filing year and 6 digits (RU 2006139951), from 1992 to 1999 the
# year's last two digits (RU 94012345); EPODOC pads the serial to 7 (RU20060139951), as for AU.
_RU_EPODOC_RE = re.compile(r"((?:19|20)\d{2})0(\d{6})")
_RU_RE = re.compile(r"((?:19|20)\d{2})(\d{6})")


def _parse_ru(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    m = None if c.pub else _RU_EPODOC_RE.fullmatch(s) or _RU_RE.fullmatch(s)
    if m is None or not _year_possible(int(m.group(1)), 1992):
        return _parse_generic(c, "RU")
    year, serial = m.groups()
    if int(year) < 2000 and m.re is _RU_RE:
        return _parse_generic(c, "RU")  # 19xx + 6 digits is no RU application of the 1990s
    number = f"{year if int(year) >= 2000 else year[2:]}{serial}"
    epodoc = f"RU{year}0{serial}"
    return _Parsed(
        office="RU",
        kind="application",
        key=f"RU{number}",
        display=f"RU {number}",
        epodoc=epodoc,
        # the generic reader's key for the EPODOC form, kept by rows stored before
        candidates=(f"RU0{serial}",) if m.re is _RU_EPODOC_RE else (),
    )


# DK: a patent application is "PA", the filing year and a 5-digit serial (DK PA 2011 70255);
# DKPTO's register searches the digits alone (199900100). The key keeps the letters, as for AT;
# the digits' generic key is a candidate, so rows stored from "DK 201170255" are found.
_DK_PA_RE = re.compile(r"PA((?:19|20)\d{2})(\d{5})")


def _parse_dk(c: _Ctx) -> _Parsed:
    m = _DK_PA_RE.fullmatch(_compact(c.rest, " ,.-"))
    if m is None:
        return _parse_generic(c, "DK")
    year, serial = m.groups()
    if c.pub:
        c.fail(_("this is a DK application number (e.g. DK PA 2011 70255), not a publication."))
    if not _year_possible(int(year), 1900) or int(serial) == 0:
        c.fail(_("a DK application number looks like DK PA 2011 70255 (PA, year, serial)."))
    parsed = _application("DK", f"PA{year}{serial}", f"DK PA {year} {serial}")
    parsed.candidates = (f"DK{year}{serial}",)
    return parsed
