"""Canonical patent numbers: one key and one display form per application or publication.

Examiners paste numbers in whatever spelling they have (``13/926,335``, ``US201313926335``,
``特願平11-123456``, ``PCT/US02/36644`` ...).  :func:`normalise` turns every spelling of the same
number into the same :class:`PatentNumber`, whose ``key`` is used for storage and lookup and whose
``display`` is the one format shown to people.  Pure standard library, no Django.

Decisions
=========

General
-------
* Text is cleaned first: Unicode NFKC (full-width digits, NBSP), every dash to ``-``, quotes and
  brackets dropped, words such as "U.S. Pat. No.", "Appl. No.", "Serial No.", "#", "S/N" removed,
  "EP-A-0 843 156" (EPO citation style) understood.  Input longer than 100 characters is refused.
* ``key`` = office code + digits, no separators, no check digit, no kind code.  A few keys keep
  letters where the number itself has them (``USRE45123``, ``USD654321``, ``JPH11123456``,
  ``AUPN1234``, ``BRPI0612345``, ``IN1234DEL2013``, ``TWI123456``) and PCT applications keep the
  receiving office (``WO2013US064552``).
* Publication keys leave out the kind code: ``US8131731B2`` and ``US8131731`` both give key
  ``US8131731``; the kind code is kept in ``kind_code`` and shown in ``display``.
* Keys are unique within a kind, not across kinds: some offices number applications and
  publications from the same series (US 10/123,456 vs US 10,123,456, JP 2013-123456 application vs
  publication, DE, FR, CA).  Store the kind next to the key where kinds share a column.
* ``priority`` numbers are application numbers: same key, same display; only ``kind`` differs.
* Check digits (EP, CN, DE, GB, BR ...) are accepted with or without, never required.  Where the
  algorithm is known (EP, CN, DE) a given check digit is validated and the display shows the
  computed one; where it is not known (GB, BR) any check digit is accepted and dropped, and the
  display has none (a display is rebuilt from the key alone).
* ``format_display(key)`` re-reads the key, so it always equals ``normalise(key).display``.
  Because keys carry no kind code, pass ``kind_code=`` (and ``kind=`` where the shape of a key
  does not tell the kind) to get a publication's full display.
* ``candidates`` lists other possible keys when the spelling leaves something open: US serial
  without series code, JP two-digit year without era, KR number without type code, bare numbers
  without office code that fit several offices.  ``filed`` narrows these down.
* ``docdb``/``epodoc`` are filled where the EPO forms can be derived with fair confidence; they are
  ``None`` otherwise (a publication's docdb form needs its kind code).

Per office (key / display)
--------------------------
* US application  ``US13926335`` / ``US 13/926,335`` (series codes 01-19, 29 designs,
  35 Hague designs, 60-63 provisionals, 90/95/96 re-examination).  epodoc ``US201313926335`` and
  docdb ``US.201313926335.A`` only when the filing year is known (epodoc/docdb input or ``filed``).
  Patents ``US8131731`` / ``US 8,131,731 B2``; reissue/design/plant ``USRE45123`` /
  ``US RE45,123 E``; pre-grant publications ``US20130123456`` / ``US 2013/0123456 A1`` (the
  Espacenet form ``US2013123456A1`` is understood).
* EP application ``EP13844704`` / ``EP 13844704.0`` (Luhn check digit as documented by the EPO,
  checked against real numbers); epodoc ``EP20130844704``, docdb ``EP.13844704.A``.
  Publication ``EP3082535`` / ``EP 3082535 A1`` (seven digits, zero padded).
* PCT application ``WO2013US064552`` / ``PCT/US2013/064552`` (office ``WO``, kind ``pct``); two
  digit years 78-99 are 19xx, 00-77 20xx; serials are padded to six digits.  epodoc
  ``WO2013US64552``, docdb ``US.2013064552.W``.  WO publication ``WO2009085664`` /
  ``WO 2009/085664 A2``.
* JP application ``JP2013123456`` / ``JP 2013-123456``; era years (Meiji, Taisho, Showa, Heisei,
  Reiwa; ``H25``, ``平成25``, ``特願平11-``) become western years.  Publications from 2000 on
  ``JP2000177507`` / ``JP 2000-177507 A``; earlier ones keep the era, as Espacenet does
  (``JPH11123456`` / ``JP H11-123456 A``); granted ``JP5123456`` / ``JP 5123456 B2``.
* KR application ``KR1020080107376`` / ``KR 10-2008-0107376`` (type 10 patent, 20 utility model,
  30 design).  Publications ``KR1020100130646`` / ``KR 10-2010-0130646 A`` and registrations
  ``KR101234567`` / ``KR 10-1234567 B1``.
* CN application ``CN201380062258`` / ``CN 201380062258.8`` (old form ``CN98123456`` /
  ``CN 98123456.9``); check digit: weights 2-9,2-5 mod 11, 10 = X.  Publication ``CN101911042`` /
  ``CN 101911042 B``.
* DE application ``DE102007004488`` / ``DE 10 2007 004 488.9``; old forms ``DE19512345`` /
  ``DE 195 12 345.x`` and ``DE4123456`` / ``DE 41 23 456.x``.  Check digit (DPMA): weights 2, 3,
  4 ... from the right, 11 - (sum mod 11); when that gives 10 or 11 the DPMA rule is not known
  here, so any check digit is accepted and none is shown.  Numbers below 31 00 000 (up to 1980)
  use the older weights 1..7 mod 10.
* GB ``GB1234567`` / ``GB 1234567``; FR ``FR1234567`` / ``FR 1234567``; CA ``CA2123456`` /
  ``CA 2,123,456``; AU ``AU2013123456`` / ``AU 2013123456``, old ``12345/95`` is stored as
  ``AU1995012345`` and shown ``AU 12345/95``, provisional ``AUPN1234`` / ``AU PN1234``;
  IN ``IN1234DEL2013`` / ``IN 1234/DEL/2013`` and ``IN201611012345`` / ``IN 201611012345``;
  BR ``BR102013012345`` / ``BR 10 2013 012345``, old ``BRPI0612345`` / ``BR PI 0612345``;
  TW ``TW102123456`` / ``TW 102123456``.
* Any other WIPO ST.3 office: ``CC`` + digits / ``CC digits``.  Unknown codes are refused.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import NoReturn

__all__ = [
    "KINDS",
    "MAX_LENGTH",
    "OFFICE_CODES",
    "InvalidNumber",
    "PatentNumber",
    "candidate_keys",
    "format_display",
    "normalise",
]

MAX_LENGTH = 100
KINDS = ("application", "publication", "priority", "pct")

# WIPO ST.3 two-letter codes: states, organisations (EP, WO, EM, EA, AP, OA, GC, IB, QZ, XN, XU,
# XV, XX, BX) plus former codes still found in patent documents (CS, DD, SU, YU).
_ST3 = """
AD AE AF AG AI AL AM AO AP AR AT AU AW AZ BA BB BD BE BF BG BH BI BJ BM BN BO BQ BR BS BT BV BW
BX BY BZ CA CD CF CG CH CI CK CL CM CN CO CR CU CV CW CY CZ DE DJ DK DM DO DZ EA EC EE EG EH EM
EP ER ES ET FI FJ FK FO FR GA GB GC GD GE GG GH GI GL GM GN GQ GR GS GT GW GY HK HN HR HT HU IB
ID IE IL IM IN IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT
LU LV LY MA MC MD ME MG MK ML MM MN MO MP MR MS MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ
OA OM PA PE PG PH PK PL PS PT PW PY QA QZ RO RS RU RW SA SB SC SD SE SG SH SI SK SL SM SN SO SR
SS ST SV SX SY SZ TC TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VN VU WO
WS XN XU XV XX YE ZA ZM ZW
CS DD SU YU
"""
OFFICE_CODES = frozenset(_ST3.split())

_WRONG_CODES = {"EU": "EP", "UK": "GB", "JA": "JP", "KO": "KR"}


class InvalidNumber(ValueError):
    """The text is not a patent number; the message says why, for a person to read."""


@dataclass(frozen=True)
class PatentNumber:
    office: str
    kind: str
    key: str
    display: str
    docdb: str | None
    epodoc: str | None
    kind_code: str | None = None
    candidates: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------------------------


def ep_check_digit(number: str) -> str:
    """EPO application check digit: weights 1,2,1,2... from the left, digit sums, mod 10."""
    total = 0
    for i, ch in enumerate(number):
        product = int(ch) * (2 if i % 2 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def cn_check_digit(number: str) -> str:
    """CNIPA application check digit: weights 2..9,2..5 from the left, mod 11, 10 = X."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    total = sum(int(ch) * weights[i % 8] for i, ch in enumerate(number))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def de_check_digit(number: str) -> str | None:
    """DPMA check digit, or None where it cannot be computed reliably.

    From 1981 (numbers from 31 00 000) and for the 8- and 12-digit forms: weights 2, 3, 4, ...
    from the right, 11 - (sum mod 11).  Up to 1980: weights 1..7 from the right, sum mod 10.
    """
    if len(number) == 7 and int(number) < 3_100_000:
        total = sum(int(ch) * w for w, ch in enumerate(reversed(number), start=1))
        return str(total % 10)
    total = sum(int(ch) * w for w, ch in enumerate(reversed(number), start=2))
    check = 11 - total % 11
    return None if check >= 10 else str(check)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _this_year() -> int:
    return datetime.datetime.now(tz=datetime.UTC).year


