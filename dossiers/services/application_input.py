"""Reading machine and form input of applications: the one parser (application_in_parse) and the
one reading of their numbers (application_numbers_read). Pure: no database."""

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from offices.models import Office

from .. import numbers
from ..dates import date_parse, examination_date_error
from ..models import Application
from . import ownership


@dataclass(frozen=True)
class PriorityIn:
    office: str
    number: str
    date: dt.date | None = None


@dataclass(frozen=True)
class PublicationIn:
    number: str
    date: dt.date | None = None


STATUSES = frozenset(Application.Status.values)  # built once: `.values` rebuilds a list per call


# normalise is pure and PatentNumber frozen; siblings of a family repeat their priority and PCT
# numbers, so a bulk call or an import reads each of those once. Refusals are not cached.
_normalise = functools.lru_cache(maxsize=8192)(numbers.normalise)


def _parse(text: str, field: str, **kwargs) -> numbers.PatentNumber:
    try:
        return _normalise(text, **kwargs)
    except numbers.InvalidNumber as exc:
        raise ValidationError({field: str(exc)}) from exc


@dataclass(frozen=True)
class ApplicationNumbers:
    """Every number of one application as it will be stored: what a provider confirms."""

    number: numbers.PatentNumber
    priorities: list[tuple[PriorityIn, numbers.PatentNumber]]
    publications: list[tuple[PublicationIn, numbers.PatentNumber]]
    pct: numbers.PatentNumber | None


def application_numbers_read(
    *,
    office: Office,
    number: str,
    filing_date: dt.date | None = None,
    priorities: Iterable[PriorityIn] = (),
    publications: Iterable[PublicationIn] = (),
    pct: str | None = None,
) -> ApplicationNumbers:
    """Read the numbers of one application the one way (form preview, API, upsert alike).
    Every number is read: the ValidationError names each bad one on its field."""
    errors: dict[str, list[str]] = {}

    def read(text, field, **kwargs):
        try:
            return _parse(text, field, **kwargs)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.message_dict[field])
            return None

    parsed = read(number, "number", office=office.code, kind="application", filed=filing_date)
    if parsed and parsed.office not in (office.code, "WO"):
        errors["number"] = [
            f"{parsed.display} is a {parsed.office} number, not one of {office.code}."
        ]
    elif parsed and (owner_error := ownership.application_owner_error(office.code, parsed)):
        errors["number"] = [owner_error]
    prios = [
        (p, read(p.number, "priorities", office=p.office or None, kind="priority", filed=p.date))
        for p in priorities
    ]
    pubs = [
        (p, read(p.number, "publications", office=office.code, kind="publication"))
        for p in publications
    ]
    pct_parsed = read(pct, "pct", kind="pct") if pct else None
    if errors:
        raise ValidationError(errors)
    return ApplicationNumbers(parsed, prios, pubs, pct_parsed)


# date_parse is pure and dates repeat (a back file has a few thousand distinct days); refusals
# are not cached (their message is in the reader's language).
_date_parse = functools.lru_cache(maxsize=8192)(date_parse)


def json_kind(value) -> str:
    """What a JSON value sent where text belongs is, in plain words (not Python's repr)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"  # a Python caller's own object


def _date_in(value, field: str, *, where: str = "") -> dt.date | None:
    """`where` names the item of a list ("Item 2: ") the date belongs to."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        wrong = f'must be text in YYYY-MM-DD, e.g. "2014-01-02", not {json_kind(value)}.'
        raise ValidationError({field: f"{where}a date {wrong}" if where else f"A date {wrong}"})
    try:
        return _date_parse(value)
    except ValueError as exc:
        raise ValidationError({field: f"{where}‘{value}’ is not a date; use YYYY-MM-DD."}) from exc


def _text_in(value, field: str, *, max_length: int = 2000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: f"Must be text, not {json_kind(value)}."})
    if len(value) > max_length:
        raise ValidationError({field: f"At most {max_length} characters."})
    return value.strip()


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


# JSON writes NUL and every UTF-16 surrogate as such an escape (and a literal backslash as two):
# a text without one holds neither, which one C-speed dump tells for the whole item.
_MAYBE_UNSTORABLE = re.compile(r"\\u(?:0000|d[89a-f])")


def _item_unstorable(data: dict) -> dict[str, list[str]]:
    """The fields holding NUL or an unpaired surrogate."""
    try:
        dumped = json.dumps(data)
    except (TypeError, ValueError):
        dumped = None  # not JSON data (a caller's own objects): read field by field
    if dumped is not None and _MAYBE_UNSTORABLE.search(dumped) is None:
        return {}
    return {
        str(name): ["Must not contain NUL characters or unpaired surrogates."]
        for name, value in data.items()
        if _unstorable(value)
    }


