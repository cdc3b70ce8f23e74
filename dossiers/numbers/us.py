"""US applications, patents and pre-grant publications."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from ._base import (
    _application,
    _compact,
    _Ctx,
    _docdb,
    _Parsed,
    _publication,
    _two_digit_year,
    _year_possible,
)

# --------------------------------------------------------------------------------------------

_US_UTILITY_SERIES = tuple(f"{n:02d}" for n in range(1, 20))
_US_SERIES = frozenset((*_US_UTILITY_SERIES, "29", "35", "60", "61", "62", "63", "90", "95", "96"))
_US_PROVISIONAL = frozenset({"60", "61", "62", "63"})


def _series_starts(table: str) -> tuple[tuple[str, datetime.date], ...]:
    """A table of "series first-date" pairs (``02 1935-01-01 03 1948-01-01 ...``), in order."""
    words = table.split()
    return tuple(
        (series, datetime.date.fromisoformat(day))
        for series, day in zip(words[::2], words[1::2], strict=True)
    )


# Approximate first filing dates of the utility series (for ``filed``); neighbours within a year of
# a boundary are offered as candidates because the switch-over dates are not exact.  12 starts in
# 2008: US 11/964,952 was filed 2007-12-27 (OPS, corpus).
_US_SERIES_START = _series_starts("""
    02 1935-01-01  03 1948-01-01  04 1960-01-01  05 1970-01-01  06 1979-01-01  07 1987-01-01
    08 1993-01-01  09 1997-12-30  10 2001-12-01  11 2004-12-01  12 2008-01-01  13 2010-12-01
    14 2013-08-01  15 2014-12-01  16 2017-12-01  17 2020-03-01  18 2022-07-01  19 2025-06-01