def _show(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


@dataclass
class _Ctx:
    shown: str  # the input as shown in messages
    rest: str  # number text after the office code (upper case, single spaces)
    kind_code: str | None
    want: str | None  # "application" | "publication" | "pct" | None (unknown)
    filed: datetime.date | None

    def fail(self, message: str) -> NoReturn:
        raise InvalidNumber(f"‘{self.shown}’: {message}")

    @property
    def pub(self) -> bool:
        return self.want == "publication" or (self.want is None and self.kind_code is not None)


@dataclass
class _Parsed:
    office: str
    kind: str  # natural kind: application | publication | pct
    key: str
    display: str
    docdb: str | None = None
    epodoc: str | None = None
    candidates: tuple[str, ...] = ()
    kind_code_used: bool = True  # False when a trailing letter was a check digit, not a kind code


def _compact(text: str, drop: str = " ,.") -> str:
    return text.translate({ord(ch): None for ch in drop})


def _group3(number: str) -> str:
    return f"{int(number):,}"


def _two_digit_year(yy: int, pivot: int = 78) -> int:
    return 1900 + yy if yy >= pivot else 2000 + yy


def _docdb(cc: str, number: str, kind_code: str | None) -> str | None:
    return f"{cc}.{number}.{kind_code}" if kind_code else None


# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------

_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe63\u2043"), "-"
)
_DASHES.update({ord("\u2215"): "/", ord("\u2044"): "/"})
_DROP_CHARS = dict.fromkeys(map(ord, "'\"‘’‚‛“”„«»‹›()[]{}#№<>`´"), " ")

_JP_MARKERS = (
    ("特許出願", "application"),
    ("特許願", "application"),
    ("特願", "application"),
    ("特開", "publication"),
    ("特表", "publication"),
    ("再表", "publication"),
    ("特公", "publication"),
    ("特許", "publication"),
)
_JP_UNSUPPORTED = ("実願", "実開", "実登", "実公", "意願", "意匠", "商願")
_JP_ERAS = (("平成", "H"), ("昭和", "S"), ("令和", "R"), ("大正", "T"), ("明治", "M"))
_JP_ERA_SHORT = (("平", "H"), ("昭", "S"), ("令", "R"))
_JP_NOISE = ("出願番号", "番号", "第", "号", "年", "公報", "出願", "：")
_KR_NOISE = ("특허출원", "출원번호", "실용신안", "특허", "출원", "번호", "공개", "등록", "제", "호")
_CN_NOISE = ("专利申请号", "專利申請號", "申请号", "申請號", "专利号", "專利號", "专利", "專利")
_CN_NOISE2 = ("申请", "申請", "中国", "中國", "号", "號", "第")

_OFFICE_WORDS = {
    "USPTO": "US",
    "EPO": "EP",
    "EUROPEAN": "EP",
    "WIPO": "WO",
    "JPO": "JP",
    "JAPANESE": "JP",
    "KIPO": "KR",
    "KOREAN": "KR",
    "CNIPA": "CN",
    "SIPO": "CN",
    "CHINESE": "CN",
    "DPMA": "DE",
    "GERMAN": "DE",
    "UKIPO": "GB",
    "UK": "GB",
    "BRITISH": "GB",
    "CIPO": "CA",
    "CANADIAN": "CA",
    "AUSTRALIAN": "AU",
    "FRENCH": "FR",
    "INDIAN": "IN",
    "BRAZILIAN": "BR",
    "TAIWANESE": "TW",
}
_OFFICE_WORD_RE = re.compile(r"\b(" + "|".join(_OFFICE_WORDS) + r")\b")
_US_DOTTED_RE = re.compile(r"\bU\.\s?S\.(?:\s?A\.)?")
_NOISE_RE = re.compile(
    r"\b(?:PATENTS?|PAT|APPLICATIONS?|APPLNS?|APPLS?|APP|SERIAL|SER|PROVISIONAL|PROV|"
    r"PUBLICATIONS?|PUBL?|INTERNATIONAL|INTL|NUMBERS?|NUM|NOS|NRS?|NO(?=\s*[.:])|"
    r"DOCUMENT|DOC|PRIORITY|DESIGN|UTILITY|PLANT|REISSUE|GRANTED|GRANT|S/N)\b\.?:?"
)
_NO_AFTER_OFFICE_RE = re.compile(r"^([A-Z]{2,3})\s+NO\s+(?=\S)")
_CITATION_RE = re.compile(r"([A-Z]{2})-([A-Z]\d?)-\s*(\d.*)")


