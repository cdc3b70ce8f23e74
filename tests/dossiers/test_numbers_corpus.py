"""Real numbers from public EPO OPS responses: every form of a number reaches one key.

tests/dossiers/data/number_corpus.csv holds one row per application, priority claim or
publication found in recorded OPS responses (biblio, family, published-data search, register)
in public repositories; the ``source`` column names the file each row was taken from.  A row has
the forms OPS gave for that number: ``original`` (the office's own spelling), ``docdb``
(``CC.NUMBER.KIND``) and ``epodoc``.  Nothing in it was typed in by hand.

Checked here, issue 13:
* every form of a row is read (``numbers.readings``) and all forms of a row share one key;
* where the parser produces a docdb or epodoc form it is the one OPS gave, never another
  (``None`` where it cannot be derived is allowed and counted).
Run this module with ``-s`` to see the share of each form that round-trips.
"""

from __future__ import annotations

import collections
import csv
import pathlib
import re

import pytest

from dossiers import numbers

CORPUS = pathlib.Path(__file__).parent / "data" / "number_corpus.csv"
FORMS = ("original", "docdb", "epodoc")


def _rows() -> list[dict[str, str]]:
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _kind(row: dict[str, str]) -> str:
    if row["role"] == "publication":
        return "publication"
    if row["kind_code"] == "W" or re.match(r"WO\d{4}[A-Z]{2}", row["epodoc"]):
        return "pct"
    return row["role"]  # application | priority


def _text(row: dict[str, str], form: str) -> str:
    text = row[form]
    if form == "original" and _kind(row) == "pct" and not text[:2].isalpha():
        # OPS gives a PCT original without its receiving office (2003/21714): it is in the
        # epodoc form of the same record (WO2003US21714), as an examiner reading it would see.
        ro = re.match(r"WO\d{4}([A-Z]{2})", row["epodoc"])
        text = f"PCT/{ro.group(1)}{text}" if ro else text
    return text


def _read(row: dict[str, str]):
    """{form: readings} for the forms the row has (an unreadable form maps to [])."""
    found = {}
    for form in FORMS:
        if not row[form]:
            continue
        try:
            found[form] = numbers.readings(_text(row, form), office=row["office"], kind=_kind(row))
        except numbers.InvalidNumber:
            found[form] = []
    return found


def test_the_corpus_is_large_and_every_row_names_its_source():
    rows = _rows()
    assert len(rows) >= 400
    for row in rows:
        assert row["source"].startswith("https://github.com/"), row
        assert any(row[form] for form in FORMS), row
    kinds = collections.Counter(_kind(row) for row in rows)
    assert {"application", "priority", "pct", "publication"} <= set(kinds)


def test_every_form_of_a_real_number_reaches_one_key():
    shares: collections.Counter[tuple[str, str, bool]] = collections.Counter()
    failures = []
    for row in _rows():
        found = _read(row)
        common = set.intersection(*({n.key for n in rs} for rs in found.values()))
        for form in found:
            shares[(_kind(row), form, bool(common))] += 1
        if not common:
            failures.append((row, {f: [n.key for n in rs] for f, rs in found.items()}))
    for (kind, form, ok), count in sorted(shares.items()):
        print(f"{kind:12} {form:9} {'round-trips' if ok else 'FAILS':12} {count}")
    assert not failures, failures[:10]


def _same_epodoc(given: str, made: str, kind_code: str) -> bool:
    # EPODOC publication numbers carry the kind letter(s) where OPS needs them (DK3740998T,
    # DE69905327D1, ATE232441T) and not elsewhere (EP2400812): both are the same number.
    return given in (made, made + kind_code, made + kind_code[:1])


def test_produced_epo_forms_are_the_ones_ops_gives():
    produced: collections.Counter[tuple[str, str, str]] = collections.Counter()
    wrong = []
    for row in _rows():
        found = _read(row)
        common = set.intersection(*({n.key for n in rs} for rs in found.values()))
        if not common:
            continue  # reported by the round-trip test
        for form, readings in found.items():
            number = next(n for n in readings if n.key in common)
            if row["docdb"].count(".") == 2:
                if number.docdb is None:
                    produced[("docdb", form, "none")] += 1
                elif number.docdb == row["docdb"]:
                    produced[("docdb", form, "same")] += 1
                else:
                    wrong.append(("docdb", row[form], number.docdb, row["docdb"], row["source"]))
            if row["epodoc"]:
                if number.epodoc is None:
                    produced[("epodoc", form, "none")] += 1
                elif _same_epodoc(row["epodoc"], number.epodoc, row["kind_code"]):
                    produced[("epodoc", form, "same")] += 1
                else:
                    wrong.append(("epodoc", row[form], number.epodoc, row["epodoc"], row["source"]))
    for key, count in sorted(produced.items()):
        print(*key, count)
    assert not wrong, "\n".join(map(str, wrong))
    assert produced[("docdb", "docdb", "same")] > 400


@pytest.mark.parametrize(
    ("text", "kind", "key", "docdb", "epodoc"),
    [
        # rows of the corpus that show each change over time
        ("US.87951510.A", "application", "US12879515", "US.87951510.A", "US20100879515"),
        ("US.2366704.A", "application", "US11023667", "US.2366704.A", "US20040023667"),
        ("US.201113167395.A", None, "US13167395", "US.201113167395.A", "US201113167395"),
        ("US20020396363P", "priority", "US60396363", "US.39636302.P", "US20020396363P"),
        ("GB.0204635.W", None, "WO2002GB004635", "GB.0204635.W", "WO2002GB04635"),
        ("WO2019EP50740", None, "WO2019EP050740", "EP.2019050740.W", "WO2019EP50740"),
        ("NL19981010536", "priority", "NL1010536", None, "NL19981010536"),
        ("AT.E232441.T1", None, "ATE232441", "AT.E232441.T1", "ATE232441"),
    ],
)
def test_forms_that_changed_over_time(text, kind, key, docdb, epodoc):
    # the key is one of the readings (the US series code follows from the year: 10 or 11 in 2004)
    number = next(n for n in numbers.readings(text, kind=kind) if n.key == key)
    assert (number.docdb, number.epodoc) == (docdb, epodoc)
