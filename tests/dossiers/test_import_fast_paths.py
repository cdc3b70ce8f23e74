"""The import's shortcuts read every line exactly as the full path does.

`import_applications.lines_prepare` skips the NUL/surrogate check of `application_in_parse` for a
JSON line that cannot hold either (`json_text_storable`). These tests parse lines both ways, with
the shortcut and with it turned off: the same Prepared item, or the same refusal and message.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossiers.management.commands import import_applications
from dossiers.services import application_input
from offices.models import Office
from tests.dossiers.test_numbers import fuzz

OFFICE = Office(code="CA", name="CIPO", provides=True)
BASE = {
    "office": "CA",
    "number": "CA 4,000,000",
    "filing_date": "2013-08-13",
    "title": "Bench invention",
    "applicants": ["Maple Devices Inc."],
    "status": "published",
    "priorities": [{"office": "US", "number": "US 61/220,000", "date": "2012-10-17"}],
    "publications": [{"number": "CA 4000000 A1", "date": "2015-02-04"}],
    "pct": "PCT/US2013/020001",
}
LINES = [
    json.dumps(BASE),
    json.dumps({**BASE, "title": "NUL \x00 in it"}),
    json.dumps({**BASE, "title": "NUL \x00 in it"}).replace("\\u0000", "\\U0000"),  # not JSON
    json.dumps({**BASE, "applicants": ["Lone \ud800 surrogate"]}),
    json.dumps({**BASE, "applicants": ["Lone \udfff"]}).replace("\\udfff", "\\uDFFF"),
    json.dumps({**BASE, "title": "A backslash-u typed out: \\u0000"}),
    json.dumps({**BASE, "title": "Pair \U0001f600 and é"}),
    json.dumps({**BASE, "title": "Pair \U0001f600 and é"}, ensure_ascii=False),
    json.dumps({**BASE, "ti\x00tle": "x"}),
    json.dumps({**BASE, "priorities": [{"office": "US", "number": "61/1\x00"}]}),
    json.dumps({**BASE, "publications": [{"number": "CA 4000000 A1\ud83d"}]}),
    '{"office": "CA", "number": "CA 4000001", "title": "raw NUL \x00 in a string"}',
    '{"office": "CA", "number": "CA 4000001", "title": "raw \\t tab escape \\n"}',
    '{"office": "CA", "number": "CA 4000001", "title": "\\ud83d\\ude00 a pair"}',
    '{"office": "CA", "number": "CA 4000001"',
    '["not", "an", "object"]',
]


def _both_ways(monkeypatch, lines):
    rows = [(n, "json", text) for n, text in enumerate(lines, start=1)]
    fast = import_applications.lines_prepare(OFFICE, rows)
    with monkeypatch.context() as m:
        m.setattr(import_applications, "json_text_storable", lambda text: False)
        full = import_applications.lines_prepare(OFFICE, rows)
    return fast, full


def test_the_shortcut_is_taken_for_plain_lines_only():
    assert application_input.json_text_storable(LINES[0])
    assert application_input.json_text_storable(LINES[7])  # raw UTF-8, no escape
    assert not any(application_input.json_text_storable(LINES[i]) for i in (1, 3, 4, 5, 6, 11))


def test_lines_read_the_same_with_and_without_the_shortcut(monkeypatch):
    fast, full = _both_ways(monkeypatch, LINES)
    assert fast == full
    # A NUL in a key's name is no field's value: the check never looked at names (unchanged).
    assert [ok for ok, _ in fast] == [
        True, False, False, False, False, True, True, True, True, False, False, False, True,
        True, False, False,
    ]  # fmt: skip


_CHARS = ["a", " ", "\\", "u", "0", "d", "8", "\x00", "\ud800", "\udc00", "é", "\U0001f600", '"']
_TEXT = st.text(alphabet=st.sampled_from([*_CHARS, "\n"]), max_size=12)


@fuzz
@given(_TEXT, _TEXT, st.booleans())
def test_fuzzed_lines_read_the_same(title, applicant, ascii_only):
    line = json.dumps({**BASE, "title": title, "applicants": [applicant]}, ensure_ascii=ascii_only)
    with pytest.MonkeyPatch.context() as m:
        fast, full = _both_ways(m, [line])
    assert fast == full