def _clean(text: str) -> tuple[str, dict[str, str]]:
    """Return the cleaned, upper-case text and hints found in it (office, kind)."""
    hints: dict[str, str] = {}
    for mark in ("Nº", "nº", "N°", "n°", "№"):
        text = text.replace(mark, " ")
    s = unicodedata.normalize("NFKC", text)
    s = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") else ch for ch in s
    )
    s = s.translate(_DASHES).translate(_DROP_CHARS)

    if any("\u3040" <= ch <= "\u9fff" for ch in s):
        for word in _JP_UNSUPPORTED:
            if word in s:
                raise InvalidNumber(
                    f"‘{_show(text)}’: Japanese utility model and design numbers are not "
                    "supported; enter a patent application (特願) or publication number."
                )
        for marker, kind in _JP_MARKERS:
            if marker in s:
                s = s.replace(marker, " ")
                hints.setdefault("office", "JP")
                hints.setdefault("kind", kind)
        for word, letter in _JP_ERAS:
            if word in s:
                s = s.replace(word, " " + letter)
                hints.setdefault("office", "JP")
        for word, letter in _JP_ERA_SHORT:
            if word in s:
                s = s.replace(word, " " + letter)
                hints.setdefault("office", "JP")
        for word in _CN_NOISE:
            if word in s:
                s = s.replace(word, " ")
                hints.setdefault("office", "CN")
        for word in _JP_NOISE + _CN_NOISE2:
            s = s.replace(word, " ")
    if any("\uac00" <= ch <= "\ud7a3" for ch in s):
        for word in _KR_NOISE:
            s = s.replace(word, " ")
        hints.setdefault("office", "KR")

    s = s.upper()
    s = _US_DOTTED_RE.sub(" US ", s)
    s = _OFFICE_WORD_RE.sub(lambda m: " " + _OFFICE_WORDS[m.group(1)] + " ", s)
    s = _NOISE_RE.sub(" ", s)
    s = " ".join(s.split())
    s = _NO_AFTER_OFFICE_RE.sub(r"\1 ", s)
    s = s.strip(" :;,-/.")
    for ch in s:
        if not (ch.isascii() and (ch.isalnum() or ch in " ./,-:")):
            raise InvalidNumber(
                f"‘{_show(text)}’ contains ‘{ch}’, which is not part of any patent number."
            )
    s = s.replace(":", " ")
    return " ".join(s.split()), hints


# --------------------------------------------------------------------------------------------
# PCT applications and WO publications
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
        c.fail("a PCT application number needs the year as 2 or 4 digits (e.g. PCT/US2013/064552).")
    if not 1978 <= year <= _this_year() + 1:
        c.fail(f"{year} is not a possible PCT filing year (the PCT started in 1978).")
    return year


def _split_pct_digits(digits: str) -> tuple[str, str]:
    if len(digits) == 7:
        return digits[:2], digits[2:]
    if len(digits) == 8:
        return digits[:2], digits[2:]
    return digits[:4], digits[4:]


def _pct(c: _Ctx, ro: str, year_text: str, serial_text: str) -> _Parsed:
    if ro not in OFFICE_CODES:
        c.fail(f"‘{ro}’ is not a receiving office code (e.g. PCT/US2013/064552).")
    year = _pct_year(c, year_text)
    serial = int(serial_text)
    if serial == 0:
        c.fail("the serial number of a PCT application cannot be 0.")
    return _Parsed(
        office="WO",
        kind="pct",
        key=f"WO{year}{ro}{serial:06d}",
        display=f"PCT/{ro}{year}/{serial:06d}",
        docdb=f"{ro}.{year}{serial:06d}.W",
        epodoc=f"WO{year}{ro}{serial}",
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
        "a PCT application number looks like PCT/US2013/064552 "
        "(receiving office, 4-digit year, 6-digit serial)."
    )


_WO_PUB_RES = (
    re.compile(r"(\d{2}|\d{4})/(\d{1,6})"),
    re.compile(r"(\d{4})(\d{6})"),
    re.compile(r"(\d{2})(\d{5})"),
)


def _parse_wo(c: _Ctx) -> _Parsed:
    if c.want in ("application", "pct"):
        c.fail(
            "this is a WO publication number; an international application number looks like "
            "PCT/US2013/064552."
        )
    body = _compact(c.rest, " ,.-")
    for rx in _WO_PUB_RES:
        m = rx.fullmatch(body)
        if m:
            break
    else:
        c.fail("a WO publication number looks like WO 2009/085664 A2 (year and 6-digit serial).")
    year = _pct_year(c, m.group(1))
    serial = int(m.group(2))
    if serial == 0:
        c.fail("the serial number of a WO publication cannot be 0.")
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


# --------------------------------------------------------------------------------------------
# US
# --------------------------------------------------------------------------------------------

_US_UTILITY_SERIES = tuple(f"{n:02d}" for n in range(1, 20))
_US_SERIES = frozenset((*_US_UTILITY_SERIES, "29", "35", "60", "61", "62", "63", "90", "95", "96"))
_US_PROVISIONAL = frozenset({"60", "61", "62", "63"})
# Approximate first filing dates of the utility series (for ``filed``); neighbours within a year of
# a boundary are offered as candidates because the switch-over dates are not exact.
_US_SERIES_START = (
    ("02", datetime.date(1935, 1, 1)),
    ("03", datetime.date(1948, 1, 1)),
    ("04", datetime.date(1960, 1, 1)),
    ("05", datetime.date(1970, 1, 1)),
    ("06", datetime.date(1979, 1, 1)),
    ("07", datetime.date(1987, 1, 1)),
    ("08", datetime.date(1993, 1, 1)),
    ("09", datetime.date(1997, 12, 30)),
    ("10", datetime.date(2001, 12, 1)),
    ("11", datetime.date(2004, 12, 1)),
    ("12", datetime.date(2007, 12, 1)),
    ("13", datetime.date(2010, 12, 1)),
    ("14", datetime.date(2013, 8, 1)),
    ("15", datetime.date(2014, 12, 1)),
    ("16", datetime.date(2017, 12, 1)),
    ("17", datetime.date(2020, 3, 1)),
    ("18", datetime.date(2022, 7, 1)),
    ("19", datetime.date(2025, 6, 1)),
)
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


def _us_app(c: _Ctx, series: str, serial: str, year: int | None = None) -> _Parsed:
    if series not in _US_SERIES:
        c.fail(
            f"‘{series}’ is not a US application series code (utility 01–19, design 29, "
            "provisional 60–63, re-examination 90/95/96)."
        )
    if year is None and c.filed is not None:
        year = c.filed.year
    docdb = epodoc = None
    if year is not None and series not in _US_PROVISIONAL:
        epodoc = f"US{year}{series}{serial}"
        docdb = f"US.{year}{series}{serial}.A"
    return _Parsed(
        office="US",
        kind="application",
        key=f"US{series}{serial}",
        display=f"US {series}/{serial[:3]},{serial[3:]}",
        docdb=docdb,
        epodoc=epodoc,
    )


