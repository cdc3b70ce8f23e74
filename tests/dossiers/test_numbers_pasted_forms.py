"""Spellings examiners paste from offices' registers, lists and databases.

The numbers, with the key and display each must give, are in tests/dossiers/data/
pasted_forms.csv (one row per spelling, with its source).

Sources of the numbers (public, recorded):
* IMPI's MX/a/YYYY/NNNNNN: MX/A/2014/010085 (Black Hills IP, "How to search the Mexican patent
  office website"), MX/a/2017/002789 (a docketing tool's recorded example), MX.2022007131.A
  (OPS, tests/dossiers/data/number_corpus.csv).
* The office after the number, "17/263,451  US", "3107778  CA" (the same docketing tool's
  recorded client lists); WOPCT/US1999/02091 and WOPCT/EP02/07746 (PatZilla's normalizer tests,
  ip-tools/patzilla patzilla/util/numbers/test/test_normalize.py).
* DEPATISnet padding: DE000019958011A1, DE000004240017A1, BE00571395A, BE01010558A,
  AR000000071041A1, BR000PI0507004A (same PatZilla tests).
* INPI Brazil: BR102020015883-0 (an INPI formal examination notice); BR112017005111.7 and
  BR 12 2022 023284.1 (the docketing tool's recorded examples).
* INPI Argentina P230101911, SIC Colombia NC2020/0008570, NC2018/0010003 (public listings).
* Offices read generically before (item 7): WIPO DAS per-office tables (AT A 1/2019, AT GM 1/2019,
  SE 1101235-4, EA 199600014, IL 244009), a family filing table (RU 2006139951, RU 2358410 C2,
  FI 20000120; pastebin.com/index/J1HMjmPg), PatZilla's tests (AT 967/1994, EA12345 is EA012345,
  DEPATISnet forms of CH, ES, IT, NL, PL, CZ, HU, RO, SE, FI, RU publications).
* CIPC's year/serial form of ZA applications (item 8): ZA 2022/08038 and ZA 2023/06645, the
  applications of ZA.202208038.B and ZA.202306645.B (OPS, tests/dossiers/data/number_corpus.csv).
* DKPTO's PA form (item 9): DK PA 2011 70255, LEGO A/S's priority for PCT/EP2012/059471.
"""

from __future__ import annotations

import csv
import pathlib
import re

import pytest

from dossiers import numbers

CASES = pathlib.Path(__file__).parent / "data" / "pasted_forms.csv"


def _cases(texts=None) -> list[tuple[str, str | None, str, str]]:
    """(text, kind asked for, key, display) by item of the sweep; each row names its source."""
    with CASES.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if texts is None or r["text"] in texts]
    return [(r["text"], r["kind"] or None, r["key"], r["display"]) for r in rows]


@pytest.mark.parametrize(("text", "kind", "key", "display"), _cases())
def test_a_pasted_spelling_reads_to_its_key_and_the_offices_display(text, kind, key, display):
    number = numbers.normalise(text, kind=kind)
    assert (number.key, number.display) == (key, display)
    # a stored key shows the same form again (the key holds no check digit and no kind code; a
    # check digit whose rule is not known here is shown only as given: BR, SE, DK)
    given_check = text[:2] in ("BR", "PI", "SE", "DK")
    stored = re.sub(r"[-.]\d$", "", display) if given_check else display
    assert numbers.format_display(key, kind=number.kind, kind_code=number.kind_code) == stored


def test_a_mexican_application_has_its_docdb_form_and_is_no_publication():
    assert numbers.normalise("MX/a/2014/010085").docdb == "MX.2014010085.A"
    with pytest.raises(numbers.InvalidNumber, match="MX/a/2015/004567"):
        numbers.normalise("MX/a/2015/004567", kind="publication")


def test_an_argentine_number_stored_under_its_earlier_key_is_still_found():
    keys = [n.key for n in numbers.readings("AR 20130103456", kind="application")]
    assert keys == ["AR20130103456", "AR0103456"]


@pytest.mark.parametrize("text", ["-1", "+1", "- 12", "\u22121"])
@pytest.mark.parametrize("office", [None, "EP"])
def test_a_signed_number_is_refused_even_with_an_office(text, office):
    with pytest.raises(numbers.InvalidNumber, match="could not be read as a patent number"):
        numbers.normalise(text, office=office)


# Keys the generic reader gave these spellings before: rows stored under them are still found.
EARLIER_KEYS = {"AT 967/1994": "AT9671994", "SE 1101235-4": "SE11012354", "EA12345": "EA12345"}
EARLIER_KEYS["RU20060139951"] = "RU0139951"


@pytest.mark.parametrize(("text", "kind", "key", "display"), _cases(EARLIER_KEYS))
def test_a_number_read_generically_before_is_still_found_under_its_earlier_key(
    text, kind, key, display
):
    found = [n.key for n in numbers.readings(text, kind=kind)]
    assert found[0] == key and EARLIER_KEYS[text] in found


def test_an_austrian_application_is_no_publication():
    with pytest.raises(numbers.InvalidNumber, match="AT A 967/1994"):
        numbers.normalise("AT A 967/1994", kind="publication")


def test_a_danish_pa_application_keeps_the_digits_key_as_a_candidate():
    number = numbers.normalise("DK PA 2011 70255")
    assert number.candidates == ("DK201170255",)  # the key of "DK 201170255", read generically
    with pytest.raises(numbers.InvalidNumber, match="DK PA 2011 70255"):
        numbers.normalise("DK PA 2011 70255", kind="publication")