def _unstorable(value) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    return isinstance(value, list) and any(_unstorable(v) for v in value)


def json_text_storable(text: str) -> bool:
    """True when the data decoded from this JSON text holds neither NUL nor an unpaired
    surrogate (the check application_in_parse makes): JSON data gets them only from the text
    itself or from a \\u escape; no other escape makes one. False says nothing (most texts with
    an escape are fine)."""
    if "\\u" in text:
        return False
    if text.isascii():  # (a flag of the string: no scan)
        return "\x00" not in text
    return _UNSTORABLE.search(text) is None


def application_in_parse(data, *, office: Office, storable: bool = False) -> dict:
    """Turn one JSON application (API, bulk file) into application_upsert keyword arguments.

    The one validator for machine input, so the endpoint, the bulk endpoint and the import
    command accept exactly the same documents. Raises ValidationError with field errors.
    `storable`: the caller knows the data holds no NUL and no unpaired surrogate (it was decoded
    from a text json_text_storable passed), so the check for them is skipped.
    """
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": "Each application must be a JSON object."})
    # NUL and unpaired surrogates (a JSON "\\ud800") are never text a person means, and
    # PostgreSQL cannot store them (a 500): a field error.
    errors = {} if storable else _item_unstorable(data)
    if errors:
        raise ValidationError(errors)

    def take(fn):
        try:
            return fn()
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                errors.setdefault(name, []).extend(msgs)
            return None

    code = data.get("office")
    if isinstance(code, str):
        code = code.strip().upper()
        if code not in ("", office.code):
            errors["office"] = [f"This key provides for {office.code} only, not {code}."]
    elif code is not None:
        errors["office"] = [f'office must be text, e.g. "{office.code}", not {json_kind(code)}.']
    number = _text_in(data.get("number"), "number", max_length=numbers.MAX_LENGTH)
    if not number:
        errors.setdefault("number", []).append("The application number is required.")
    out: dict = {"office": office, "number": number}
    out["filing_date"] = take(lambda: _date_in(data.get("filing_date"), "filing_date"))
    out["examination_date"] = take(
        lambda: _date_in(data.get("examination_date"), "examination_date")
    )
    too_early = examination_date_error(
        examination_date=out["examination_date"], filing_date=out["filing_date"]
    )
    if too_early:
        errors["examination_date"] = [too_early]
    out["title"] = take(lambda: _text_in(data.get("title"), "title")) or ""
    applicants = data.get("applicants") or []
    if not isinstance(applicants, list) or not all(isinstance(a, str) for a in applicants):
        errors["applicants"] = ["A list of names."]
    else:
        out["applicants"] = [a.strip() for a in applicants if a.strip()][:100]
    status = data.get("status")
    # A JSON object or list here is unhashable: refuse it like any unknown status (no 500).
    if status not in (None, "") and (not isinstance(status, str) or status not in STATUSES):
        errors["status"] = [f"One of: {', '.join(Application.Status.values)}."]
    out["status"] = status or None
    published = data.get("published")
    if published is not None and not isinstance(published, bool):
        errors["published"] = ["true or false."]
    out["published"] = published
    pct = data.get("pct")
    out["pct"] = take(lambda: _text_in(pct, "pct", max_length=numbers.MAX_LENGTH)) or None
    prios, pubs = [], []
    for name, target, item_fields in (
        ("priorities", prios, ("office", "number", "date")),
        ("publications", pubs, ("number", "date")),
    ):
        items = data.get(name) or []
        if not isinstance(items, list) or len(items) > 200:
            errors[name] = ["A list (at most 200) of objects."]
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("number"), str):
                errors.setdefault(name, []).append(f"Item {i + 1}: an object with a number.")
                continue
            try:
                when = _date_in(item.get("date"), name, where=f"Item {i + 1}: ")
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.message_dict[name])
                when = None
            if "office" in item_fields:
                cc = item.get("office") or ""
                if not isinstance(cc, str):
                    errors.setdefault(name, []).append(
                        f'Item {i + 1}: office must be text, e.g. "US", not {json_kind(cc)}.'
                    )
                    continue
                target.append(
                    PriorityIn(cc.strip().upper(), item["number"][: numbers.MAX_LENGTH], when)
                )
            else:
                target.append(PublicationIn(item["number"][: numbers.MAX_LENGTH], when))
    out["priorities"], out["publications"] = prios, pubs
    if errors:
        raise ValidationError(errors)
    return out