def _us_patent(c: _Ctx, number: str, prefix: str = "") -> _Parsed:
    n = int(number)
    if n == 0:
        c.fail("a US patent number cannot be 0.")
    return _Parsed(
        office="US",
        kind="publication",
        key=f"US{prefix}{n}",
        display=f"US {prefix}{n:,}",
        docdb=_docdb("US", f"{prefix}{n}", c.kind_code),
        epodoc=f"US{prefix}{n}",
    )


def _us_pgpub(c: _Ctx, year_text: str, serial_text: str) -> _Parsed:
    year, serial = int(year_text), int(serial_text)
    if not 2001 <= year <= _this_year() + 1:
        c.fail(f"US pre-grant publications started in 2001; {year} is not possible.")
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
            c.fail("this is a US patent number (reissue, design or plant), not an application.")
        return _us_patent(c, m.group(2), m.group(1))
    m = re.fullmatch(r"(\d{2})[/-](\d{6})", s)
    if m:
        if c.want == "publication":
            c.fail("this is a US application number (series/serial), not a publication number.")
        return _us_app(c, m.group(1), m.group(2))
    m = re.fullmatch(r"(\d{4})/?(\d{7})", s)
    if m:
        return _us_pgpub(c, m.group(1), m.group(2))
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{6})", s)  # epodoc / docdb: year + series + serial
    if m and c.want != "publication":
        year = int(m.group(1))
        if not 1900 <= year <= _this_year() + 1:
            c.fail(f"{year} is not a possible filing year.")
        return _us_app(c, m.group(2), m.group(3), year)
    if re.fullmatch(r"20\d{8}", s) and c.want != "application":  # Espacenet US2013123456A1
        return _us_pgpub(c, s[:4], s[4:])
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
                "a US application number needs a 2-digit series code and a 6-digit serial "
                "(e.g. US 14/123,456)."
            )
        return _us_patent(c, s)
    if c.want == "publication":
        c.fail("a US publication number looks like US 8,131,731 B2 or US 2013/0123456 A1.")
    c.fail(
        "a US application number needs a 2-digit series code and a 6-digit serial "
        "(e.g. US 14/123,456)."
    )


# --------------------------------------------------------------------------------------------
# EP
# --------------------------------------------------------------------------------------------


def _ep_app(c: _Ctx, number: str, check: str | None) -> _Parsed:
    yy = int(number[:2])
    year = _two_digit_year(yy)
    if year > _this_year() + 1:
        c.fail(
            f"EP application numbers start with the filing year; ‘{number[:2]}’ is not possible."
        )
    computed = ep_check_digit(number)
    if check is not None and check != computed:
        c.fail(f"the check digit is wrong: EP {number} has check digit {computed}, not {check}.")
    return _Parsed(
        office="EP",
        kind="application",
        key=f"EP{number}",
        display=f"EP {number}.{computed}",
        docdb=f"EP.{number}.A",
        epodoc=f"EP{year}0{number[2:]}",
    )


