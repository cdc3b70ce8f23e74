"""Reference data kept as files, not code: office document codes and link-out URL templates.

Each file is read once per process. Edit the JSON to add an office's codes or a register link.
"""

import json
import string
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

_HERE = Path(__file__).resolve().parent


@cache
def _load(name: str) -> dict:
    with open(_HERE / name, encoding="utf-8") as fh:
        return json.load(fh)


def _table(language: str) -> dict:
    """The code table in `language` (document_codes.<lang>.json), {} when there is none."""
    if (_HERE / f"document_codes.{language}.json").exists():
        return _load(f"document_codes.{language}.json")
    return {}


def code_meaning(office: str, code: str) -> str:
    """Plain words for an office's document code, or "" when the code is not in the table.
    PCT codes (ISR, PCT/ISA/237, ...) are understood at every office. The words are in the
    active language when its table has the code, else in English."""
    if not code:
        return ""
    language = (get_language() or "en").split("-")[0]
    tables = [_table(language)] if language != "en" else []
    tables.append(_load("document_codes.json"))
    wanted = code.strip().upper()
    for table in tables:
        for scope in (office, "WO"):
            for known, meaning in table.get(scope, {}).items():
                if known.upper() == wanted:
                    return meaning
    return ""


def _fill(templates: list[dict], fields: dict[str, str | None]) -> list[tuple[str, str]]:
    out = []
    for item in templates:
        offices = item.get("offices")
        if offices and fields.get("office") not in offices:
            continue
        used = [name for _, name, _, _ in string.Formatter().parse(item["url"]) if name]
        if all(fields.get(name) for name in used):
            out.append((item["name"], item["url"].format(**fields)))
    return out


def application_links(fields: dict[str, str | None]) -> list[tuple[str, str]]:
    """(name, url) of the registers an application can be looked up in."""
    data = _load("links.json")
    own = data["applications"].get(fields.get("office") or "", [])
    return _fill(own + data["everywhere"], fields)


def publication_links(fields: dict[str, str | None]) -> list[tuple[str, str]]:
    return _fill(_load("links.json")["publications"], fields)
