"""Dispatch: office codes, docdb and citation forms, inference, the public functions."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from ._base import (
    _WRONG_CODES,
    APPLICATION_KINDS,
    KINDS,
    MAX_LENGTH,
    OFFICE_CODES,
    InvalidNumber,
    PatentNumber,
    _Ctx,
    _Parsed,
    _show,
    logger,
)
from ._clean import _CITATION_RE, _clean
from .cn import _parse_cn
from .de import _parse_de
from .ep import _parse_ep
from .europe import _parse_at, _parse_dk, _parse_ea, _parse_ru, _parse_se
from .jp import _parse_jp
from .kr import _parse_kr
from .latam import _parse_ar, _parse_co, _parse_mx
from .others import (
    GENERIC_PREFIXES,
    _parse_au,
    _parse_br,
    _parse_ca,
    _parse_fr,
    _parse_gb,
    _parse_generic,
    _parse_in,
    _parse_sg,
    _parse_tw,
    _parse_za,
)
from .pct import _parse_wo, _pct, _split_pct_digits, _try_pct
from .us import _parse_us

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
    "SG": _parse_sg,
    "MX": _parse_mx,
    "AR": _parse_ar,
    "CO": _parse_co,
    "AT": _parse_at,
    "SE": _parse_se,
    "EA": _parse_ea,
    "RU": _parse_ru,
    "ZA": _parse_za,
    "DK": _parse_dk,
}

# Offices whose module reads publication numbers itself (the others leave them generic)
_OWN_PUBLICATIONS = frozenset(_PARSERS) - {"MX", "AR", "CO", "AT", "SE", "EA", "RU", "ZA", "DK"}

# Letter prefixes that belong to an office's own numbers, not office codes.
_SUB_PREFIXES = {
    "US": ("RE", "PP", "D", "H", "T", "X"),
    "AU": ("PL", "PM", "PN", "PO", "PP", "PQ", "PR", "PS"),
    "BR": ("PI", "MU", "DI", "C1", "C2", "C3"),
    "CN": ("ZL",),
    "DE": ("P", "G"),
    "JP": ("M", "T", "S", "H", "R"),
    "TW": ("I", "M", "D"),
    "AR": ("P",),
    "CO": ("NC",),
    **GENERIC_PREFIXES,
    "AT": ("A", "GM", *GENERIC_PREFIXES["AT"]),  # AT A 967/1994, AT GM 1/2019
    "DK": ("PA",),  # DK PA 2011 70255
}


def _parse_office(c: _Ctx, office: str) -> _Parsed:
    parser = _PARSERS.get(office)
    if parser is None:
        return _parse_generic(c, office)
    return parser(c)


# --------------------------------------------------------------------------------------------
# Without office code: shapes that only one or two offices use
# --------------------------------------------------------------------------------------------

# One row per office (its shapes as alternatives), then the shapes several offices share, most
# likely office first. Rows are tried in order; no text fully matches two of them.
_INFER_SHAPES = (
    (
        re.compile(r"[MTSHR] ?\d{1,2} ?[-/.] ?\d{1,6}|[MTSHR]\d{8}|\d{4}-\d{6}"),
        ("JP",),
    ),
    (
        re.compile(r"\d{2} ?/ ?\d{3},?\d{3}|\d{4} ?/ ?\d{7}|RE ?\d{1,3}(?:,?\d{3})?"),
        ("US",),
    ),
    (re.compile(r"\d{2}-\d{4}-\d{7}|\d{2}-\d{7}"), ("KR",)),
    (re.compile(r"\d{1,5} ?[/-] ?(?:DEL|MUM|CHE|KOL)(?:NP)? ?[/-] ?\d{4}"), ("IN",)),
    (re.compile(r"[1-6][0-2] \d{4} \d{3} ?\d{3}(?:\.\d)?"), ("DE",)),
    (re.compile(r"ZL ?\d{8,12}(?:\.[\dX])?"), ("CN",)),
    (re.compile(r"PI ?\d{7}(?:-?\d)?"), ("BR",)),
    (re.compile(r"P(?:19|20)?\d{9}"), ("AR",)),
    (re.compile(r"NC ?\d{4} ?/? ?\d{1,7}"), ("CO",)),
    (re.compile(r"P[M-R] ?\d{4}"), ("AU",)),
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
        _(
            "which office is this? Put the two-letter office code in front (e.g. US, EP, JP, CN) "
            "or choose the office."
        )
    )


# --------------------------------------------------------------------------------------------
# Public interface
# --------------------------------------------------------------------------------------------

# Offices whose kind code is a letter alone for these kinds: a glued-on letter is the full kind
# (JP2000177507A, CN101911042B, US5650746A); elsewhere it is EPODOC's first letter (JP4961043B
# for B2, DK3740998T for T3, NL1010536C for C2), so the DOCDB form is not known.
_COMPLETE_LETTER_KINDS = {
    "JP": "AU",
    "KR": "A",
    "CN": "ABUYCS",
    "GB": "AB",
    "US": "AESPH",
    "TW": "AB",
}

_DOCDB_RE = re.compile(r"([A-Z]{2})\.([A-Z0-9]{1,20})\.([A-Z]\d?)")
_KIND_CODE_RE = re.compile(r"(.*\d)\s?([A-Z]\d?)")
_LETTERS_RE = re.compile(r"([A-Z]{1,2})\s?(.*)")
_DIGIT_RE = re.compile(r"[0-9]")
_ONE_LETTER_KIND_RE = re.compile(r".*\d[A-Z]")
_DEPATIS_RE = re.compile(r"0\d{11}")
_DEPATIS_SHORT_RE = re.compile(r"0\d{7}")
_GOOGLE_PCT_RE = re.compile(r"([A-Z]{2})-(\d{7,10})-(W)")
_GOOGLE_RE = re.compile(r"([A-Z]{2})-([A-Z]{0,2}\d+[A-Z]?)-([A-Z]\d?)")


def _want(kind: str | None) -> str | None:
    if kind == "priority":
        return "application"
    return kind


_SIGNED_RE = re.compile(r"[-+\u2212\u2010-\u2015]\s*\d[\d\s]*")
# As copied from lists: the office after the number (13/926,335 US, 2012-223456 JP)
_TRAILING_OFFICE_RE = re.compile(r"(\d[\d ,./-]*?)\s*[ ,/-]\s*([A-Z]{2})")
# docdb without its kind code: EP.2906789, US.2014106197
_DOCDB_BARE_RE = re.compile(r"([A-Z]{2})\.(\d{4,14})")
# A WO in front of a PCT or WO number, as some databases write it: WOPCT/US2013/064552
_WO_DOUBLED_RE = re.compile(r"WO ?(?=PCT|WO)")


def _reorder(s: str) -> str:
    """Spellings that put the office code where the readers below do not look for it."""
    m = _TRAILING_OFFICE_RE.fullmatch(s) or _DOCDB_BARE_RE.fullmatch(s)
    if m:
        number, office = (m.group(1), m.group(2)) if m.re is _TRAILING_OFFICE_RE else m.group(2, 1)
        if office in OFFICE_CODES:
            return f"{office} {number}"
    return _WO_DOUBLED_RE.sub("", s, count=1) if s.startswith("WO") else s


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
        raise InvalidNumber(_("Enter a patent number."))
    if not text.strip():
        raise InvalidNumber(_("Enter a patent number."))
    if len(text) > MAX_LENGTH:
        raise InvalidNumber(
            _(
                "‘%(text)s’ is too long (%(length)s characters); a patent number has at most "
                "%(maximum)s."
            )
            % {"text": _show(text), "length": len(text), "maximum": MAX_LENGTH}
        )
    if kind is not None and kind not in KINDS:
        raise InvalidNumber(
            _("Unknown kind ‘%(kind)s’: use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        )
    if office is not None:
        office = str(office).strip().upper()
        if office not in OFFICE_CODES:
            raise InvalidNumber(
                _("‘%(office)s’ is not an office code we know.") % {"office": office}
            )
    if filed is not None and not isinstance(filed, datetime.date):
        raise InvalidNumber(_("The filing date must be a date."))

    shown = _show(text)
    if _SIGNED_RE.fullmatch(text.strip()):  # -1, +3: a spreadsheet's value, not a number
        raise InvalidNumber(_("‘%(text)s’ could not be read as a patent number.") % {"text": shown})
    s, hints = _clean(text)
    if len(s) > MAX_LENGTH:
        raise InvalidNumber(
            _("‘%(shown)s’ is too long; a patent number has at most %(maximum)s.")
            % {"shown": shown, "maximum": MAX_LENGTH}
        )
    if not s:
        raise InvalidNumber(_("Enter a patent number."))
    if _DIGIT_RE.search(s) is None:  # s is ASCII here
        raise InvalidNumber(
            _("‘%(shown)s’ is not a patent number: it has no digits.") % {"shown": shown}
        )
    if kind is None and "kind" in hints:
        kind = hints["kind"]
    want = _want(kind)
    s = _reorder(s)
    c = _Ctx(shown=shown, rest=s, kind_code=None, want=want, filed=filed)

    parsed: _Parsed | None = None
    kind_code: str | None = None

    # docdb: CC.NUMBER.KIND
    m = _DOCDB_RE.fullmatch(s) or _GOOGLE_PCT_RE.fullmatch(s)  # Google: US-2011045025-W
    if m:
        cc, number, dkind = m.groups()
        if dkind == "W":
            digits = number
            year, serial = ("", "")
            if digits.isdigit() and 7 <= len(digits) <= 10:
                year, serial = _split_pct_digits(digits)
            if not year:
                c.fail(_("a docdb PCT number looks like US.2013064552.W."))
            parsed = _pct(c, cc, year, serial)
            parsed.docdb = f"{cc}.{number}.W"  # as given
        else:
            if cc not in OFFICE_CODES:
                c.fail(_("‘%(cc)s’ is not an office code we know.") % {"cc": cc})
            if dkind in APPLICATION_KINDS and want != "publication":
                try:
                    c.rest, c.kind_code, c.want, c.docdb = number, None, "application", True
                    c.app_kind = dkind
                    parsed = _parse_office(c, cc)
                except InvalidNumber:
                    parsed = None
                c.docdb, c.app_kind = False, None
                if parsed is not None:
                    parsed.docdb = f"{cc}.{number}.{dkind}"  # as given: DK.19702186.T
            if parsed is None:
                c.rest, c.kind_code, c.want = number, dkind, want or "publication"
                parsed = _parse_office(c, cc)
                kind_code = dkind
            c.want = want

    # EPO citation style: EP-A-0 843 156, US-A-4 264 208
    if parsed is None:
        m = _CITATION_RE.fullmatch(s) or _GOOGLE_RE.fullmatch(s)
        if m and m.group(1) in OFFICE_CODES and m.re is _GOOGLE_RE:
            s = f"{m.group(1)} {m.group(2)} {m.group(3)}"  # Google Patents: US-8000000-B2
        elif m and m.group(1) in OFFICE_CODES:
            s = f"{m.group(1)} {m.group(3)} {m.group(2)}"

    if parsed is None:
        parsed = _try_pct(c, s, assume_pct=(want == "pct" or (office == "WO" and want is None)))

    if parsed is None:
        if want == "pct":
            c.fail(_("a PCT application number looks like PCT/US2013/064552."))
        text_office, rest = _split_office(s, hints.get("office") or office)
        if text_office is None and s[:2].isalpha() and s[:2] not in _ALL_SUB_PREFIXES:
            code = s[:2]
            if len(s) > 2 and s[2].isalpha() and s[:3] != "PCT":
                c.fail(_("expected a two-letter office code and digits (e.g. US 13/926,335)."))
            hint = _WRONG_CODES.get(code)
            if hint:
                c.fail(
                    _("‘%(code)s’ is not an office code we know. Did you mean %(hint)s?")
                    % {"code": code, "hint": hint}
                )
            c.fail(_("‘%(code)s’ is not an office code we know.") % {"code": code})
        # Kind code at the end: US 8,131,731 B2
        km = _KIND_CODE_RE.fullmatch(rest)
        # EPODOC publication numbers keep a one-letter kind glued on (JP4961043B for JP 4961043
        # B2): the full kind code, and so the DOCDB form, is not known from it.
        one_letter = bool(km) and _ONE_LETTER_KIND_RE.fullmatch(rest) is not None
        if km:
            rest, kind_code = km.group(1).strip(), km.group(2)
            if want == "application" and kind_code in APPLICATION_KINDS:
                c.app_kind, kind_code = kind_code, None  # US202563753186P, DK19702186T
            elif want == "application" and kind_code != "X":  # X: a CN check digit
                c.fail(
                    _(
                        "it ends in the kind code ‘%(kind_code)s’, so it is a publication "
                        "number, not an application number."
                    )
                    % {"kind_code": kind_code}
                )
        chosen = text_office or hints.get("office") or office
        if kind_code and chosen is not None and _depatis_padded(chosen, rest):
            # DEPATISnet pads to 12 digits (US020170285092A1), for some offices to 8
            # (BE01010558A); AR publications have 6 digits (AR000000071041A1: AR071041A1)
            rest = rest.lstrip("0").zfill(6 if chosen == "AR" else 1)
        c.rest, c.kind_code = rest, kind_code
        if chosen is not None:
            parsed = _parse_office(c, chosen)
        else:
            parsed = _infer(c, rest)
        if not parsed.kind_code_used:
            kind_code = None
        kind_code = parsed.kind_code_found or kind_code
        complete = _COMPLETE_LETTER_KINDS.get(parsed.office, "")
        if one_letter and kind_code and parsed.kind == "publication" and kind_code not in complete:
            parsed.docdb = None
            parsed.epodoc = f"{parsed.epodoc}{kind_code}" if parsed.epodoc else None

    return _finish(c, parsed, kind, kind_code)


def _depatis_padded(office: str, rest: str) -> bool:
    if _DEPATIS_RE.fullmatch(rest):
        return True
    # the 8-digit padding (BE00571395A) where publications are read as plain digits
    return office not in _OWN_PUBLICATIONS and _DEPATIS_SHORT_RE.fullmatch(rest) is not None


_ALL_SUB_PREFIXES = frozenset(p for prefixes in _SUB_PREFIXES.values() for p in prefixes)


def _finish(c: _Ctx, p: _Parsed, kind: str | None, kind_code: str | None) -> PatentNumber:
    final_kind = p.kind
    if kind == "priority" and p.kind in ("application", "pct"):
        final_kind = "priority"
    elif kind == "pct" and p.kind != "pct":
        c.fail(_("this is not a PCT application number (e.g. PCT/US2013/064552)."))
    elif kind == "publication" and p.kind != "publication":
        c.fail(_("this is an application number, not a publication number."))
    elif kind in ("application", "priority") and p.kind == "publication":
        c.fail(_("this is a publication number, not an application number."))
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
        # (most numbers have neither: no generator for them)
        candidates=tuple(k for k in p.candidates if k != p.key) if p.candidates else (),
        alternatives=tuple(
            _finish(c, a, kind, kind_code) for a in p.alternatives if a.key in p.candidates
        )
        if p.alternatives
        else (),
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
        # ...nor vanish: it is logged with its traceback, and the tests fail on such a log.
        logger.exception("number parser failed on %r", text)
        raise InvalidNumber(
            _("‘%(text)s’ could not be read as a patent number.") % {"text": _show(str(text))}
        ) from exc


def format_display(key: str, *, kind: str | None = None, kind_code: str | None = None) -> str:
    """The display form of a stored key (the one formatter used everywhere).

    Keys carry no kind code: pass ``kind_code`` to show it, and ``kind`` where a key's shape does
    not tell applications from publications (e.g. ``US10123456``).
    """
    number = normalise(key, kind=kind)
    if kind_code and number.kind == "publication":
        return f"{number.display} {kind_code.strip().upper()}"
    return number.display


def _same_number(kind: str) -> str:
    return "application" if kind == "priority" else kind


def readings(
    text: str,
    *,
    office: str | None = None,
    kind: str | None = None,
    filed: datetime.date | None = None,
) -> list[PatentNumber]:
    """Every number the text may stand for, most likely first (never empty).

    A string can fit more than one reading: ``US20130926335`` is the old EPODOC form of US
    application 13/926,335 and has the shape of a pre-grant publication; ``CN201380062258A`` is a
    DOCDB/EPODOC application with its application kind; a bare ``12569640`` fits several
    offices.  The search tries each reading against what is stored.  With ``kind`` given only
    readings of that kind are returned.  Raises :class:`InvalidNumber` (the message of the most
    likely reading) when none fits.
    """
    tries = [kind] if kind else [None, "application", "publication", "pct"]
    found: dict[tuple[str, str], PatentNumber] = {}
    error: InvalidNumber | None = None

    def add(number: PatentNumber) -> None:
        found.setdefault((_same_number(number.kind), number.key), number)

    for want in tries:
        try:
            number = normalise(text, office=office, kind=want, filed=filed)
        except InvalidNumber as exc:
            error = error or exc
            continue
        add(number)
        for other in number.alternatives:
            add(other)
        for key in number.candidates:
            other_kind = _same_number(number.kind)
            try:
                add(normalise(key, kind=other_kind, filed=filed))
            except InvalidNumber:  # a candidate key always reads back; skip it if not
                logger.warning("candidate key %r of %r does not read back", key, text)
    if not found:
        raise error or InvalidNumber(_("Enter a patent number."))
    return list(found.values())


_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9.\-]+")


def file_name_form(number: PatentNumber | str) -> str:
    """The display form made safe for a file name: ``PCT/US2013/064552`` -> ``PCT-US2013-064552``.

    ``EP 13844704.0`` -> ``EP13844704.0``, ``US 13/926,335`` -> ``US13-926335``,
    ``US 8,131,731 B2`` -> ``US8131731B2``.  Pass a :class:`PatentNumber` or its display text;
    use it for every ZIP and download name so that file names match the screen.
    """
    display = number.display if isinstance(number, PatentNumber) else str(number)
    text = display.replace("/", "-").replace(",", "").replace(" ", "")
    text = _UNSAFE_FILE_CHARS.sub("-", text).strip("-.")
    return re.sub(r"-{2,}", "-", text) or "number"