""")
# No year has had this many pre-grant publications: a larger 7-digit "serial" after the year
# (US20130926335) is more likely the series-less EPODOC form of an application.
_PGPUB_SERIAL_MAX = 500_000
_US_PROVISIONAL_START = _series_starts("60 1995-06-08  61 2007-12-01  62 2014-10-01  63 2020-03-01")
_US_SPECIAL_RE = re.compile(r"(RE|PP|D|H|T|X)0*(\d{1,7})")


def _us_series_for(filed: datetime.date | None) -> list[str]:
    """Utility series codes, most likely first."""
    if filed is None:
        today = datetime.datetime.now(tz=datetime.UTC).date()
        return [s for s, start in reversed(_US_SERIES_START) if start <= today]
    best = None
    for i, (_series, start) in enumerate(_US_SERIES_START):
        if filed >= start:
            best = i
    if best is None:
        return ["02"]
    order = [_US_SERIES_START[best][0]]
    year = datetime.timedelta(days=365)
    if best + 1 < len(_US_SERIES_START) and _US_SERIES_START[best + 1][1] - filed <= year:
        order.append(_US_SERIES_START[best + 1][0])
    if best > 0 and filed - _US_SERIES_START[best][1] <= year:
        order.append(_US_SERIES_START[best - 1][0])
    return order


# DOCDB application numbers: serial + 2-digit filing year up to 2010 (US.87951510.A, filed
# 2010-09-10), filing year + series + serial from 2011 (US.201113167395.A, filed 2011-06-23).
# EPODOC likewise: US + year + serial padded to 7 up to 2010 (US20100942680 for 12/942,680),
# US + year + series + serial from 2011.
_US_NEW_DOCDB_FROM = 2011


def _us_provisional_series(year: int) -> list[str]:
    """Provisional series codes in use in that year, the newest first."""
    found = []
    for i, (series, start) in enumerate(_US_PROVISIONAL_START):
        end = _US_PROVISIONAL_START[i + 1][1].year if i + 1 < len(_US_PROVISIONAL_START) else 9999
        if start.year <= year <= end:
            found.append(series)
    return found[::-1]


def _us_app_from_year(c: _Ctx, year: int, serial: str) -> _Parsed:
    """A serial whose series code the number leaves out, with its filing year (DOCDB serial+YY,
    the series-less EPODOC form US + year + 0 + serial): the series follows from the date."""
    if not _year_possible(year, 1915):
        c.fail(_("%(year)s is not a possible filing year.") % {"year": year})
    when = c.filed if c.filed is not None and c.filed.year == year else datetime.date(year, 7, 1)
    if c.app_kind == "P":  # provisional: 60 from 1995, 61 from 2008, 62 from 2014, 63 from 2020
        series = _us_provisional_series(year)
        if not series:
            c.fail(_("US provisional applications exist from 1995."))
    else:
        series = _us_series_for(when)
    if c.app_kind != "P" and year >= 1995:  # an original without kind may be a provisional
        series += _us_provisional_series(year)
    parsed = _us_app(c, series[0], serial, year)
    parsed.alternatives = tuple(_us_app(c, x, serial, year) for x in series[1:])
    parsed.candidates = tuple(a.key for a in parsed.alternatives)
    return parsed


def _us_app(c: _Ctx, series: str, serial: str, year: int | None = None) -> _Parsed:
    if series not in _US_SERIES:
        c.fail(
            _(
                "‘%(series)s’ is not a US application series code (utility 01–19, design 29, "
                "provisional 60–63, re-examination 90/95/96)."
            )
            % {"series": series}
        )
    if year is None and c.filed is not None:
        year = c.filed.year
    docdb = epodoc = None
    if year is not None:
        letter = "P" if series in _US_PROVISIONAL else "A"
        # EPODOC as OPS records give it today: year + series + serial (US201113167395,
        # provisionals with their kind letter: US202563753186P).
        p = "P" if letter == "P" else ""
        if year >= _US_NEW_DOCDB_FROM:
            docdb = f"US.{year}{series}{serial}.{letter}"  # US.201113167395.A
            epodoc = f"US{year}{series}{serial}{p}"  # US201113167395
        else:
            # serial (no leading zeros) + 2-digit year: US.87951510.A, US.2366704.A (11/023,667)
            docdb = f"US.{int(serial)}{year % 100:02d}.{letter}"
            epodoc = f"US{year}{serial:0>7}{p}"  # no series code: US20040023667, US20020396363P
    display = f"US {series}/{serial[:3]},{serial[3:]}"
    return _application("US", f"{series}{serial}", display, docdb=docdb, epodoc=epodoc)


def _us_patent(c: _Ctx, number: str, prefix: str = "") -> _Parsed:
    n = int(number)
    if n == 0:
        c.fail(_("a US patent number cannot be 0."))
    return _publication(c, "US", f"{prefix}{n}", f"US {prefix}{n:,}")


def _us_pgpub(c: _Ctx, year_text: str, serial_text: str) -> _Parsed:
    year, serial = int(year_text), int(serial_text)
    if not _year_possible(year, 2001):
        c.fail(
            _("US pre-grant publications started in 2001; %(year)s is not possible.")
            % {"year": year}
        )
    short = f"{year}{serial:06d}" if serial < 1_000_000 else f"{year}{serial:07d}"
    return _Parsed(
        office="US",
        kind="publication",
        key=f"US{year}{serial:07d}",
        display=f"US {year}/{serial:07d}",
        docdb=_docdb("US", short, c.kind_code),
        epodoc=f"US{short}",
    )


def _parse_us(c: _Ctx) -> _Parsed:
    if re.fullmatch(r"\d{1,2},\d{3},\d{3}", c.rest) and c.want != "application":
        return _us_patent(c, _compact(c.rest))  # 10,123,456 is a patent; 10/123,456 an application
    s = _compact(c.rest, " ,.")
    m = _US_SPECIAL_RE.fullmatch(s)
    if m:
        if c.want == "application":
            c.fail(_("this is a US patent number (reissue, design or plant), not an application."))
        return _us_patent(c, m.group(2), m.group(1))
    m = re.fullmatch(r"(\d{2})[/-](\d{6})", s)
    if m:
        if c.want == "publication":
            c.fail(_("this is a US application number (series/serial), not a publication number."))
        return _us_app(c, m.group(1), m.group(2))
    m = re.fullmatch(r"(\d{4})0(\d{6})", s)  # US20130926335: EPODOC without series, or pgpub
    if m and not c.kind_code and c.want != "publication":
        if c.want == "application" or int(m.group(2)) >= _PGPUB_SERIAL_MAX:
            return _us_app_from_year(c, int(m.group(1)), m.group(2))
    m = re.fullmatch(r"(\d{4})[/-]?(\d{7})", s)  # 2014/0167116, USPTO's 2014-0167116
    if m:
        return _us_pgpub(c, m.group(1), m.group(2))
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{6})", s)  # epodoc / docdb: year + series + serial
    if m and c.want != "publication":
        year = int(m.group(1))
        if not _year_possible(year, 1900):
            c.fail(_("%(year)s is not a possible filing year.") % {"year": year})
        return _us_app(c, m.group(2), m.group(3), year)
    if re.fullmatch(r"20\d{8}", s) and c.want != "application":  # Espacenet US2013123456A1
        return _us_pgpub(c, s[:4], s[4:])
    if re.fullmatch(r"\d{3,8}", s) and c.docdb and c.want == "application":
        return _us_app_from_year(c, _two_digit_year(int(s[-2:]), pivot=15), f"{int(s[:-2]):06d}")
    m = re.fullmatch(r"((?:19|20)\d{2})(\d{6})", s)  # original of older priorities: 2002 291320
    if m and c.want == "application" and re.fullmatch(r"\d{4} \d{6}", c.rest):
        return _us_app_from_year(c, int(m.group(1)), m.group(2))
    if re.fullmatch(r"\d{8}", s):
        if c.pub:
            return _us_patent(c, s)
        return _us_app(c, s[:2], s[2:])
    if re.fullmatch(r"\d{1,7}", s):
        if c.want in ("application", None) and len(s) == 6 and not c.kind_code:
            # Serial number without its series code: the series depends on the filing date.
            series = _us_series_for(c.filed)
            parsed = _us_app(c, series[0], s)
            parsed.candidates = tuple(f"US{x}{s}" for x in series[1:])
            return parsed
        if c.want == "application":
            c.fail(
                _(
                    "a US application number needs a 2-digit series code and a 6-digit serial "
                    "(e.g. US 14/123,456)."
                )
            )
        return _us_patent(c, s)
    if c.want == "publication":
        c.fail(_("a US publication number looks like US 8,131,731 B2 or US 2013/0123456 A1."))
    c.fail(
        _(
            "a US application number needs a 2-digit series code and a 6-digit serial "
            "(e.g. US 14/123,456)."
        )
    )
