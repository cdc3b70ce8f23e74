"""GB, FR, CA, AU, IN, BR, TW and every other ST.3 office."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ._base import (
    APPLICATION_KINDS,
    _application,
    _application_or_publication,
    _compact,
    _Ctx,
    _docdb,
    _Parsed,
    _publication,
    _serial_nonzero,
    _two_digit_year,
    _year_possible,
)

# --------------------------------------------------------------------------------------------


def _parse_seven(c: _Ctx, office: str, example: str) -> _Parsed:
    """GB and FR: applications YY + 5 digits (+ check digit for GB), publications 7 digits."""
    s = _compact(c.rest, " ,-/")
    m = re.fullmatch(r"(\d{7})(?:\.(\d))?", s)
    if not m and office == "GB" and not c.pub:
        m = re.fullmatch(r"(\d{7})(\d)", s)
    if not m and not c.pub:
        # Filing year in full: GB201218345 (original form in newer records, 4-digit year + 5),
        # GB20120018345 (EPODOC: year + serial padded to 7).
        y = re.fullmatch(r"((?:19|20)\d{2})(\d{5})(?:\.(\d))?", s) or re.fullmatch(
            r"((?:19|20)\d{2})00(\d{5})()", s
        )
        if y and _year_possible(int(y.group(1)), 1950):
            s = f"{y.group(1)[2:]}{y.group(2)}" + (f".{y.group(3)}" if y.group(3) else "")
            m = re.fullmatch(r"(\d{7})(?:\.(\d))?", s)
    if not m and c.pub and re.fullmatch(r"\d{1,6}", s) and int(s):
        return _publication(c, office, str(int(s)))  # older patents: GB 991033 A, FR 346608 A
    if not m:
        c.fail(
            _("a %(office)s number has 7 digits (e.g. %(example)s).")
            % {"office": office, "example": example}
        )
    number, check = m.groups()
    if check and (office != "GB" or c.pub):
        if c.pub:
            c.fail(_("a %(office)s publication number has no check digit.") % {"office": office})
        c.fail(_("a %(office)s number has no check digit.") % {"office": office})
    if int(number) == 0:
        c.fail(_("a %(office)s number cannot be 0.") % {"office": office})
    if c.pub:
        return _publication(c, office, number)
    year = _two_digit_year(int(number[:2]))
    return _application(
        office,
        number,
        # the check digit the office gave is kept for display (GB 1218345.6); none is invented
        f"{office} {number}" + (f".{check}" if check else ""),
        docdb=f"{office}.{number}.A",
        epodoc=f"{office}{year}00{number[2:]}",
    )


def _parse_gb(c: _Ctx) -> _Parsed:
    return _parse_seven(c, "GB", "GB 1234567.8 or GB 2500000 A")


def _parse_fr(c: _Ctx) -> _Parsed:
    return _parse_seven(c, "FR", "FR 1234567 or FR 3000000 A1")


_CA_EPODOC_RE = re.compile(r"((?:19|20)\d{2})(\d{7})")
_CA_RE = re.compile(r"\d{6,7}")


def _parse_ca(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    year = c.filed.year if c.filed is not None else None
    m = _CA_EPODOC_RE.fullmatch(s)  # EPODOC: filing year + number
    if m and not c.pub and _year_possible(int(m.group(1)), 1950):
        year, s = int(m.group(1)), m.group(2)
    if not _CA_RE.fullmatch(s) or int(s) == 0:
        c.fail(_("a CA number has 6 or 7 digits (e.g. CA 2,123,456)."))
    n = int(s)
    return _application_or_publication(
        c,
        "CA",
        str(n),
        f"CA {n:,}",
        app_epodoc=f"CA{year}{n}" if year else None,  # CA20112744162
    )


def _au_old(c: _Ctx, serial: int, yy: int) -> _Parsed:
    year = _two_digit_year(yy, pivot=50)
    if year > 2001:
        c.fail(_("old-style AU numbers (serial/year) were used up to 2001; use AU 2013123456."))
    _serial_nonzero(c, serial)
    display = f"AU {serial}/{yy:02d}"
    return _application("AU", f"{year}{serial:06d}", display, docdb=f"AU.{serial}{yy:02d}.A")


def _parse_au(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    m = re.fullmatch(r"(P[L-S])(\d{4})", s)
    if m and not c.pub:
        return _application("AU", f"{m.group(1)}{m.group(2)}", f"AU {m.group(1)}{m.group(2)}")
    m = re.fullmatch(r"(\d{4})0(\d{6})", s)  # EPODOC AU20240265697
    if m and not c.pub:
        s = m.group(1) + m.group(2)
    m = re.fullmatch(r"(\d{4})(\d{6})", s)
    if m:
        year, serial = int(m.group(1)), int(m.group(2))
        if not _year_possible(year, 1904):
            c.fail(
                _("an AU number starts with the year; %(year)s is not possible.") % {"year": year}
            )
        if year < 2002 and not c.pub:  # stored form of an old serial/YY number
            return _au_old(c, serial, year % 100)
        return _application_or_publication(c, "AU", s, f"AU {s}", app_epodoc=f"AU{year}0{s[4:]}")
    m = re.fullmatch(r"(\d{1,6})/(\d{2})", s)
    if m and not c.pub:
        return _au_old(c, int(m.group(1)), int(m.group(2)))
    if re.fullmatch(r"\d{5,7}", s) and c.pub:
        n = int(s)
        return _publication(c, "AU", str(n))
    if re.fullmatch(r"\d{6,7}", s):  # docdb form of serial/YY: 1234595
        yy = int(s[-2:])
        if c.filed is None or c.filed.year % 100 == yy:
            return _au_old(c, int(s[:-2]), yy)
    if re.fullmatch(r"\d{1,5}", s) and c.filed is not None and c.filed.year <= 2001:
        return _au_old(c, int(s), c.filed.year % 100)
    c.fail(_("an AU application number has the year and 6 digits (e.g. AU 2013123456)."))


_IN_OFFICES = frozenset({"DEL", "MUM", "CHE", "KOL", "DELNP", "MUMNP", "CHENP", "KOLNP"})


def _parse_in(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    m = re.fullmatch(r"0*(\d{1,5})[-/]?([A-Z]{3,5})[-/]?(\d{4})", s)
    if m:
        serial, place, year = int(m.group(1)), m.group(2), int(m.group(3))
        if place not in _IN_OFFICES:
            c.fail(
                _("‘%(place)s’ is not an Indian patent office (DEL, MUM, CHE, KOL, …NP).")
                % {"place": place}
            )
        if not _year_possible(year, 1972) or serial == 0:
            c.fail(_("an old IN number looks like IN 1234/DEL/2013."))
        return _application("IN", f"{serial}{place}{year}", f"IN {serial}/{place}/{year}")
    if re.fullmatch(r"\d{12}", s):
        year = int(s[:4])
        if not _year_possible(year, 2015):
            c.fail(_("a 12-digit IN number starts with the year (2015 or later)."))
        kind = "publication" if c.pub else "application"
        return _Parsed(office="IN", kind=kind, key=f"IN{s}", display=f"IN {s}")
    c.fail(_("an IN application number looks like IN 1234/DEL/2013 or IN 201611012345."))


_BR_TYPES = frozenset({"10", "11", "12", "13", "20", "21", "22", "30", "32"})


# INPI's check digit (BR 10 2020 015883-0, PI 0812345-6) is kept for display where given
# (its rule is not known here) and left out of the key, as for GB.
def _br_check(c: _Ctx, check: str | None) -> str:
    return f"-{check}" if check and not c.pub else ""


def _parse_br(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,./")
    m = re.fullmatch(r"0*(PI|MU|DI|C1|C2|C3)(\d{7})(?:-?(\d))?", s)  # DEPATISnet: BR000PI...
    if m:
        number = f"{m.group(1)}{m.group(2)}"
        return _Parsed(
            office="BR",
            kind="publication" if c.pub else "application",
            key=f"BR{number}",
            display=f"BR {m.group(1)} {m.group(2)}{_br_check(c, m.group(3))}",
        )
    m = re.fullmatch(r"(\d{2})(\d{4})(\d{6})(?:[-.]?(\d))?", s)
    if m:
        type_code, year = m.group(1), int(m.group(2))
        if type_code not in _BR_TYPES:
            c.fail(
                _("‘%(type_code)s’ is not a BR type code (10 invention, 11 PCT, 20 utility model).")
                % {"type_code": type_code}
            )
        if not _year_possible(year, 2012):
            c.fail(
                _("the BR type/year numbers were introduced in 2012; %(year)s is not possible.")
                % {"year": year}
            )
        number = f"{type_code}{year}{m.group(3)}"
        display = f"BR {type_code} {year} {m.group(3)}{_br_check(c, m.group(4))}"
        return _application_or_publication(c, "BR", number, display, app_epodoc=f"BR{number}")
    c.fail(_("a BR number looks like BR 10 2013 012345-6 or PI 0612345-6."))


def _parse_tw(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-/")
    m = re.fullmatch(r"([IMD])(\d{6})", s)
    if m and c.want != "application":
        return _publication(c, "TW", s)
    if re.fullmatch(r"\d{8,9}", s):
        if not c.pub and s[-6] not in "123":
            c.fail(_("a TW application number is the ROC year, a type digit (1-3) and 5 digits."))
        if c.pub:  # TW 200928818 A: DOCDB TW.200928818.A, EPODOC TW200928818 (OPS)
            return _publication(c, "TW", s)
        return _application("TW", s, f"TW {s}")
    c.fail(_("a TW application number looks like TW 102123456 (ROC year, type, serial)."))


# SG: type (10 national, 11 PCT national phase) + filing year + 5 digits + a check letter
# (SG 11201803052Q, Espacenet SG11201803052QA); before that year + 5 digits + "-" + check digit
# (200507268-1).  The check is kept for display and in the EPO forms, left out of the key.
_SG_RE = re.compile(r"(1[01](?:19|20)\d{7})([A-Z])?([A-Z]\d?)?")
_SG_OLD_RE = re.compile(r"((?:19|20)\d{7})-(\d)")


def _parse_sg(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,./")
    m = _SG_OLD_RE.fullmatch(s)
    if m:
        if c.pub:
            c.fail(_("this is an SG application number (year, serial, check digit)."))
        return _application("SG", m.group(1), f"SG {m.group(1)}-{m.group(2)}")
    m = _SG_RE.fullmatch(s.replace("-", ""))
    if not m:
        return _parse_generic(c, "SG")
    digits, letter, glued = m.groups()
    kind_code, used = c.kind_code, True
    if letter is None and kind_code and len(kind_code) == 1:
        letter, kind_code, used = kind_code, None, False  # SG 11201803052Q: Q is the check
    if glued and c.want == "application" and glued in APPLICATION_KINDS:
        glued = None
    kind_code = glued or kind_code
    pub = c.want == "publication" or (c.want is None and kind_code is not None)
    if c.want == "application" and kind_code:
        c.fail(_("this is a publication number, not an application number."))
    number = f"{digits}{letter or ''}"
    return _Parsed(
        office="SG",
        kind="publication" if pub else "application",
        key=f"SG{digits}",
        display=f"SG {number}",
        docdb=_docdb("SG", number, kind_code) if pub and letter else None,
        epodoc=f"SG{number}" if pub and letter else None,
        kind_code_used=used,
        kind_code_found=glued,
    )


# ZA (CIPC): the filing year, a slash and a 5-digit serial (2022/08038); the patent keeps the
# application's number (OPS: ZA.202208038.B).  The key stays year + serial, as the generic reader
# gave it; a serial typed unpadded (2022/8038) gave another key then, kept as a candidate.
_ZA_RE = re.compile(r"((?:19|20)\d{2})(?:/(\d{1,5})|(\d{5}))")


def _parse_za(c: _Ctx) -> _Parsed:
    m = None if c.pub else _ZA_RE.fullmatch(_compact(c.rest, " ,.-"))
    if m is None or not _year_possible(int(m.group(1)), 1979):
        return _parse_generic(c, "ZA")
    year, serial = m.group(1), m.group(2) or m.group(3)
    _serial_nonzero(c, int(serial))
    parsed = _application("ZA", f"{year}{int(serial):05d}", f"ZA {year}/{int(serial):05d}")
    if len(serial) < 5:  # the generic reader's key for 2022/8038, kept by rows stored before
        parsed.candidates = (f"ZA{year}{serial}",)
    return parsed


# Letters that some offices put in front of their own numbers (DOCDB): AT E232441 (translation
# of an EP patent), HR P20240214, HU P2200418.
GENERIC_PREFIXES = {"AT": ("E",), "HR": ("P",), "HU": ("P",)}


def _parse_generic(c: _Ctx, office: str) -> _Parsed:
    m = re.fullmatch(r"(\d[\d ,/-]*)\.(\d)", c.rest)  # check digit: DK 19702186.8
    check = None
    if m and not c.pub:
        s, check = _compact(m.group(1), " ,/-"), m.group(2)
    else:
        s = _compact(c.rest, " ,./-")
    letters = ""
    for prefix in GENERIC_PREFIXES.get(office, ()):
        if s.startswith(prefix):
            letters, s = prefix, s[len(prefix) :]
    if not re.fullmatch(r"\d{1,15}", s):
        c.fail(
            _("a %(office)s number is made of digits (e.g. %(office)s 1234567).")
            % {"office": office}
        )
    kind = "publication" if c.pub else "application"
    candidates: tuple[str, ...] = ()
    epodoc_app = None
    y = re.fullmatch(r"((?:19|20)\d{2})(\d{7})", s)
    if y and kind == "application" and not letters and _year_possible(int(y.group(1)), 1900):
        # EPODOC puts the filing year in front of a 7-digit number (NL19981010536)
        candidates, epodoc_app = (f"{office}{s}",), f"{office}{s}"
        s = y.group(2)
    s = letters + s
    return _Parsed(
        office=office,
        kind=kind,
        key=f"{office}{s}",
        candidates=candidates,
        display=f"{office} {s}" + (f".{check}" if check else ""),
        docdb=_docdb(office, s, c.kind_code) if kind == "publication" else None,
        epodoc=f"{office}{s}" if kind == "publication" else epodoc_app,
    )
