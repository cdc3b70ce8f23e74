"""Cleaning pasted text: Unicode, dashes, words such as "U.S. Pat. No.", CJK markers."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from ._base import OFFICE_CODES, InvalidNumber, _show

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


# The ASCII fast path (performance only: it gives exactly what `_clean_full` gives, tested on the
# corpus and fuzzed). For ASCII text NFKC changes nothing, no Unicode dash or CJK marker occurs,
# and the only separators are controls and the space; the word substitutions can only act on a
# letter run that is one of their words, so a text whose letter runs are all inert skips them.
_ASCII_SPACES = {**{i: " " for i in range(32)}, 127: " "}
_ASCII_TABLE = str.maketrans({**_ASCII_SPACES, **_DROP_CHARS})
_LETTER_RUN_RE = re.compile(r"[A-Z]+")
_FAST_OK_RE = re.compile(r"[A-Z0-9 ./,\-:]*")


def _inert(run: str) -> bool:
    # U (U.S.), S and N (S/N) and NO (NO. / NO:) act only with what follows them.
    return (
        run not in ("U", "S", "N", "NO")
        and _OFFICE_WORD_RE.search(run) is None
        and _NOISE_RE.search(run) is None
    )


_INERT_RUNS = frozenset(
    run
    for run in (*OFFICE_CODES, *(chr(c) for c in range(65, 91)), "PCT", "RE", "PP", "ZL", "PI")
    if _inert(run)
)


def _clean(text: str) -> tuple[str, dict[str, str]]:
    """Return the cleaned, upper-case text and hints found in it (office, kind)."""
    return _clean_fast(text) or _clean_full(text)


def _clean_fast(text: str) -> tuple[str, dict[str, str]] | None:
    """`_clean` of plain ASCII text without words to read; None for any other text."""
    if not text.isascii():
        return None
    s = text.translate(_ASCII_TABLE).upper()
    if not _INERT_RUNS.issuperset(_LETTER_RUN_RE.findall(s)):
        return None
    s = " ".join(s.split()).strip(" :;,-/.")
    if not _FAST_OK_RE.fullmatch(s):
        return None  # the full path names the character that is no part of a number
    if ":" in s:  # else s has single spaces between words already, none at the ends
        s = " ".join(s.replace(":", " ").split())
    return s, {}


def _clean_full(text: str) -> tuple[str, dict[str, str]]:
    """`_clean` for any text, step by step."""
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
                    _(
                        "‘%(text)s’: Japanese utility model and design numbers are not "
                        "supported; enter a patent application (特願) or publication number."
                    )
                    % {"text": _show(text)}
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
                _("‘%(text)s’ contains ‘%(ch)s’, which is not part of any patent number.")
                % {"text": _show(text), "ch": ch}
            )
    s = s.replace(":", " ")
    return " ".join(s.split()), hints
