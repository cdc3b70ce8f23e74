"""PCT applications and WO publications."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import OFFICE_CODES, _compact, _Ctx, _docdb, _Parsed, _two_digit_year, _year_possible

# --------------------------------------------------------------------------------------------

_PCT_SPLIT_RE = re.compile(r"([A-Z]{2})\s*[/-]?\s*(\d{2,4})\s*[/\s-]\s*(\d{1,6})")
_PCT_COMPACT_RE = re.compile(r"([A-Z]{2})\s*[/-]?\s*(\d{7,10})")
_WO_KEY_RE = re.compile(r"WO\s*(\d{4})\s*([A-Z]{2})\s*(\d{1,6})")


def _pct_year(c: _Ctx, text: str) -> int:
    if len(text) == 2:
        year = _two_digit_year(int(text))
    elif len(text) == 4:
        year = int(text)
    else:
        c.fail(
            _("a PCT application number needs the year as 2 or 4 digits (e.g. PCT/US2013/064552).")
        )
    if not _year_possible(year, 1978):
        c.fail(
            _("%(year)s is not a possible PCT filing year (the PCT started in 1978).")
            % {"year": year}
        )
    return year


def _split_pct_digits(digits: str) -> tuple[str, str]:
    if len(digits) == 7:
        return digits[:2], digits[2:]
    if len(digits) == 8:
        return digits[:2], digits[2:]
    return digits[:4], digits[4:]


def _pct(c: _Ctx, ro: str, year_text: str, serial_text: str) -> _Parsed:
    if ro not in OFFICE_CODES:
        c.fail(_("‘%(ro)s’ is not a receiving office code (e.g. PCT/US2013/064552).") % {"ro": ro})
    year = _pct_year(c, year_text)
    serial = int(serial_text)
    if serial == 0:
        c.fail(_("the serial number of a PCT application cannot be 0."))
    return _Parsed(
        office="WO",
        kind="pct",
        key=f"WO{year}{ro}{serial:06d}",
        display=f"PCT/{ro}{year}/{serial:06d}",
        # DOCDB: 2-digit year + 5-digit serial up to 2003 (GB.0204635.W), then 4 + 6 digits
        docdb=f"{ro}.{year % 100:02d}{serial:05d}.W"
        if year < 2004 and serial < 100_000
        else f"{ro}.{year}{serial:06d}.W",
        epodoc=f"WO{year}{ro}{serial:05d}",  # OPS guide: PCT/IB2008/012345 -> WO2008IB12345
    )


def _try_pct(c: _Ctx, s: str, assume_pct: bool) -> _Parsed | None:
    """PCT application forms: PCT/US2013/064552, WO2013US064552, (kind=pct) US 2013/064552."""
    m = _WO_KEY_RE.fullmatch(s)
    if m:
        return _pct(c, m.group(2), m.group(1), m.group(3))
    explicit = s.startswith("PCT")
    if explicit:
        body = s[3:].lstrip(" /-")
    elif assume_pct and not s.startswith("WO"):
        body = s
    else:
        return None
    m = _PCT_SPLIT_RE.fullmatch(body)
    if m:
        return _pct(c, m.group(1), m.group(2), m.group(3))
    m = _PCT_COMPACT_RE.fullmatch(body)
    if m:
        year, serial = _split_pct_digits(m.group(2))
        return _pct(c, m.group(1), year, serial)
    if not explicit and c.want != "pct":
        return None
    c.fail(
        _(
            "a PCT application number looks like PCT/US2013/064552 "
            "(receiving office, 4-digit year, 6-digit serial)."
        )
    )


_WO_PUB_RES = (
    re.compile(r"(\d{2}|\d{4})/(\d{1,6})"),
    re.compile(r"(\d{4})(\d{6})"),
    re.compile(r"(\d{2})(\d{5})"),
    # two-digit year + six digits: Espacenet's and EPODOC's form of the 2002-2003 publications
    # that passed 99999 (WO03107732, WO 03043359) and of six-digit serials written in full
    re.compile(r"(\d{2})(\d{6})"),
)


def _parse_wo(c: _Ctx) -> _Parsed:
    if c.want in ("application", "pct"):
        c.fail(
            _(
                "this is a WO publication number; an international application number looks like "
                "PCT/US2013/064552."
            )
        )
    body = _compact(c.rest, " ,.-")
    for rx in _WO_PUB_RES:
        m = rx.fullmatch(body)
        if m:
            break
    else:
        c.fail(_("a WO publication number looks like WO 2009/085664 A2 (year and 6-digit serial)."))
    year = _pct_year(c, m.group(1))
    serial = int(m.group(2))
    if serial == 0:
        c.fail(_("the serial number of a WO publication cannot be 0."))
    if year >= 2004:
        epodoc = f"WO{year}{serial:06d}"
    else:
        epodoc = f"WO{year % 100:02d}{serial:05d}" if serial < 100_000 else None
        epodoc = epodoc or f"WO{year % 100:02d}{serial:06d}"
    return _Parsed(
        office="WO",
        kind="publication",
        key=f"WO{year}{serial:06d}",
        display=f"WO {year}/{serial:06d}",
        docdb=_docdb("WO", epodoc[2:], c.kind_code),
        epodoc=epodoc,
    )
