"""Shared pieces of the number parser: result types, check digits, small helpers."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import NoReturn

from django.utils.translation import gettext as _

logger = logging.getLogger("dossiers.numbers")

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
# XX is ST.3's "unknown state or organisation": no office numbers anything with it.
OFFICE_CODES = frozenset(_ST3.split()) - {"XX"}

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
    # the candidates as full readings where the text told more than a key holds (a filing year)
    alternatives: tuple[PatentNumber, ...] = field(default=(), compare=False, repr=False)


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
    from the right, 11 - (sum mod 11), 0 where the sum is a multiple of 11; None where that
    gives 10 (the DPMA's rule for it is not known here).  Up to 1980: weights 1..7 from the
    right, sum mod 10.
    """
    if len(number) == 7 and int(number) < 3_100_000:
        total = sum(int(ch) * w for w, ch in enumerate(reversed(number), start=1))
        return str(total % 10)
    total = sum(int(ch) * w for w, ch in enumerate(reversed(number), start=2))
    check = 11 - total % 11
    if check == 11:  # remainder 0: DE 10 2006 032 425.0 (EPO OPS Reference Guide, 4.5)
        return "0"
    return None if check == 10 else str(check)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _this_year() -> int:
    return datetime.datetime.now(tz=datetime.UTC).year


def _year_possible(year: int, first: int) -> bool:
    """From ``first`` (the office's first year for that form of number) up to next year: the
    one upper bound that every year in a number is held to."""
    return first <= year <= _this_year() + 1


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
    docdb: bool = False  # the number came in docdb form (CC.NUMBER.KIND)
    app_kind: str | None = None  # DOCDB/EPODOC application kind letter given (A, P, U, T...)

    def fail(self, message: str) -> NoReturn:
        raise InvalidNumber(
            _("‘%(number)s’: %(message)s") % {"number": self.shown, "message": message}
        )

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
    kind_code_found: str | None = None  # a kind code the office's parser found glued on (SG ..QA)
    alternatives: tuple[_Parsed, ...] = ()  # candidates read in full (same text, other reading)


_DROP_TABLES: dict[str, dict[int, None]] = {}


def _compact(text: str, drop: str = " ,.") -> str:
    table = _DROP_TABLES.get(drop)
    if table is None:
        table = _DROP_TABLES[drop] = dict.fromkeys(map(ord, drop))
    return text.translate(table)


def _group3(number: str) -> str:
    return f"{int(number):,}"


def _two_digit_year(yy: int, pivot: int = 78) -> int:
    return 1900 + yy if yy >= pivot else 2000 + yy


# Kind letters that DOCDB/EPODOC put on *application* numbers (OPS Reference Guide): A patent,
# U utility model, P provisional, W PCT, T translation of an EP patent, F design, E D L V Y Q.
APPLICATION_KINDS = frozenset("AUPWTFEDLVYQ")


def _docdb(cc: str, number: str, kind_code: str | None) -> str | None:
    return f"{cc}.{number}.{kind_code}" if kind_code else None


def _serial_nonzero(c: _Ctx, serial: int) -> None:
    """No office gives out serial number 0: a 0 is a typing slip."""
    if serial == 0:
        c.fail(_("the serial number cannot be 0."))


def _application(
    office: str, number: str, display: str, *, docdb: str | None = None, epodoc: str | None = None
) -> _Parsed:
    """An application number: the key is the office code and the number (no check digit)."""
    return _Parsed(
        office=office,
        kind="application",
        key=f"{office}{number}",
        display=display,
        docdb=docdb,
        epodoc=epodoc,
    )


def _publication(c: _Ctx, office: str, number: str, display: str | None = None) -> _Parsed:
    """A publication number: key and EPODOC are office + number, DOCDB adds the kind code;
    shown as "<office> <number>" unless the office writes it otherwise."""
    return _Parsed(
        office=office,
        kind="publication",
        key=f"{office}{number}",
        display=display or f"{office} {number}",
        docdb=_docdb(office, number, c.kind_code),
        epodoc=f"{office}{number}",
    )


def _check_digit_verify(c: _Ctx, shown: str, check: str | None, computed: str | None) -> None:
    """A check digit typed with an application number must be the one computed for it."""
    if check is not None and computed is not None and check != computed:
        c.fail(
            _("the check digit is wrong: %(shown)s has check digit %(computed)s, not %(check)s.")
            % {"shown": shown, "computed": computed, "check": check}
        )


def _application_checked(
    c: _Ctx, office: str, number: str, check: str | None, computed: str, *, epodoc: str
) -> _Parsed:
    """An application number whose check digit (typed or not) is shown after a dot."""
    _check_digit_verify(c, f"{office} {number}", check, computed)
    display = f"{office} {number}.{computed}"
    return _application(office, number, display, docdb=f"{office}.{number}.A", epodoc=epodoc)


def _application_or_publication(
    c: _Ctx, office: str, number: str, display: str, *, app_epodoc: str | None
) -> _Parsed:
    """Offices whose application and publication carry the same number: read as the kind asked
    for (a kind code means a publication); `app_epodoc` is the application's EPODOC form."""
    if c.pub:
        return _publication(c, office, number, display)
    return _application(office, number, display, docdb=f"{office}.{number}.A", epodoc=app_epodoc)