def _parse_ep(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,-/")
    m = re.fullmatch(r"(\d{8})(?:\.(\d))?", s)
    if m:
        if c.pub:
            c.fail("EP publication numbers have 7 digits (e.g. EP 3082535 A1).")
        return _ep_app(c, m.group(1), m.group(2))
    if "." in s:
        c.fail("an EP application number has 8 digits and a check digit (e.g. EP 13844704.0).")
    if re.fullmatch(r"\d{9}", s) and not c.pub:
        return _ep_app(c, s[:8], s[8])
    m = re.fullmatch(r"(\d{4})0(\d{6})", s)  # epodoc EP20130844704
    if m and not c.pub:
        year = int(m.group(1))
        if not 1978 <= year <= _this_year() + 1:
            c.fail(f"{year} is not a possible EP filing year.")
        return _ep_app(c, f"{year % 100:02d}{m.group(2)}", None)
    if re.fullmatch(r"\d{1,7}", s):
        if c.want == "application":
            c.fail(
                "an EP application number has 8 digits (year + serial) and an optional check "
                "digit (e.g. EP 13844704.0)."
            )
        n = int(s)
        if n == 0:
            c.fail("an EP publication number cannot be 0.")
        return _Parsed(
            office="EP",
            kind="publication",
            key=f"EP{n:07d}",
            display=f"EP {n:07d}",
            docdb=_docdb("EP", f"{n:07d}", c.kind_code),
            epodoc=f"EP{n:07d}",
        )
    c.fail(
        "an EP application number has 8 digits and an optional check digit (e.g. EP 13844704.0); "
        "a publication number has 7 digits (e.g. EP 3082535 A1)."
    )


# --------------------------------------------------------------------------------------------
# JP
# --------------------------------------------------------------------------------------------

_ERA_START = {"M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
_ERA_LAST = {"M": 45, "T": 15, "S": 64, "H": 31}
_ERA_NAMES = {"M": "Meiji", "T": "Taisho", "S": "Showa", "H": "Heisei", "R": "Reiwa"}


def _era_to_year(c: _Ctx, era: str, yy: int) -> int:
    last = _ERA_LAST.get(era, _this_year() - _ERA_START["R"] + 1)
    if not 1 <= yy <= last:
        c.fail(f"{_ERA_NAMES[era]} {yy} is not a year (the era ran from 1 to {last}).")
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
        c.fail(f"‘{yy}’ is not a Japanese era year; write the year in full (e.g. 2013-123456).")
    if c.filed is not None:
        for era in ("H", "S", "R"):
            if _ERA_START[era] + yy == c.filed.year:
                return [era, *[e for e in eras if e != era]]
    return eras


def _jp_app(c: _Ctx, year: int, serial: int) -> _Parsed:
    if not 1885 <= year <= _this_year() + 1:
        c.fail(f"{year} is not a possible filing year.")
    if serial == 0:
        c.fail("the serial number cannot be 0.")
    modern = year >= 2000
    return _Parsed(
        office="JP",
        kind="application",
        key=f"JP{year}{serial:06d}",
        display=f"JP {year}-{serial:06d}",
        docdb=f"JP.{year}{serial:06d}.A" if modern else None,
        epodoc=f"JP{year}{serial:07d}" if modern else None,
    )


def _jp_pub(c: _Ctx, year: int, serial: int, era: str | None = None) -> _Parsed:
    if serial == 0:
        c.fail("the serial number cannot be 0.")
    if era is not None and year >= 2000:
        era = None
    if era is None and year < 2000:
        era = _year_to_era(year)[0]
    if era is None:
        if year > _this_year() + 1:
            c.fail(f"{year} is not a possible publication year.")
        number, display = f"{year}{serial:06d}", f"JP {year}-{serial:06d}"
    else:
        yy = year - _ERA_START[era]
        number, display = f"{era}{yy:02d}{serial:06d}", f"JP {era}{yy:02d}-{serial:06d}"
    return _Parsed(
        office="JP",
        kind="publication",
        key=f"JP{number}",
        display=display,
        docdb=_docdb("JP", number, c.kind_code),
        epodoc=f"JP{number}",
    )


def _jp_dated(c: _Ctx, year: int, serial: int, era: str | None) -> _Parsed:
    return _jp_pub(c, year, serial, era) if c.pub else _jp_app(c, year, serial)


def _parse_jp(c: _Ctx) -> _Parsed:
    s = re.sub(r"^([MTSHR]) ", r"\1", c.rest.replace(",", ""))
    s = re.sub(r" ?[-/. ] ?", "-", s)
    m = re.fullmatch(r"([MTSHR])(\d{2})(\d{6})", s) or re.fullmatch(
        r"([MTSHR])(\d{1,2})[-/.](\d{1,6})", s
    )
    if m:
        era = m.group(1)
        year = _era_to_year(c, era, int(m.group(2)))
        return _jp_dated(c, year, int(m.group(3)), era)
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
            c.fail("a JP patent number cannot be 0.")
        return _Parsed(
            office="JP",
            kind="publication",
            key=f"JP{n}",
            display=f"JP {n}",
            docdb=_docdb("JP", str(n), c.kind_code),
            epodoc=f"JP{n}",
        )
    if re.fullmatch(r"\d{1,6}", s) and c.filed is not None and not c.pub:
        return _jp_app(c, c.filed.year, int(s))
    c.fail(
        "a JP application number has the year and a 6-digit serial (e.g. JP 2013-123456, "
        "H11-123456)."
    )


# --------------------------------------------------------------------------------------------
# KR
# --------------------------------------------------------------------------------------------

_KR_TYPES = {"10": "patent", "20": "utility model", "30": "design"}


def _kr_year(c: _Ctx, text: str) -> int:
    year = int(text)
    if not 1946 <= year <= _this_year() + 1:
        c.fail(f"{year} is not a possible year in a KR number.")
    return year


def _kr_dated(c: _Ctx, type_code: str, year: int, serial: str) -> _Parsed:
    if type_code not in _KR_TYPES:
        c.fail(f"‘{type_code}’ is not a KR right type (10 patent, 20 utility model, 30 design).")
    if int(serial) == 0:
        c.fail("the serial number cannot be 0.")
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
        if type_code not in _KR_TYPES:
            c.fail(f"‘{type_code}’ is not a KR right type (10 patent, 20 utility model).")
        return _Parsed(
            office="KR",
            kind="publication",
            key=f"KR{type_code}{serial}",
            display=f"KR {type_code}-{serial}",
            docdb=_docdb("KR", f"{type_code}{serial}", c.kind_code),
            epodoc=f"KR{type_code}{serial}",
        )
    c.fail(
        "a KR application number has a type code, the year and a 7-digit serial "
        "(e.g. KR 10-2008-0107376)."
    )


# --------------------------------------------------------------------------------------------
# CN
# --------------------------------------------------------------------------------------------

_CN_TYPES = "12389"


def _cn_app(c: _Ctx, number: str, check: str | None) -> _Parsed:
    if len(number) == 12:
        year, type_digit = int(number[:4]), number[4]
        if not 2003 <= year <= _this_year() + 1:
            c.fail(f"a 12-digit CN application number starts with the year, not {year}.")
    else:
        yy, type_digit = int(number[:2]), number[2]
        if 5 <= yy <= 84:
            c.fail(f"an 8-digit CN application number starts with the year; ‘{yy:02d}’ is not one.")
    if type_digit not in _CN_TYPES:
        c.fail(
            f"‘{type_digit}’ is not a CN application type (1 invention, 2 utility model, "
            "3 design, 8/9 PCT)."
        )
    computed = cn_check_digit(number)
    if check is not None and check != computed:
        c.fail(f"the check digit is wrong: CN {number} has check digit {computed}, not {check}.")
    return _Parsed(
        office="CN",
        kind="application",
        key=f"CN{number}",
        display=f"CN {number}.{computed}",
        docdb=f"CN.{number}.A",
        epodoc=f"CN{number}",
    )


def _parse_cn(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,-")
    if s.startswith("ZL"):
        s = s[2:]
        if c.pub and c.want == "publication":
            c.fail("‘ZL’ numbers are CN application (patent) numbers, not publication numbers.")
    kind_code = c.kind_code
    if kind_code == "X" and re.fullmatch(r"\d{12}|\d{8}", s):
        s, kind_code = s + ".X", None
    m = re.fullmatch(r"(\d{12}|\d{8})(?:\.([\dX]))?", s)
    if m and not (kind_code and c.want != "application"):
        parsed = _cn_app(c, m.group(1), m.group(2))
        parsed.kind_code_used = c.kind_code is None
        return parsed
    if re.fullmatch(r"\d{13}", s):
        return _cn_app(c, s[:12], s[12])
    if re.fullmatch(r"[089]\d{8}", s) and not c.pub:
        return _cn_app(c, s[:8], s[8])
    if re.fullmatch(r"\d{7}|[1-3]\d{8}", s):
        if c.want == "application":
            c.fail("this looks like a CN publication number, not an application number.")
        return _Parsed(
            office="CN",
            kind="publication",
            key=f"CN{s}",
            display=f"CN {s}",
            docdb=_docdb("CN", s, c.kind_code),
            epodoc=f"CN{s}",
        )
    c.fail(
        "a CN application number has 12 digits and a check digit (e.g. CN 201380062258.8); "
        "a publication number has 9 digits (e.g. CN 101911042 B)."
    )


# --------------------------------------------------------------------------------------------
# DE
# --------------------------------------------------------------------------------------------

_DE_TYPES = frozenset({"10", "11", "12", "20", "21", "22", "50", "60"})


def _de_display(number: str) -> str:
    if len(number) == 12:
        return f"DE {number[:2]} {number[2:6]} {number[6:9]} {number[9:]}"
    return f"DE {number[:-5]} {number[-5:-3]} {number[-3:]}"


def _parse_de(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,-/")
    if s[:1] in ("P", "G") and not c.pub:
        s = s[1:]
    m = (
        re.fullmatch(r"(\d{12})(?:\.(\d))?", s)
        or re.fullmatch(r"(\d{12})(\d)", s)
        or re.fullmatch(r"(\d{7,8})(?:\.(\d))?", s)
    )
    if not m:
        c.fail(
            "a DE number looks like DE 10 2006 032 425 (type, year, serial, optional check "
            "digit) or, before 2004, DE 195 12 345."
        )
    number, check = m.group(1), m.group(2)
    if len(number) == 12:
        if number[:2] not in _DE_TYPES:
            c.fail(f"‘{number[:2]}’ is not a DE type code (10 patent, 11 PCT, 20 utility model…).")
        year = int(number[2:6])
        if not 2004 <= year <= _this_year() + 1:
            c.fail(f"the 12-digit DE numbers were introduced in 2004; {year} is not possible.")
    if int(number) == 0:
        c.fail("a DE number cannot be 0.")
    if c.pub:
        if check is not None:
            c.fail("a DE publication number has no check digit.")
        return _Parsed(
            office="DE",
            kind="publication",
            key=f"DE{number}",
            display=_de_display(number),
            docdb=_docdb("DE", number, c.kind_code),
            epodoc=f"DE{number}",
        )
    computed = de_check_digit(number)
    if check is not None and computed is not None and check != computed:
        c.fail(
            f"the check digit is wrong: {_de_display(number)} has check digit {computed}, "
            f"not {check}."
        )
    display = _de_display(number) + (f".{computed}" if computed is not None else "")
    return _Parsed(
        office="DE",
        kind="application",
        key=f"DE{number}",
        display=display,
        docdb=f"DE.{number}.A",
        epodoc=f"DE{number}" if len(number) < 12 else None,
    )


# --------------------------------------------------------------------------------------------
# GB, FR, CA, AU, IN, BR, TW
# --------------------------------------------------------------------------------------------


def _parse_seven(c: _Ctx, office: str, example: str) -> _Parsed:
    """GB and FR: applications YY + 5 digits (+ check digit for GB), publications 7 digits."""
    s = _compact(c.rest, " ,-/")
    m = re.fullmatch(r"(\d{7})(?:\.(\d))?", s)
    if not m and office == "GB" and not c.pub:
        m = re.fullmatch(r"(\d{7})(\d)", s)
    if not m:
        c.fail(f"a {office} number has 7 digits (e.g. {example}).")
    number, check = m.groups()
    if check and (office != "GB" or c.pub):
        c.fail(f"a {office} {'publication ' if c.pub else ''}number has no check digit.")
    if int(number) == 0:
        c.fail(f"a {office} number cannot be 0.")
    if c.pub:
        return _Parsed(
            office=office,
            kind="publication",
            key=f"{office}{number}",
            display=f"{office} {number}",
            docdb=_docdb(office, number, c.kind_code),
            epodoc=f"{office}{number}",
        )
    year = _two_digit_year(int(number[:2]))
    return _Parsed(
        office=office,
        kind="application",
        key=f"{office}{number}",
        display=f"{office} {number}",
        docdb=f"{office}.{number}.A",
        epodoc=f"{office}{year}00{number[2:]}",
    )


def _parse_gb(c: _Ctx) -> _Parsed:
    return _parse_seven(c, "GB", "GB 1234567.8 or GB 2500000 A")


def _parse_fr(c: _Ctx) -> _Parsed:
    return _parse_seven(c, "FR", "FR 1234567 or FR 3000000 A1")


def _parse_ca(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    if not re.fullmatch(r"\d{6,7}", s) or int(s) == 0:
        c.fail("a CA number has 6 or 7 digits (e.g. CA 2,123,456).")
    n = int(s)
    kind = "publication" if c.pub else "application"
    return _Parsed(
        office="CA",
        kind=kind,
        key=f"CA{n}",
        display=f"CA {n:,}",
        docdb=f"CA.{n}.A" if kind == "application" else _docdb("CA", str(n), c.kind_code),
        epodoc=f"CA{n}",
    )


def _au_old(c: _Ctx, serial: int, yy: int) -> _Parsed:
    year = _two_digit_year(yy, pivot=50)
    if year > 2001:
        c.fail("old-style AU numbers (serial/year) were used up to 2001; use AU 2013123456.")
    if serial == 0:
        c.fail("the serial number cannot be 0.")
    return _Parsed(
        office="AU",
        kind="application",
        key=f"AU{year}{serial:06d}",
        display=f"AU {serial}/{yy:02d}",
        docdb=f"AU.{serial}{yy:02d}.A",
        epodoc=None,
    )


def _parse_au(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    m = re.fullmatch(r"(P[L-S])(\d{4})", s)
    if m and not c.pub:
        return _Parsed(
            office="AU",
            kind="application",
            key=f"AU{m.group(1)}{m.group(2)}",
            display=f"AU {m.group(1)}{m.group(2)}",
        )
    m = re.fullmatch(r"(\d{4})(\d{6})", s)
    if m:
        year, serial = int(m.group(1)), int(m.group(2))
        if not 1904 <= year <= _this_year() + 1:
            c.fail(f"an AU number starts with the year; {year} is not possible.")
        if year < 2002 and not c.pub:  # stored form of an old serial/YY number
            return _au_old(c, serial, year % 100)
        kind = "publication" if c.pub else "application"
        return _Parsed(
            office="AU",
            kind=kind,
            key=f"AU{s}",
            display=f"AU {s}",
            docdb=f"AU.{s}.A" if kind == "application" else _docdb("AU", s, c.kind_code),
            epodoc=f"AU{s}",
        )
    m = re.fullmatch(r"(\d{1,6})/(\d{2})", s)
    if m and not c.pub:
        return _au_old(c, int(m.group(1)), int(m.group(2)))
    if re.fullmatch(r"\d{5,7}", s) and c.pub:
        n = int(s)
        return _Parsed(
            office="AU",
            kind="publication",
            key=f"AU{n}",
            display=f"AU {n}",
            docdb=_docdb("AU", str(n), c.kind_code),
            epodoc=f"AU{n}",
        )
    if re.fullmatch(r"\d{6,7}", s):  # docdb form of serial/YY: 1234595
        yy = int(s[-2:])
        if c.filed is None or c.filed.year % 100 == yy:
            return _au_old(c, int(s[:-2]), yy)
    if re.fullmatch(r"\d{1,5}", s) and c.filed is not None and c.filed.year <= 2001:
        return _au_old(c, int(s), c.filed.year % 100)
    c.fail("an AU application number has the year and 6 digits (e.g. AU 2013123456).")


_IN_OFFICES = frozenset({"DEL", "MUM", "CHE", "KOL", "DELNP", "MUMNP", "CHENP", "KOLNP"})


def _parse_in(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-")
    m = re.fullmatch(r"0*(\d{1,5})[-/]?([A-Z]{3,5})[-/]?(\d{4})", s)
    if m:
        serial, place, year = int(m.group(1)), m.group(2), int(m.group(3))
        if place not in _IN_OFFICES:
            c.fail(f"‘{place}’ is not an Indian patent office (DEL, MUM, CHE, KOL, …NP).")
        if not 1972 <= year <= _this_year() + 1 or serial == 0:
            c.fail("an old IN number looks like IN 1234/DEL/2013.")
        return _Parsed(
            office="IN",
            kind="application",
            key=f"IN{serial}{place}{year}",
            display=f"IN {serial}/{place}/{year}",
        )
    if re.fullmatch(r"\d{12}", s):
        year = int(s[:4])
        if not 2015 <= year <= _this_year() + 1:
            c.fail("a 12-digit IN number starts with the year (2015 or later).")
        kind = "publication" if c.pub else "application"
        return _Parsed(office="IN", kind=kind, key=f"IN{s}", display=f"IN {s}")
    c.fail("an IN application number looks like IN 1234/DEL/2013 or IN 201611012345.")


_BR_TYPES = frozenset({"10", "11", "12", "13", "20", "21", "22", "30", "32"})


def _parse_br(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,./")
    m = re.fullmatch(r"(PI|MU|DI|C1|C2|C3)(\d{7})(?:-?(\d))?", s)
    if m:
        number = f"{m.group(1)}{m.group(2)}"
        return _Parsed(
            office="BR",
            kind="publication" if c.pub else "application",
            key=f"BR{number}",
            display=f"BR {m.group(1)} {m.group(2)}",
        )
    m = re.fullmatch(r"(\d{2})(\d{4})(\d{6})(?:-?(\d))?", s)
    if m:
        type_code, year = m.group(1), int(m.group(2))
        if type_code not in _BR_TYPES:
            c.fail(f"‘{type_code}’ is not a BR type code (10 invention, 11 PCT, 20 utility model).")
        if not 2012 <= year <= _this_year() + 1:
            c.fail(f"the BR type/year numbers were introduced in 2012; {year} is not possible.")
        number = f"{type_code}{year}{m.group(3)}"
        kind = "publication" if c.pub else "application"
        return _Parsed(
            office="BR",
            kind=kind,
            key=f"BR{number}",
            display=f"BR {type_code} {year} {m.group(3)}",
            docdb=f"BR.{number}.A" if kind == "application" else _docdb("BR", number, c.kind_code),
            epodoc=f"BR{number}",
        )
    c.fail("a BR number looks like BR 10 2013 012345-6 or PI 0612345-6.")


def _parse_tw(c: _Ctx) -> _Parsed:
    s = _compact(c.rest, " ,.-/")
    m = re.fullmatch(r"([IMD])(\d{6})", s)
    if m and c.want != "application":
        return _Parsed(
            office="TW",
            kind="publication",
            key=f"TW{s}",
            display=f"TW {s}",
            docdb=_docdb("TW", s, c.kind_code),
            epodoc=f"TW{s}",
        )
    if re.fullmatch(r"\d{8,9}", s):
        if not c.pub and s[-6] not in "123":
            c.fail("a TW application number is the ROC year, a type digit (1-3) and 5 digits.")
        kind = "publication" if c.pub else "application"
        return _Parsed(office="TW", kind=kind, key=f"TW{s}", display=f"TW {s}")
    c.fail("a TW application number looks like TW 102123456 (ROC year, type, serial).")


def _parse_generic(c: _Ctx, office: str) -> _Parsed:
    s = _compact(c.rest, " ,./-")
    if not re.fullmatch(r"\d{1,15}", s):
        c.fail(f"after the office code {office} only digits were expected.")
    kind = "publication" if c.pub else "application"
    return _Parsed(
        office=office,
        kind=kind,
        key=f"{office}{s}",
        display=f"{office} {s}",
        docdb=_docdb(office, s, c.kind_code) if kind == "publication" else None,
        epodoc=f"{office}{s}" if kind == "publication" else None,
    )


_PARSERS = {
    "US": _parse_us,
    "EP": _parse_ep,
    "WO": _parse_wo,
    "JP": _parse_jp,
    "KR": _parse_kr,
    "CN": _parse_cn,
    "DE": _parse_de,
    "GB": _parse_gb,
    "FR": _parse_fr,
    "CA": _parse_ca,
    "AU": _parse_au,
    "IN": _parse_in,
    "BR": _parse_br,
    "TW": _parse_tw,
}

# Letter prefixes that belong to an office's own numbers, not office codes.
_SUB_PREFIXES = {
    "US": ("RE", "PP", "D", "H", "T", "X"),
    "AU": ("PL", "PM", "PN", "PO", "PP", "PQ", "PR", "PS"),
    "BR": ("PI", "MU", "DI", "C1", "C2", "C3"),
    "CN": ("ZL",),
    "DE": ("P", "G"),
    "JP": ("M", "T", "S", "H", "R"),
    "TW": ("I", "M", "D"),
}


def _parse_office(c: _Ctx, office: str) -> _Parsed:
    parser = _PARSERS.get(office)
    if parser is None:
        return _parse_generic(c, office)
    return parser(c)


# --------------------------------------------------------------------------------------------
# Without office code: shapes that only one or two offices use
# --------------------------------------------------------------------------------------------

_INFER_SHAPES = (
    (re.compile(r"[MTSHR] ?\d{1,2} ?[-/.] ?\d{1,6}|[MTSHR]\d{8}"), ("JP",)),
    (re.compile(r"\d{2} ?/ ?\d{3},?\d{3}"), ("US",)),
    (re.compile(r"\d{4} ?/ ?\d{7}"), ("US",)),
    (re.compile(r"\d{2}-\d{4}-\d{7}|\d{2}-\d{7}"), ("KR",)),
    (re.compile(r"\d{4}-\d{6}"), ("JP",)),
    (re.compile(r"\d{1,5} ?[/-] ?(?:DEL|MUM|CHE|KOL)(?:NP)? ?[/-] ?\d{4}"), ("IN",)),
    (re.compile(r"[1-6][0-2] \d{4} \d{3} ?\d{3}(?:\.\d)?"), ("DE",)),
    (re.compile(r"ZL ?\d{8,12}(?:\.[\dX])?"), ("CN",)),
    (re.compile(r"PI ?\d{7}(?:-?\d)?"), ("BR",)),
    (re.compile(r"P[M-R] ?\d{4}"), ("AU",)),
    (re.compile(r"RE ?\d{1,3}(?:,?\d{3})?"), ("US",)),
    (re.compile(r"\d{12}(?:\.?[\dX])?|\d{13}"), ("CN", "DE", "KR")),
    (re.compile(r"\d{8}\.[\dX]"), ("EP", "CN", "DE")),
)


def _infer(c: _Ctx, s: str) -> _Parsed:
    for rx, offices in _INFER_SHAPES:
        if not rx.fullmatch(s):
            continue
        results: list[_Parsed] = []
        errors: list[str] = []
        for office in offices:
            try:
                results.append(_parse_office(c, office))
            except InvalidNumber as exc:
                errors.append(str(exc))
        if not results:
            for error in errors:
                if len(errors) == 1 or "check digit" in error:
                    raise InvalidNumber(error)
            break
        first = results[0]
        others = [r.key for r in results[1:]] + list(first.candidates)
        first.candidates = tuple(dict.fromkeys(k for k in others if k != first.key))
        return first
    c.fail(
        "which office is this? Put the two-letter office code in front (e.g. US, EP, JP, CN) "
        "or choose the office."
    )


# --------------------------------------------------------------------------------------------
# Public interface
# --------------------------------------------------------------------------------------------

_DOCDB_RE = re.compile(r"([A-Z]{2})\.([A-Z0-9]{1,20})\.([A-Z]\d?)")
_KIND_CODE_RE = re.compile(r"(.*\d)\s?([A-Z]\d?)")
_LETTERS_RE = re.compile(r"([A-Z]{1,2})\s?(.*)")


def _want(kind: str | None) -> str | None:
    if kind == "priority":
        return "application"
    return kind


def _split_office(s: str, default: str | None) -> tuple[str | None, str]:
    """Split a leading office code (or an office's own letter prefix) from the number."""
    m = _LETTERS_RE.fullmatch(s)
    if not m:
        return None, s
    letters, rest = m.group(1), m.group(2)
    if default and letters in _SUB_PREFIXES.get(default, ()):
        return default, s
    if len(letters) == 2 and letters in OFFICE_CODES:
        return letters, rest
    return None, s


def _normalise(
    text: str, office: str | None, kind: str | None, filed: datetime.date | None
) -> PatentNumber:
    if not isinstance(text, str):
        raise InvalidNumber("Enter a patent number.")
    if not text.strip():
        raise InvalidNumber("Enter a patent number.")
    if len(text) > MAX_LENGTH:
        raise InvalidNumber(
            f"‘{_show(text)}’ is too long ({len(text)} characters); "
            f"a patent number has at most {MAX_LENGTH}."
        )
    if kind is not None and kind not in KINDS:
        raise InvalidNumber(f"Unknown kind ‘{kind}’: use one of {', '.join(KINDS)}.")
    if office is not None:
        office = str(office).strip().upper()
        if office not in OFFICE_CODES:
            raise InvalidNumber(f"‘{office}’ is not a WIPO ST.3 office code.")
    if filed is not None and not isinstance(filed, datetime.date):
        raise InvalidNumber("The filing date must be a date.")

    shown = _show(text)
    s, hints = _clean(text)
    if len(s) > MAX_LENGTH:
        raise InvalidNumber(f"‘{shown}’ is too long; a patent number has at most {MAX_LENGTH}.")
    if not s:
        raise InvalidNumber("Enter a patent number.")
    if kind is None and "kind" in hints:
        kind = hints["kind"]
    want = _want(kind)
    c = _Ctx(shown=shown, rest=s, kind_code=None, want=want, filed=filed)

    parsed: _Parsed | None = None
    kind_code: str | None = None

    # docdb: CC.NUMBER.KIND
    m = _DOCDB_RE.fullmatch(s)
    if m:
        cc, number, dkind = m.groups()
        if dkind == "W":
            digits = number
            year, serial = ("", "")
            if digits.isdigit() and 7 <= len(digits) <= 10:
                year, serial = _split_pct_digits(digits)
            if not year:
                c.fail("a docdb PCT number looks like US.2013064552.W.")
            parsed = _pct(c, cc, year, serial)
        else:
            if cc not in OFFICE_CODES:
                c.fail(f"‘{cc}’ is not a WIPO ST.3 office code.")
            if dkind in ("A", "U", "P") and want != "publication":
                try:
                    c.rest, c.kind_code, c.want = number, None, "application"
                    parsed = _parse_office(c, cc)
                except InvalidNumber:
                    parsed = None
            if parsed is None:
                c.rest, c.kind_code, c.want = number, dkind, want or "publication"
                parsed = _parse_office(c, cc)
                kind_code = dkind
            c.want = want

    # EPO citation style: EP-A-0 843 156, US-A-4 264 208
    if parsed is None:
        m = _CITATION_RE.fullmatch(s)
        if m and m.group(1) in OFFICE_CODES:
            s = f"{m.group(1)} {m.group(3)} {m.group(2)}"

    if parsed is None:
        parsed = _try_pct(c, s, assume_pct=(want == "pct" or (office == "WO" and want is None)))

    if parsed is None:
        if want == "pct":
            c.fail("a PCT application number looks like PCT/US2013/064552.")
        text_office, rest = _split_office(s, hints.get("office") or office)
        if text_office is None and s[:2].isalpha() and s[:2] not in _ALL_SUB_PREFIXES:
            code = s[:2]
            if len(s) > 2 and s[2].isalpha() and s[:3] != "PCT":
                c.fail("expected a two-letter office code and digits (e.g. US 13/926,335).")
            hint = _WRONG_CODES.get(code)
            extra = f" Did you mean {hint}?" if hint else ""
            c.fail(f"‘{code}’ is not a WIPO ST.3 office code.{extra}")
        # Kind code at the end: US 8,131,731 B2
        km = _KIND_CODE_RE.fullmatch(rest)
        if km:
            rest, kind_code = km.group(1).strip(), km.group(2)
            if want == "application" and kind_code != "X":  # X: a CN check digit
                c.fail(
                    f"it ends in the kind code ‘{kind_code}’, so it is a publication number, "
                    "not an application number."
                )
        c.rest, c.kind_code = rest, kind_code
        chosen = text_office or hints.get("office") or office
        if chosen is not None:
            parsed = _parse_office(c, chosen)
        else:
            parsed = _infer(c, rest)
        if not parsed.kind_code_used:
            kind_code = None

    return _finish(c, parsed, kind, kind_code)


_ALL_SUB_PREFIXES = frozenset(p for prefixes in _SUB_PREFIXES.values() for p in prefixes)


def _finish(c: _Ctx, p: _Parsed, kind: str | None, kind_code: str | None) -> PatentNumber:
    final_kind = p.kind
    if kind == "priority" and p.kind in ("application", "pct"):
        final_kind = "priority"
    elif kind == "pct" and p.kind != "pct":
        c.fail("this is not a PCT application number (e.g. PCT/US2013/064552).")
    elif kind == "publication" and p.kind != "publication":
        c.fail("this is an application number, not a publication number.")
    elif kind in ("application", "priority") and p.kind == "publication":
        c.fail("this is a publication number, not an application number.")
    display = p.display
    if p.kind == "publication" and kind_code:
        display = f"{display} {kind_code}"
    else:
        kind_code = None
    return PatentNumber(
        office=p.office,
        kind=final_kind,
        key=p.key,
        display=display,
        docdb=p.docdb,
        epodoc=p.epodoc,
        kind_code=kind_code,
        candidates=tuple(k for k in p.candidates if k != p.key),
    )


def normalise(
    text: str,
    *,
    office: str | None = None,
    kind: str | None = None,
    filed: datetime.date | None = None,
) -> PatentNumber:
    """Read any spelling of a patent number; raise :class:`InvalidNumber` if it is not one.

    ``office`` is the office to assume when the text has no office code, ``kind`` one of
    :data:`KINDS` (guessed when None) and ``filed`` the filing date, which settles numbers whose
    format depends on the date (US series code, JP era, AU old forms).
    """
    try:
        return _normalise(text, office, kind, filed)
    except InvalidNumber:
        raise
    except Exception as exc:  # a bug here must not become a server error for the user
        raise InvalidNumber(f"‘{_show(str(text))}’ could not be read as a patent number.") from exc


def candidate_keys(
    text: str,
    *,
    office: str | None = None,
    kind: str | None = None,
    filed: datetime.date | None = None,
) -> list[str]:
    """All keys the text may stand for, most likely first (never empty)."""
    number = normalise(text, office=office, kind=kind, filed=filed)
    return [number.key, *number.candidates]


def format_display(key: str, *, kind: str | None = None, kind_code: str | None = None) -> str:
    """The display form of a stored key (the one formatter used everywhere).

    Keys carry no kind code: pass ``kind_code`` to show it, and ``kind`` where a key's shape does
    not tell applications from publications (e.g. ``US10123456``).
    """
    number = normalise(key, kind=kind)
    if kind_code and number.kind == "publication":
        return f"{number.display} {kind_code.strip().upper()}"
    return number.display
