"""JP applications and publications (era years)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import (
    _application,
    _Ctx,
    _docdb,
    _Parsed,
    _publication,
    _serial_nonzero,
    _this_year,
    _year_possible,
)

# --------------------------------------------------------------------------------------------

_ERA_START = {"M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
_ERA_LAST = {"M": 45, "T": 15, "S": 64, "H": 31}
_ERA_NAMES = {"M": "Meiji", "T": "Taisho", "S": "Showa", "H": "Heisei", "R": "Reiwa"}


def _era_to_year(c: _Ctx, era: str, yy: int) -> int:
    last = _ERA_LAST.get(era, _this_year() - _ERA_START["R"] + 1)
    if not 1 <= yy <= last:
        c.fail(
            _("%(era)s %(yy)s is not a year (the era ran from 1 to %(last)s).")
            % {"era": _ERA_NAMES[era], "yy": yy, "last": last}
        )
    return _ERA_START[era] + yy


def _year_to_era(year: int) -> tuple[str, int]:
    if year >= 1989:
        return "H", year - 1988
    if year >= 1926:
        return "S", year - 1925
    if year >= 1912:
        return "T", year - 1911
    return "M", year - 1867


def _jp_eras_for_two_digits(c: _Ctx, yy: int) -> list[str]:
    """Possible eras of a two-digit year without era letter, most likely first."""
    eras: list[str] = []
    if 1 <= yy <= 11:
        eras = ["H", "S"]  # Heisei numbering was used up to Heisei 11 (1999)
    elif yy <= 64:
        eras = ["S"]
    if not eras:
        c.fail(
            _("‘%(yy)s’ is not a Japanese era year; write the year in full (e.g. 2013-123456).")
            % {"yy": yy}
        )
    if c.filed is not None:
        for era in ("H", "S", "R"):
            if _ERA_START[era] + yy == c.filed.year:
                return [era, *[e for e in eras if e != era]]
    return eras


def _jp_app(c: _Ctx, year: int, serial: int) -> _Parsed:
    if not _year_possible(year, 1885):
        c.fail(_("%(year)s is not a possible filing year.") % {"year": year})
    _serial_nonzero(c, serial)
    modern = year >= 2000
    return _application(
        "JP",
        f"{year}{serial:06d}",
        f"JP {year}-{serial:06d}",
        docdb=f"JP.{year}{serial:06d}.A" if modern else None,
        epodoc=f"JP{year}{serial:07d}" if modern else None,
    )


def _jp_pub(c: _Ctx, year: int, serial: int, era: str | None = None) -> _Parsed:
    _serial_nonzero(c, serial)
    if era is not None and year >= 2000:
        era = None
    if era is None and year < 2000:
        era = _year_to_era(year)[0]
    if era is None:
        if not _year_possible(year, 2000):  # no era: 2000 or later
            c.fail(_("%(year)s is not a possible publication year.") % {"year": year})
        number, display = f"{year}{serial:06d}", f"JP {year}-{serial:06d}"
        return _publication(c, "JP", number, display)
    yy = year - _ERA_START[era]
    number, display = f"{era}{yy:02d}{serial:06d}", f"JP {era}{yy:02d}-{serial:06d}"
    parsed = _publication(c, "JP", number, display)
    # EPODOC/DOCDB write the serial without leading zeros (JPS582167U for S58-002167 U,
    # JPH087001A for H08-007001 A); OPS refuses the padded JPS58002167.  The key stays padded.
    short = f"{era}{yy:02d}{serial}"
    parsed.docdb, parsed.epodoc = _docdb("JP", short, c.kind_code), f"JP{short}"
    return parsed


def _jp_dated(c: _Ctx, year: int, serial: int, era: str | None) -> _Parsed:
    return _jp_pub(c, year, serial, era) if c.pub else _jp_app(c, year, serial)


def _parse_jp(c: _Ctx) -> _Parsed:
    s = re.sub(r"^([MTSHR]) ", r"\1", c.rest.replace(",", ""))
    s = re.sub(r" ?[-/. ] ?", "-", s)
    m = re.fullmatch(r"([MTSHR])(\d{2})(\d{6})", s) or re.fullmatch(
        r"([MTSHR])(\d{1,2})[-/.](\d{1,6})", s
    )
    if not m and c.pub:
        # Espacenet / EPODOC: era, two-digit year, serial without leading zeros (JPS582167U,
        # JPH0229970B2)
        m = re.fullmatch(r"([MTSHR])(\d{2})(\d{1,5})", s)
    if m:
        era = m.group(1)
        year = _era_to_year(c, era, int(m.group(2)))
        return _jp_dated(c, year, int(m.group(3)), era)
    m = re.fullmatch(r"(\d{4})0(\d{6})", s)  # EPODOC: year + serial padded to 7 (JP20150536789)
    if m and not c.pub:
        return _jp_app(c, int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d{4})-?(\d{6})", s) or re.fullmatch(r"(\d{4})[-/.](\d{1,6})", s)
    if m:
        return _jp_dated(c, int(m.group(1)), int(m.group(2)), None)
    m = re.fullmatch(r"(\d{2})[-/.]?(\d{6})", s) or re.fullmatch(r"(\d{1,2})[-/.](\d{1,6})", s)
    if m:
        yy, serial = int(m.group(1)), int(m.group(2))
        eras = _jp_eras_for_two_digits(c, yy)
        results = [_jp_dated(c, _era_to_year(c, era, yy), serial, era) for era in eras]
        first = results[0]
        first.candidates = tuple(r.key for r in results[1:] if r.key != first.key)
        return first
    m = re.fullmatch(r"\d{5,7}", s)
    if m and c.pub:
        n = int(s)
        if n == 0:
            c.fail(_("a JP patent number cannot be 0."))
        return _publication(c, "JP", str(n))
    if re.fullmatch(r"\d{1,6}", s) and c.filed is not None and not c.pub:
        return _jp_app(c, c.filed.year, int(s))
    c.fail(
        _(
            "a JP application number has the year and a 6-digit serial (e.g. JP 2013-123456, "
            "H11-123456)."
        )
    )
