"""KR applications and publications (type codes)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import _compact, _Ctx, _docdb, _Parsed, _publication, _serial_nonzero, _year_possible

# --------------------------------------------------------------------------------------------

_KR_TYPES = {"10": "patent", "20": "utility model", "30": "design"}


def _kr_year(c: _Ctx, text: str) -> int:
    year = int(text)
    if not _year_possible(year, 1946):
        c.fail(_("%(year)s is not a possible year in a KR number.") % {"year": year})
    return year


def _kr_dated(c: _Ctx, type_code: str, year: int, serial: str) -> _Parsed:
    if type_code not in _KR_TYPES:
        c.fail(
            _("‘%(type_code)s’ is not a KR right type (10 patent, 20 utility model, 30 design).")
            % {"type_code": type_code}
        )
    _serial_nonzero(c, int(serial))
    number = f"{type_code}{year}{serial}"
    kind = "publication" if c.pub else "application"
    if kind == "application":
        docdb = f"KR.{year}{serial}.A" if type_code == "10" else None
    else:
        docdb = _docdb("KR", f"{year}{serial}", c.kind_code)
    return _Parsed(
        office="KR",
        kind=kind,
        key=f"KR{number}",
        display=f"KR {type_code}-{year}-{serial}",
        docdb=docdb,
        epodoc=f"KR{year}{serial}" if type_code == "10" or kind == "publication" else None,
    )


def _parse_kr(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.")
    m = re.fullmatch(r"(\d{2})-?(\d{4})-?(\d{7})", s)
    if m:
        return _kr_dated(c, m.group(1), _kr_year(c, m.group(2)), m.group(3))
    m = re.fullmatch(r"(\d{4})-?(\d{7})", s)
    if m:
        year = _kr_year(c, m.group(1))
        if c.kind_code and c.kind_code[0] in "UY":
            return _kr_dated(c, "20", year, m.group(2))
        parsed = _kr_dated(c, "10", year, m.group(2))
        if not c.kind_code:
            parsed.candidates = (f"KR20{year}{m.group(2)}", f"KR30{year}{m.group(2)}")
        return parsed
    m = re.fullmatch(r"(\d{2})-?(\d{7})", s)
    if m and c.pub:
        type_code, serial = m.group(1), m.group(2)
        if type_code >= "70":  # before the type codes, the year: KR 90-0004490 B1, 95-0032887 U
            return _publication(c, "KR", f"{type_code}{serial}", f"KR {type_code}-{serial}")
        if type_code not in _KR_TYPES:
            c.fail(
                _("‘%(type_code)s’ is not a KR right type (10 patent, 20 utility model).")
                % {"type_code": type_code}
            )
        return _publication(c, "KR", f"{type_code}{serial}", f"KR {type_code}-{serial}")
    c.fail(
        _(
            "a KR application number has a type code, the year and a 7-digit serial "
            "(e.g. KR 10-2008-0107376)."
        )
    )
