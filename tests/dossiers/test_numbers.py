"""Tests for dossiers.numbers: canonical patent number keys and display forms.

Runs without Django.  Hypothesis tests use a moderate number of examples by default; set
HYPOTHESIS_PROFILE=ci-fuzz for a long fuzzing run (100,000 examples per test).
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from dossiers import numbers
from dossiers.numbers import (
    InvalidNumber,
    PatentNumber,
    cn_check_digit,
    de_check_digit,
    ep_check_digit,
    format_display,
    normalise,
)


def _keys(text, **kwargs) -> list[str]:
    """Every key a spelling may stand for, most likely first (the key, then its candidates)."""
    number = normalise(text, **kwargs)
    return [number.key, *number.candidates]


settings.register_profile(
    "ci-fuzz",
    max_examples=100_000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_DEFAULT = settings(max_examples=300, deadline=None, database=None)
try:
    _PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "")) or _DEFAULT
except InvalidArgument:
    _PROFILE = _DEFAULT
# Explicit per-test settings so this module neither changes nor depends on the global profile.
fuzz = settings(_PROFILE, database=None, deadline=None)


def _same_key(spellings, expected_key, expected_display, **kwargs):
    results = [normalise(text, **kwargs) for text in spellings]
    for text, result in zip(spellings, results, strict=True):
        assert result.key == expected_key, text
        assert result.display == expected_display, text
    return results


# ---------------------------------------------------------------------------------------------
# Applications: many spellings, one key, one display
# ---------------------------------------------------------------------------------------------

APPLICATION_GROUPS = [
    pytest.param(
        [
            "13/926,335",
            "US 13/926,335",
            "US13926335",
            "US201313926335",
            "US.201313926335.A",
            "U.S. Patent Application Serial No. 13/926,335",
            "Appl. No. 13/926,335",
            "#13/926,335",
            "us 13/926335",
            "US\u00a013/926,335",
            "ＵＳ １３／９２６，３３５",
        ],
        {},
        "US13926335",
        "US 13/926,335",
        "US",
        id="US-utility",
    ),
    pytest.param(
        ["US 14/123,456", "14/123,456", "US14123456", "US201314123456", "U.S. Ser. No. 14/123456"],
        {},
        "US14123456",
        "US 14/123,456",
        "US",
        id="US-utility-14",
    ),
    pytest.param(
        [
            "60/123,456",
            "US 60/123,456",
            "US60123456",
            "U.S. Provisional Application No. 60/123,456",
            "US60/123456",
        ],
        {},
        "US60123456",
        "US 60/123,456",
        "US",
        id="US-provisional",
    ),
    pytest.param(
        ["29/123,456", "US 29/123,456", "US29123456", "US 29/123456", "Design Appl. 29/123,456"],
        {},
        "US29123456",
        "US 29/123,456",
        "US",
        id="US-design",
    ),
    pytest.param(
        [
            "EP13844704.0",
            "EP 13844704.0",
            "EP 13 844 704.0",
            "EP13844704",
            "EP20130844704",
            "EP.13844704.A",
            "European Patent Application No. 13844704.0",
            "ep 13844704",
        ],
        {},
        "EP13844704",
        "EP 13844704.0",
        "EP",
        id="EP",
    ),
    pytest.param(
        ["13844704.0", "13844704", "13 844 704.0", "138447040"],
        {"office": "EP"},
        "EP13844704",
        "EP 13844704.0",
        "EP",
        id="EP-default-office",
    ),
    pytest.param(
        ["EP84300001.9", "EP 84 300 001.9", "84300001.9", "EP19840300001", "EP.84300001.A"],
        {},
        "EP84300001",
        "EP 84300001.9",
        "EP",
        id="EP-1984",
    ),
    pytest.param(
        [
            "2013-123456",
            "JP 2013-123456",
            "JP2013123456",
            "特願2013-123456",
            "H25-123456",
            "平成25-123456",
            "JP.2013123456.A",
            "特願２０１３－１２３４５６",
        ],
        {},
        "JP2013123456",
        "JP 2013-123456",
        "JP",
        id="JP",
    ),
    pytest.param(
        [
            "特願平11-123456",
            "H11-123456",
            "平成11年特許願第123456号",
            "JP H11-123456",
            "1999-123456",
            "JP1999123456",
        ],
        {},
        "JP1999123456",
        "JP 1999-123456",
        "JP",
        id="JP-Heisei",
    ),
    pytest.param(
        ["S63-123456", "昭和63-123456", "特願昭63-123456", "JP S63-123456", "JP 1988-123456"],
        {},
        "JP1988123456",
        "JP 1988-123456",
        "JP",
        id="JP-Showa",
    ),
    pytest.param(
        ["R2-123456", "令和2-123456", "JP 2020-123456", "2020-123456", "JP2020123456"],
        {},
        "JP2020123456",
        "JP 2020-123456",
        "JP",
        id="JP-Reiwa",
    ),
    pytest.param(
        [
            "10-2008-0107376",
            "KR1020080107376",
            "KR 10-2008-0107376",
            "KR10-2008-0107376",
            "KR 1020080107376",
            "KR.20080107376.A",
        ],
        {},
        "KR1020080107376",
        "KR 10-2008-0107376",
        "KR",
        id="KR",
    ),
    pytest.param(
        [
            "2013800622588",
            "201380062258.8",
            "CN 201380062258.8",
            "CN201380062258",
            "CN2013800622588",
            "ZL201380062258.8",
            "ZL 201380062258.8",
            "CN.201380062258.A",
            "申请号201380062258.8",
        ],
        {},
        "CN201380062258",
        "CN 201380062258.8",
        "CN",
        id="CN",
    ),
    pytest.param(
        [
            "10 2007 004 488.9",
            "DE 10 2007 004 488.9",
            "DE102007004488",
            "DE 10 2007 004 488",
            "DE1020070044889",
            "DE.102007004488.A",
        ],
        {},
        "DE102007004488",
        "DE 10 2007 004 488.9",
        "DE",
        id="DE",
    ),
    pytest.param(
        ["DE 11 2014 005 344.9", "11 2014 005 344.9", "DE112014005344", "DE 112014005344.9"],
        {},
        "DE112014005344",
        "DE 11 2014 005 344.9",
        "DE",
        id="DE-PCT",
    ),
    pytest.param(
        ["DE 103 60 860.5", "DE10360860", "DE 103 60 860", "DE10360860.5", "DE.10360860.A"],
        {},
        "DE10360860",
        "DE 103 60 860.5",
        "DE",
        id="DE-old-8",
    ),
    pytest.param(
        ["P 31 30 619.5", "31 30 619.5", "3130619", "31 30 619", "P3130619.5"],
        {"office": "DE"},
        "DE3130619",
        "DE 31 30 619.5",
        "DE",
        id="DE-old-7",
    ),
    pytest.param(
        ["GB1234567", "GB 1234567", "GB.1234567.A", "GB201234567", "GB20120034567"],
        {},
        "GB1234567",
        "GB 1234567",
        "GB",
        id="GB",
    ),
    pytest.param(
        # the check digit the office gave stays in the display (issue 13)
        ["GB1234567.8", "GB 1234567.8", "UK 1234567.8", "GB201234567.8"],
        {},
        "GB1234567",
        "GB 1234567.8",
        "GB",
        id="GB-check-digit",
    ),
    pytest.param(
        ["1234567.8", "12345678", "1 234 567.8", "GB1234567.8"],
        {"office": "GB"},
        "GB1234567",
        "GB 1234567.8",
        "GB",
        id="GB-default-office",
    ),
    pytest.param(
        ["FR 1234567", "FR1234567", "FR 12 34567", "FR.1234567.A", "fr1234567"],
        {},
        "FR1234567",
        "FR 1234567",
        "FR",
        id="FR",
    ),
    pytest.param(
        [
            "CA 2,123,456",
            "CA2123456",
            "CA 2123456",
            "CA.2123456.A",
            "Canadian Patent Application 2,123,456",
        ],
        {},
        "CA2123456",
        "CA 2,123,456",
        "CA",
        id="CA",
    ),
    pytest.param(
        ["2,123,456", "2123456", "2 123 456", "CA 2,123,456", "2.123.456"],
        {"office": "CA"},
        "CA2123456",
        "CA 2,123,456",
        "CA",
        id="CA-default-office",
    ),
    pytest.param(
        ["AU 2013123456", "AU2013123456", "AU 2013 123456", "AU.2013123456.A", "au 2013123456"],
        {},
        "AU2013123456",
        "AU 2013123456",
        "AU",
        id="AU",
    ),
    pytest.param(
        ["12345/95", "AU 12345/95", "AU1995012345", "1234595", "AU 12345 / 95"],
        {"office": "AU"},
        "AU1995012345",
        "AU 12345/95",
        "AU",
        id="AU-old",
    ),
    pytest.param(
        ["PN1234", "AU PN1234", "AUPN1234", "AU PN 1234", "pn1234"],
        {},
        "AUPN1234",
        "AU PN1234",
        "AU",
        id="AU-provisional",
    ),
    pytest.param(
        ["1234/DEL/2013", "IN 1234/DEL/2013", "IN1234DEL2013", "01234/DEL/2013", "1234-DEL-2013"],
        {},
        "IN1234DEL2013",
        "IN 1234/DEL/2013",
        "IN",
        id="IN-old",
    ),
    pytest.param(
        ["201611012345", "IN 201611012345", "IN201611012345", "2016 11 012345", "2016-11-012345"],
        {"office": "IN"},
        "IN201611012345",
        "IN 201611012345",
        "IN",
        id="IN-new",
    ),
    pytest.param(
        # with the check digit it is shown too: tests/dossiers/test_numbers_latin_america.py
        ["BR102013012345", "BR 10 2013 012345", "br 10 2013 012345"],
        {},
        "BR102013012345",
        "BR 10 2013 012345",
        "BR",
        id="BR",
    ),
    pytest.param(
        ["BRPI0612345", "PI 0612345", "BR PI 0612345"],
        {},
        "BRPI0612345",
        "BR PI 0612345",
        "BR",
        id="BR-old",
    ),
    pytest.param(
        ["102123456", "TW 102123456", "TW102123456", "TW 102 123456", "tw102123456"],
        {"office": "TW"},
        "TW102123456",
        "TW 102123456",
        "TW",
        id="TW",
    ),
    pytest.param(
        ["IL 123456", "IL123456", "IL 123,456", "IL 123.456", "il-123456"],
        {},
        "IL123456",
        "IL 123456",
        "IL",
        id="generic-IL",
    ),
]


@pytest.mark.parametrize(("spellings", "kwargs", "key", "display", "office"), APPLICATION_GROUPS)
def test_application_spellings_share_one_key(spellings, kwargs, key, display, office):
    results = _same_key(spellings, key, display, **kwargs)
    assert {r.office for r in results} == {office}
    assert {r.kind for r in results} == {"application"}
    # from the key alone a check digit the office gave cannot be known: it is left out
    assert format_display(key) == (display.split(".")[0] if office == "GB" else display)
    assert _keys(spellings[0], **kwargs)[0] == key


PCT_SPELLINGS = [
    "PCT/US2013/064552",
    "PCT/US2013/64552",
    "WO2013US064552",
    "WO2013US64552",
    "US.2013064552.W",
    "PCT US 2013 064552",
    "pct/us2013/064552",
    "International Application No. PCT/US2013/064552",
    "PCTUS2013064552",
]


@pytest.mark.parametrize("text", PCT_SPELLINGS)
def test_pct_application(text):
    number = normalise(text)
    assert number == PatentNumber(
        office="WO",
        kind="pct",
        key="WO2013US064552",
        display="PCT/US2013/064552",
        docdb="US.2013064552.W",
        epodoc="WO2013US64552",
    )


@pytest.mark.parametrize("text", ["US 2013/064552", "US2013/064552", "US2013064552"])
def test_pct_without_prefix_needs_kind_pct(text):
    assert normalise(text, kind="pct").key == "WO2013US064552"


@pytest.mark.parametrize(
    "text", ["PCT/US02/36644", "PCT/US2002/036644", "WO2002US36644", "PCTUS0236644"]
)
def test_pct_two_digit_year(text):
    number = normalise(text)
    assert number.key == "WO2002US036644"
    assert number.display == "PCT/US2002/036644"


def test_pct_two_digit_year_before_2000():
    assert normalise("PCT/GB98/01234").key == "WO1998GB001234"


def test_pct_priority_keeps_key():
    number = normalise("PCT/US2013/064552", kind="priority")
    assert (number.kind, number.key) == ("priority", "WO2013US064552")


# ---------------------------------------------------------------------------------------------
# Publications
# ---------------------------------------------------------------------------------------------

PUBLICATION_GROUPS = [
    pytest.param(
        [
            "US8131731B2",
            "US 8,131,731 B2",
            "US 8131731 B2",
            "U.S. Pat. No. 8,131,731 B2",
            "US-B2-8 131 731",
        ],
        "US8131731",
        "US 8,131,731 B2",
        "US.8131731.B2",
        "US8131731",
        id="US-patent",
    ),
    pytest.param(
        [
            "US2013/0123456 A1",
            "US20130123456A1",
            "US 2013/0123456 A1",
            "US2013123456A1",
            "US.2013123456.A1",
        ],
        "US20130123456",
        "US 2013/0123456 A1",
        "US.2013123456.A1",
        "US2013123456",
        id="US-pregrant",
    ),
    pytest.param(
        ["EP3082535A1", "EP 3 082 535 A1", "EP 3082535 A1", "EP-A1-3 082 535", "EP.3082535.A1"],
        "EP3082535",
        "EP 3082535 A1",
        "EP.3082535.A1",
        "EP3082535",
        id="EP",
    ),
    pytest.param(
        [
            "WO2009085664A2",
            "WO 2009/085664 A2",
            "WO2009/085664 A2",
            "WO 2009 085664 A2",
            "WO.2009085664.A2",
        ],
        "WO2009085664",
        "WO 2009/085664 A2",
        "WO.2009085664.A2",
        "WO2009085664",
        id="WO",
    ),
    pytest.param(
        [
            "JP2000177507A",
            "JP 2000-177507 A",
            "JP2000-177507A",
            "JP 2000177507 A",
            "JP-A-2000-177507",
        ],
        "JP2000177507",
        "JP 2000-177507 A",
        "JP.2000177507.A",
        "JP2000177507",
        id="JP",
    ),
    pytest.param(
        ["JPH11123456A", "JP H11-123456 A", "JP 11-123456 A", "JP 1999-123456 A", "JPH11-123456 A"],
        "JPH11123456",
        "JP H11-123456 A",
        "JP.H11123456.A",
        "JPH11123456",
        id="JP-Heisei",
    ),
    pytest.param(
        [
            "KR20100130646A",
            "KR 10-2010-0130646 A",
            "KR1020100130646A",
            "KR 10-2010-0130646A",
            "kr20100130646a",
        ],
        "KR1020100130646",
        "KR 10-2010-0130646 A",
        "KR.20100130646.A",
        "KR20100130646",
        id="KR",
    ),
    pytest.param(
        ["CN101911042B", "CN 101911042 B", "CN101911042 B", "CN 101 911 042 B", "CN.101911042.B"],
        "CN101911042",
        "CN 101911042 B",
        "CN.101911042.B",
        "CN101911042",
        id="CN",
    ),
    pytest.param(
        [
            "DE 10 2006 032 425 A1",
            "DE102006032425A1",
            "DE 102006032425 A1",
            "DE10 2006 032 425A1",
            "DE.102006032425.A1",
        ],
        "DE102006032425",
        "DE 10 2006 032 425 A1",
        "DE.102006032425.A1",
        "DE102006032425",
        id="DE",
    ),
    pytest.param(
        ["GB2500000A", "GB 2500000 A", "GB 2 500 000 A", "GB2500000 A", "GB-A-2 500 000"],
        "GB2500000",
        "GB 2500000 A",
        "GB.2500000.A",
        "GB2500000",
        id="GB",
    ),
    pytest.param(
        ["FR3000000A1", "FR 3000000 A1", "FR 3 000 000 A1", "FR3000000 A1", "FR.3000000.A1"],
        "FR3000000",
        "FR 3000000 A1",
        "FR.3000000.A1",
        "FR3000000",
        id="FR",
    ),
    pytest.param(
        ["CA2123456A1", "CA 2,123,456 A1", "CA 2123456 A1", "CA2,123,456A1", "CA.2123456.A1"],
        "CA2123456",
        "CA 2,123,456 A1",
        "CA.2123456.A1",
        "CA2123456",
        id="CA",
    ),
]


@pytest.mark.parametrize(("spellings", "key", "display", "docdb", "epodoc"), PUBLICATION_GROUPS)
def test_publication_spellings_share_one_key(spellings, key, display, docdb, epodoc):
    results = _same_key(spellings, key, display)
    for result in results:
        assert result.kind == "publication"
        assert (result.docdb, result.epodoc) == (docdb, epodoc)
    kind_code = results[0].kind_code
    assert format_display(key, kind="publication", kind_code=kind_code) == display


def test_publication_key_leaves_out_kind_code():
    with_code = normalise("US8131731B2")
    without = normalise("US8131731")
    assert with_code.key == without.key == "US8131731"
    assert (with_code.kind_code, without.kind_code) == ("B2", None)
    assert without.display == "US 8,131,731"
    assert format_display("US8131731") == "US 8,131,731"
    assert format_display("US8131731", kind_code="B2") == "US 8,131,731 B2"


@pytest.mark.parametrize(
    ("text", "key", "display"),
    [
        ("US RE45,123 E", "USRE45123", "US RE45,123 E"),
        ("USRE45123E", "USRE45123", "US RE45,123 E"),
        ("US D654,321 S", "USD654321", "US D654,321 S"),
        ("USPP12345P2", "USPP12345", "US PP12,345 P2"),
        ("US10123456B2", "US10123456", "US 10,123,456 B2"),
        ("KR101234567B1", "KR101234567", "KR 10-1234567 B1"),
        ("KR 10-1234567 B1", "KR101234567", "KR 10-1234567 B1"),
        ("JP5123456B2", "JP5123456", "JP 5123456 B2"),
        ("特開平11-123456", "JPH11123456", "JP H11-123456"),
        ("特開2000-177507", "JP2000177507", "JP 2000-177507"),
        ("WO2009/085664", "WO2009085664", "WO 2009/085664"),
        ("WO 98/12345 A1", "WO1998012345", "WO 1998/012345 A1"),
        ("EP-A-0 843 156", "EP0843156", "EP 0843156 A"),
        ("AU 2013123456 A1", "AU2013123456", "AU 2013123456 A1"),
        ("TWI123456B", "TWI123456", "TW I123456 B"),
    ],
)
def test_other_publications(text, key, display):
    number = normalise(text)
    assert (number.kind, number.key, number.display) == ("publication", key, display)


def test_us_eight_digit_number_is_application_unless_told():
    assert normalise("US10123456").display == "US 10/123,456"
    assert normalise("US Patent 10,123,456").display == "US 10,123,456"
    assert normalise("US 10/123,456").kind == "application"
    patent = normalise("US10123456", kind="publication")
    assert patent.display == "US 10,123,456"
    assert format_display("US10123456", kind="publication") == "US 10,123,456"


# ---------------------------------------------------------------------------------------------
# docdb / epodoc, priority kind, candidates, filed
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "docdb", "epodoc"),
    [
        (
            "US 13/926,335",
            {"filed": datetime.date(2013, 6, 25)},
            "US.201313926335.A",
            "US201313926335",
        ),
        ("US 13/926,335", {}, None, None),
        ("EP 13844704.0", {}, "EP.13844704.A", "EP20130844704"),
        ("JP 2013-123456", {}, "JP.2013123456.A", "JP20130123456"),
        ("KR 10-2008-0107376", {}, "KR.20080107376.A", "KR20080107376"),
        ("CN 201380062258.8", {}, "CN.201380062258.A", "CN201380062258"),
        ("DE 10 2007 004 488.9", {}, "DE.102007004488.A", None),
        ("GB 1312345", {}, "GB.1312345.A", "GB20130012345"),
    ],
)
def test_docdb_and_epodoc(text, kwargs, docdb, epodoc):
    number = normalise(text, **kwargs)
    assert (number.docdb, number.epodoc) == (docdb, epodoc)


def test_priority_is_an_application_number():
    application = normalise("EP13844704")
    priority = normalise("EP13844704", kind="priority")
    assert priority.kind == "priority"
    assert (priority.key, priority.display) == (application.key, application.display)


def test_us_serial_without_series_uses_filing_date():
    number = normalise("926,335", office="US", filed=datetime.date(2013, 6, 25))
    assert number.key == "US13926335"
    assert "US14926335" in number.candidates
    assert _keys("926,335", office="US", filed=datetime.date(2006, 6, 1)) == ["US11926335"]


def test_us_serial_without_series_or_date_lists_candidates():
    keys = _keys("926,335", office="US")
    assert len(keys) > 10
    assert "US13926335" in keys
    assert len(set(keys)) == len(keys)


def test_jp_two_digit_year_candidates_and_filed():
    number = normalise("JP 11-123456")
    assert number.key == "JP1999123456"
    assert number.candidates == ("JP1936123456",)
    assert normalise("JP 11-123456", filed=datetime.date(1936, 5, 1)).key == "JP1936123456"
    assert normalise("JP 50-123456").key == "JP1975123456"


def test_kr_without_type_code():
    number = normalise("KR 2008-0107376")
    assert number.key == "KR1020080107376"
    assert number.candidates == ("KR2020080107376", "KR3020080107376")


def test_bare_number_fitting_several_offices_lists_them():
    number = "202010012345"  # CN 2020 invention, or KR utility model 20-2010-0123450
    keys = _keys(number + cn_check_digit(number))
    assert keys[0] == f"CN{number}"
    assert f"KR{number}{cn_check_digit(number)}" in keys


def test_au_serial_with_filing_date():
    assert normalise("12345", office="AU", filed=datetime.date(1995, 3, 1)).key == "AU1995012345"


def test_office_in_text_wins_over_default():
    assert normalise("EP13844704", office="US").office == "EP"


def test_jp_default_office():
    assert normalise("2013123456", office="JP").key == "JP2013123456"


def test_wo_default_office():
    assert normalise("2009/085664", office="WO").key == "WO2009085664"
    assert normalise("US2013/064552", office="WO").key == "WO2013US064552"


# ---------------------------------------------------------------------------------------------
# Check digits
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "check"),
    [("13844704", "0"), ("99403122", "7"), ("13748138", "8"), ("16839078", "9"), ("84300001", "9")],
)
def test_ep_check_digit_on_real_numbers(number, check):
    assert ep_check_digit(number) == check


@pytest.mark.parametrize(
    ("number", "check"),
    [
        ("102007004488", "9"),
        ("112014005344", "9"),
        ("102007045776", "8"),
        ("10360860", "5"),
        ("10144482", "6"),
        ("3130619", "5"),
        ("3025842", "5"),
        # sum a multiple of 11: check digit 0.  EPO OPS Reference Guide v1.3.20, 4.5 (a DE
        # document's INID 21 "10 2006 032 425.0"), https://github.com/parkerhancock/
        # patent-client-agents/blob/7997da358a42d569a67a1909c46a71beeeeb470d/
        # resources/epo/en-ops.txt
        ("102006032425", "0"),
        # DPMA register file numbers as PatZilla's tests and notes give them,
        # https://github.com/ip-tools/patzilla/blob/35efe9110cc75cfdecd309e9f6e2cd6e1338cb54/
        # tests/access/test_dpma_register.py and patzilla-ui/navigator/util/linkmaker.js
        ("69534171", "5"),
        ("102012009645", "3"),
        ("19630877", "1"),
    ],
)
def test_de_check_digit_on_real_numbers(number, check):
    assert de_check_digit(number) == check


def test_de_check_digit_0_is_shown_and_checked():
    # An examiner types the application number printed on DE 10 2006 032 425 A1 (OPS Reference
    # Guide, above): it was accepted with any check digit and shown without one.
    number = normalise("10 2006 032 425.0", office="DE")
    assert (number.key, number.display) == ("DE102006032425", "DE 10 2006 032 425.0")
    assert format_display("DE102006032425") == "DE 10 2006 032 425.0"
    with pytest.raises(InvalidNumber, match="check digit 0"):
        normalise("DE 10 2006 032 425.7")


def test_cn_check_digit():
    assert cn_check_digit("201380062258") == "8"
    assert cn_check_digit("98123456") == "9"
    assert any(cn_check_digit(f"2013100{n:05d}") == "X" for n in range(30))


def test_cn_check_digit_x_is_accepted():
    number = next(f"2013100{n:05d}" for n in range(100) if cn_check_digit(f"2013100{n:05d}") == "X")
    for text in (f"CN {number}.X", f"{number}.x", f"CN{number}X"):
        parsed = normalise(text)
        assert parsed.key == f"CN{number}"
        assert parsed.display == f"CN {number}.X"
        assert parsed.kind_code is None


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "fragments"),
    [
        ("", {}, ["Enter a patent number."]),
        ("   \u00a0 ", {}, ["Enter a patent number."]),
        ("No.", {}, ["Enter a patent number."]),
        ("US 14/12", {}, ["‘US 14/12’", "2-digit series code and a 6-digit serial"]),
        ("EP13844704.1", {}, ["check digit is wrong", "0"]),
        ("EP 13 844 704.7", {}, ["‘EP 13 844 704.7’", "check digit is wrong", "not 7"]),
        ("CN 201380062258.1", {}, ["check digit is wrong", "8"]),
        ("2013800622581", {}, ["check digit is wrong", "8"]),
        ("DE 10 2007 004 488.1", {}, ["check digit is wrong", "9"]),
        ("XY 123456", {}, ["‘XY’ is not an office code we know"]),
        ("EU 13844704", {}, ["Did you mean EP?"]),
        ("x" * 101, {}, ["too long", "101"]),
        ("US 45/123,456", {}, ["‘45’ is not a US application series code"]),
        ("PCT/US1970/000001", {}, ["1978"]),
        ("PCT/QQ2013/064552", {}, ["‘QQ’ is not a receiving office code"]),
        ("PCT/US2013", {}, ["PCT/US2013/064552"]),
        ("H40-123456", {}, ["Heisei 40 is not a year"]),
        ("12345", {}, ["which office", "office code"]),
        ("hello world", {}, ["is not a patent number: it has no digits"]),
        ("US8131731B2", {"kind": "application"}, ["kind code ‘B2’", "publication number"]),
        ("13/926,335", {"kind": "publication"}, ["not a publication number"]),
        ("13/926,335", {"kind": "pct"}, ["PCT"]),
        ("US 13/926,335 ☃", {}, ["‘☃’"]),
        ("実願2013-012345", {}, ["utility model"]),
        ("US 13/926,335", {"office": "ZZ"}, ["‘ZZ’ is not an office code we know"]),
        ("US 13/926,335", {"kind": "grant"}, ["Unknown kind ‘grant’"]),
        ("KR 40-2008-0107376", {}, ["‘40’ is not a KR right type"]),
        ("CN 201350062258", {}, ["‘5’ is not a CN application type"]),
        ("EP 3082535 A1", {"kind": "application"}, ["kind code ‘A1’"]),
        ("WO 2009/085664", {"kind": "pct"}, ["PCT/US2013/064552"]),
        ("1234/ABC/2013", {"office": "IN"}, ["‘ABC’ is not an Indian patent office"]),
        ("AU 12345/05", {}, ["used up to 2001"]),
        ("FR 1234567.8", {}, ["no check digit"]),
    ],
)
def test_bad_input_is_explained(text, kwargs, fragments):
    with pytest.raises(InvalidNumber) as caught:
        normalise(text, **kwargs)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message


def test_invalid_number_is_a_value_error():
    assert issubclass(InvalidNumber, ValueError)
    with pytest.raises(ValueError, match="Enter a patent number"):
        _keys("")
    with pytest.raises(InvalidNumber):
        format_display("not a key")


def test_non_string_input():
    with pytest.raises(InvalidNumber):
        normalise(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidNumber):
        normalise(12345678)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------------

_NEAR_ALPHABET = string.digits * 3 + "ABCDEHJKNPRSTUWXZ" + " ./-,#" + "平成特願号" + "\u00a0\u3000"
_PREFIXES = [
    "", "US", "US ", "EP", "EP ", "WO", "PCT/", "PCT/US", "JP", "KR ", "CN", "ZL", "DE ", "GB",
    "FR", "CA ", "AU", "IN ", "BR", "PI", "TW", "H", "S", "R", "特願", "特開平", "EP.", "US.", "P ",
    "RE", "USRE", "USD", "JPH", "IL ", "XX",
]  # fmt: skip
_SUFFIXES = ["", " A1", "B2", ".0", ".X", "-6", " A", "U", "/95", "/DEL/2013", ".W"]
_OFFICES = [
    None,
    "US",
    "EP",
    "WO",
    "JP",
    "KR",
    "CN",
    "DE",
    "GB",
    "FR",
    "CA",
    "AU",
    "IN",
    "BR",
    "TW",
]

near_text = st.builds(
    lambda prefix, body, suffix: prefix + body + suffix,
    st.sampled_from(_PREFIXES),
    st.text(alphabet=_NEAR_ALPHABET, max_size=18),
    st.sampled_from(_SUFFIXES),
)
options = st.fixed_dictionaries(
    {
        "office": st.sampled_from(_OFFICES),
        "kind": st.sampled_from([None, *numbers.KINDS]),
        "filed": st.none() | st.dates(datetime.date(1900, 1, 1), datetime.date(2030, 12, 31)),
    }
)


def _check_result(number: PatentNumber) -> None:
    assert number.key and number.display
    assert number.kind in numbers.KINDS
    assert number.office in numbers.OFFICE_CODES
    assert number.key not in number.candidates
    again = normalise(number.display, office=number.office, kind=number.kind)
    assert again.key == number.key
    shown = format_display(
        number.key,
        kind="application" if number.kind == "priority" else number.kind,
        kind_code=number.kind_code,
    )
    # a display rebuilt from the key alone lacks only a check digit the office gave (GB, DK...)
    assert number.display in (shown, *(f"{shown}.{d}" for d in "0123456789X"))


@fuzz
@given(st.text(max_size=120), options)
def test_arbitrary_text_raises_only_invalid_number(text, kwargs):
    # Call the inner function too: the public one turns unexpected errors into InvalidNumber,
    # which would hide bugs from this test.
    try:
        number = numbers._normalise(text, kwargs["office"], kwargs["kind"], kwargs["filed"])
    except InvalidNumber:
        return
    _check_result(number)


@fuzz
@given(near_text, options)
def test_number_like_text_raises_only_invalid_number(text, kwargs):
    try:
        number = numbers._normalise(text, kwargs["office"], kwargs["kind"], kwargs["filed"])
    except InvalidNumber:
        return
    _check_result(number)


@fuzz
@given(st.text(alphabet=string.digits + "9" * 5 + " /-.", min_size=1, max_size=100))
def test_long_numeric_text_is_fast_and_safe(text):
    try:
        numbers._normalise(text, None, None, None)
    except InvalidNumber:
        pass


# Valid numbers, generated per office: (spellings, kwargs, key, display)

_YEAR_NOW = datetime.datetime.now(tz=datetime.UTC).year
serial6 = st.integers(1, 999_999).map(lambda n: f"{n:06d}")


@st.composite
def us_applications(draw):
    series = draw(st.sampled_from(sorted(numbers.us._US_SERIES)))
    serial = draw(serial6)
    year = draw(st.integers(1990, _YEAR_NOW))
    spellings = [
        f"{series}/{serial[:3]},{serial[3:]}",
        f"US {series}/{serial[:3]},{serial[3:]}",
        f"US{series}{serial}",
        f"US{year}{series}{serial}",
        f"US.{year}{series}{serial}.A",
        f"U.S. Appl. No. {series}/{serial}",
    ]
    return spellings, {}, f"US{series}{serial}", f"US {series}/{serial[:3]},{serial[3:]}"


@st.composite
def us_patents(draw):
    n = draw(st.integers(1, 12_999_999))
    kind_code = draw(st.sampled_from(["B1", "B2", "A", "E"]))
    spellings = [f"US{n}{kind_code}", f"US {n:,} {kind_code}", f"US-{kind_code}-{n}"]
    return spellings, {}, f"US{n}", f"US {n:,} {kind_code}"


@st.composite
def us_pregrant(draw):
    year = draw(st.integers(2001, _YEAR_NOW))
    serial = draw(st.integers(1, 999_999))
    spellings = [
        f"US{year}/{serial:07d} A1",
        f"US{year}{serial:07d}A1",
        f"US{year}{serial:06d}A1",
        f"US {year}/{serial:07d} A1",
    ]
    return spellings, {}, f"US{year}{serial:07d}", f"US {year}/{serial:07d} A1"


@st.composite
def ep_applications(draw):
    year = draw(st.integers(1978, _YEAR_NOW))
    number = f"{year % 100:02d}{draw(serial6)}"
    check = ep_check_digit(number)
    spellings = [
        f"EP{number}.{check}",
        f"EP {number[:2]} {number[2:5]} {number[5:]}.{check}",
        f"EP{number}",
        f"EP{year}0{number[2:]}",
        f"EP.{number}.A",
        f"EP{number}{check}",
    ]
    return spellings, {}, f"EP{number}", f"EP {number}.{check}"


@st.composite
def ep_applications_default_office(draw):
    spellings, _, key, display = draw(ep_applications())
    number = key[2:]
    return [f"{number}.{display[-1]}", number], {"office": "EP"}, key, display


@st.composite
def ep_publications(draw):
    n = draw(st.integers(1, 9_999_999))
    kind_code = draw(st.sampled_from(["A1", "A2", "B1", "B2"]))
    spellings = [f"EP{n:07d}{kind_code}", f"EP {n} {kind_code}", f"EP-{kind_code}-{n:07d}"]
    return spellings, {}, f"EP{n:07d}", f"EP {n:07d} {kind_code}"


_ROS = ["US", "EP", "JP", "KR", "CN", "DE", "GB", "FR", "IB", "CA", "AU", "IN", "BR", "IL"]


@st.composite
def pct_applications(draw):
    ro = draw(st.sampled_from(_ROS))
    year = draw(st.integers(1978, _YEAR_NOW))
    serial = draw(st.integers(1, 999_999))
    spellings = [
        f"PCT/{ro}{year}/{serial:06d}",
        f"PCT/{ro}{year}/{serial}",
        f"WO{year}{ro}{serial:06d}",
        f"WO{year}{ro}{serial}",
        f"{ro}.{year}{serial:06d}.W",
    ]
    if serial < 100_000:
        spellings.append(f"PCT/{ro}{year % 100:02d}/{serial:05d}")
    return spellings, {}, f"WO{year}{ro}{serial:06d}", f"PCT/{ro}{year}/{serial:06d}"


@st.composite
def wo_publications(draw):
    year = draw(st.integers(1978, _YEAR_NOW))
    serial = draw(st.integers(1, 999_999))
    kind_code = draw(st.sampled_from(["A1", "A2", "A3"]))
    spellings = [
        f"WO{year}{serial:06d}{kind_code}",
        f"WO {year}/{serial:06d} {kind_code}",
        f"WO{year}/{serial} {kind_code}",
    ]
    return spellings, {}, f"WO{year}{serial:06d}", f"WO {year}/{serial:06d} {kind_code}"


@st.composite
def jp_applications(draw):
    year = draw(st.integers(1989, _YEAR_NOW))
    serial = draw(serial6)
    spellings = [
        f"{year}-{serial}",
        f"JP {year}-{serial}",
        f"JP{year}{serial}",
        f"特願{year}-{serial}",
    ]
    if year <= 2018:
        spellings += [f"H{year - 1988}-{serial}", f"特願平{year - 1988}-{serial}"]
    if year >= 2019:
        spellings.append(f"令和{year - 2018}年特許願第{serial}号")
    return spellings, {}, f"JP{year}{serial}", f"JP {year}-{serial}"


@st.composite
def jp_publications(draw):
    year = draw(st.integers(2000, _YEAR_NOW))
    serial = draw(serial6)
    spellings = [f"JP{year}{serial}A", f"JP {year}-{serial} A", f"JP-A-{year}-{serial}"]
    return spellings, {}, f"JP{year}{serial}", f"JP {year}-{serial} A"


@st.composite
def kr_applications(draw):
    type_code = draw(st.sampled_from(["10", "20", "30"]))
    year = draw(st.integers(1990, _YEAR_NOW))
    serial = f"{draw(st.integers(1, 9_999_999)):07d}"
    spellings = [
        f"{type_code}-{year}-{serial}",
        f"KR{type_code}{year}{serial}",
        f"KR {type_code}-{year}-{serial}",
    ]
    if type_code == "10":
        spellings.append(f"KR.{year}{serial}.A")
    return spellings, {}, f"KR{type_code}{year}{serial}", f"KR {type_code}-{year}-{serial}"


@st.composite
def cn_applications(draw):
    year = draw(st.integers(2003, _YEAR_NOW))
    type_digit = draw(st.sampled_from("12389"))
    number = f"{year}{type_digit}{draw(st.integers(1, 9_999_999)):07d}"
    check = cn_check_digit(number)
    spellings = [
        f"{number}{check}",
        f"{number}.{check}",
        f"CN {number}.{check}",
        f"CN{number}",
        f"ZL{number}.{check}",
    ]
    return spellings, {}, f"CN{number}", f"CN {number}.{check}"


@st.composite
def cn_old_applications(draw):
    yy = draw(st.sampled_from([85, 90, 95, 99, 0, 1, 2, 3]))
    number = f"{yy:02d}{draw(st.sampled_from('1238'))}{draw(st.integers(1, 99_999)):05d}"
    check = cn_check_digit(number)
    spellings = [f"CN {number}.{check}", f"{number}.{check}", f"ZL{number}.{check}", f"CN{number}"]
    return spellings, {"office": "CN"}, f"CN{number}", f"CN {number}.{check}"


@st.composite
def de_applications(draw):
    type_code = draw(st.sampled_from(["10", "11", "12", "20", "21", "22"]))
    year = draw(st.integers(2004, _YEAR_NOW))
    serial = draw(serial6)
    number = f"{type_code}{year}{serial}"
    check = de_check_digit(number)
    spaced = f"{type_code} {year} {serial[:3]} {serial[3:]}"
    suffix = f".{check}" if check else ""
    spellings = [f"DE {spaced}{suffix}", f"DE{number}", spaced + suffix, f"DE.{number}.A"]
    return spellings, {}, f"DE{number}", f"DE {spaced}{suffix}"


@st.composite
def gb_applications(draw):
    number = f"{draw(st.integers(1, 9_999_999)):07d}"
    check = draw(st.integers(0, 9))
    if draw(st.booleans()):
        spellings = [f"GB{number}.{check}", f"{number}.{check}", f"GB {number}.{check}"]
        return spellings, {"office": "GB"}, f"GB{number}", f"GB {number}.{check}"
    yy = int(number[:2])
    year = 1900 + yy if yy >= 78 else 2000 + yy
    spellings = [f"GB {number}", f"GB.{number}.A"]
    if year <= _YEAR_NOW:
        spellings.append(f"GB{year}00{number[2:]}")  # EPODOC: GB20120018345
    return spellings, {"office": "GB"}, f"GB{number}", f"GB {number}"


@st.composite
def ca_numbers(draw):
    n = draw(st.integers(1_000_000, 3_999_999))
    spellings = [f"CA {n:,}", f"{n}", f"CA{n}", f"{n:,}"]
    return spellings, {"office": "CA"}, f"CA{n}", f"CA {n:,}"


@st.composite
def au_applications(draw):
    year = draw(st.integers(2002, _YEAR_NOW))
    serial = draw(serial6)
    spellings = [f"AU {year}{serial}", f"{year}{serial}", f"AU{year}{serial}"]
    return spellings, {"office": "AU"}, f"AU{year}{serial}", f"AU {year}{serial}"


@st.composite
def au_old_applications(draw):
    yy = draw(st.sampled_from([78, 85, 90, 95, 99, 0, 1]))
    serial = draw(st.integers(1, 99_999))
    year = 1900 + yy if yy > 50 else 2000 + yy
    spellings = [f"AU {serial}/{yy:02d}", f"{serial}/{yy:02d}", f"AU{year}{serial:06d}"]
    return spellings, {"office": "AU"}, f"AU{year}{serial:06d}", f"AU {serial}/{yy:02d}"


valid_numbers = st.one_of(
    us_applications(),
    us_patents(),
    us_pregrant(),
    ep_applications(),
    ep_applications_default_office(),
    ep_publications(),
    pct_applications(),
    wo_publications(),
    jp_applications(),
    jp_publications(),
    kr_applications(),
    cn_applications(),
    cn_old_applications(),
    de_applications(),
    gb_applications(),
    ca_numbers(),
    au_applications(),
    au_old_applications(),
)


@fuzz
@given(valid_numbers)
def test_generated_spellings_share_key_and_round_trip(case):
    spellings, kwargs, key, display = case
    for text in spellings:
        number = normalise(text, **kwargs)
        assert number.key == key, text
        assert number.display == display, text
        assert _keys(text, **kwargs)[0] == key
        again = normalise(number.display, office=number.office, kind=number.kind)
        assert again.key == key
        assert again.display == display
        shown = format_display(number.key, kind=number.kind, kind_code=number.kind_code)
        assert display in (shown, *(f"{shown}.{d}" for d in "0123456789"))


_EP_YEARS = [*range(78, 100), *range(0, _YEAR_NOW % 100 + 1)]


@fuzz
@given(st.sampled_from(["EP", "CN", "DE"]), st.integers(0, 99_999_999))
def test_wrong_check_digit_message_names_the_right_one(office, n):
    if office == "EP":
        number = f"{_EP_YEARS[n % len(_EP_YEARS)]:02d}{n % 1_000_000:06d}"
        right = ep_check_digit(number)
    elif office == "CN":
        number = f"{2003 + n % 20}1{n % 10_000_000:07d}"
        right = cn_check_digit(number)
    else:
        number = f"10{2004 + n % 20}{n % 1_000_000:06d}"
        right = de_check_digit(number)
        if right is None:
            return
    wrong = "0" if right != "0" else "1"
    with pytest.raises(InvalidNumber) as caught:
        normalise(f"{office}{number}.{wrong}")
    assert "check digit is wrong" in str(caught.value)
    assert f"check digit {right}," in str(caught.value)


# ---------------------------------------------------------------------------------------------
# Issue 13: EPO forms in and out, every reading, file names, messages, no silent bugs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "key", "display"),
    [
        # the numbers the issue found refused or misread
        ("US20130926335", "application", "US13926335", "US 13/926,335"),
        ("JP20150536789", None, "JP2015536789", "JP 2015-536789"),
        ("GB20120018345", None, "GB1218345", "GB 1218345"),
        ("GB201218345", None, "GB1218345", "GB 1218345"),
        ("CN201380062258A", None, "CN201380062258", "CN 201380062258.8"),
        # DOCDB/EPODOC application numbers carry an application kind
        ("US.202563753186.P", None, "US63753186", "US 63/753,186"),
        ("US202563753186P", "priority", "US63753186", "US 63/753,186"),
        ("DK.19702186.T", "application", "DK19702186", "DK 19702186"),
        ("CA20112744162", "application", "CA2744162", "CA 2,744,162"),
        ("AU20240265697", None, "AU2024265697", "AU 2024265697"),
    ],
)
def test_epo_forms_the_issue_found_refused_are_read(text, kind, key, display):
    number = normalise(text, kind=kind)
    assert (number.key, number.display) == (key, display)
    assert key in [n.key for n in numbers.readings(text)]


def test_an_ambiguous_epodoc_form_has_every_reading():
    found = numbers.readings("US20130926335")
    # the series-less EPODOC form of US 13/926,335 first (no year had 926,335 pre-grant
    # publications), then the next series of that year, then the pre-grant publication shape
    assert [(n.kind, n.key) for n in found] == [
        ("application", "US13926335"),
        ("application", "US14926335"),
        ("application", "US61926335"),  # a provisional of 2013, had the text no kind letter
        ("publication", "US20130926335"),
    ]
    assert found[0].docdb == "US.201313926335.A"
    assert found[0].epodoc == "US201313926335"
    assert [n.kind for n in numbers.readings("US20130926335", kind="publication")] == [
        "publication"
    ]
    assert numbers.readings("US2013/0123456") == [normalise("US2013/0123456")]


def test_readings_of_a_bare_number_list_every_office_that_fits():
    found = numbers.readings("1020080107376")
    assert found[0] == normalise("1020080107376")
    assert [(n.office, n.kind) for n in found] == [("KR", "application"), ("KR", "publication")]
    found = numbers.readings("20 2012 012 345.9")
    assert found[0].office == "DE"
    with pytest.raises(InvalidNumber, match="no digits"):
        numbers.readings("no number here")


def test_epo_forms_out():
    # PCT in EPODOC keeps a 5-digit serial (OPS Reference Guide: PCT/IB2008/012345 -> WO2008IB12345)
    assert normalise("PCT/IB2008/012345").epodoc == "WO2008IB12345"
    assert normalise("PCT/US2013/000123").epodoc == "WO2013US00123"
    assert normalise("PCT/US2013/064552").docdb == "US.2013064552.W"
    assert normalise("PCT/GB02/04635").docdb == "GB.0204635.W"  # before 2004: YY + 5 digits
    # US: DOCDB serial + 2-digit year up to 2010, year + series + serial from 2011
    old = normalise("US 12/879,515", filed=datetime.date(2010, 9, 10))
    assert (old.docdb, old.epodoc) == ("US.87951510.A", "US20100879515")
    new = normalise("US 13/167,395", filed=datetime.date(2011, 6, 23))
    assert (new.docdb, new.epodoc) == ("US.201113167395.A", "US201113167395")
    # no filing year, no derived form: None, never a guess
    assert normalise("US 13/167,395").docdb is None
    assert normalise("CA 2,744,162", kind="application").epodoc is None
    # CA, AU, GB, JP carry the filing year in EPODOC
    assert normalise("CA 2744162", filed=datetime.date(2011, 6, 23)).epodoc == "CA20112744162"
    assert normalise("AU 2024265697").epodoc == "AU20240265697"
    assert normalise("GB 2306615.2").epodoc == "GB20230006615"
    assert normalise("JP 2015-536789").epodoc == "JP20150536789"
    # EPODOC publication numbers with a one-letter kind: read, kept, no DOCDB guessed from it
    granted = normalise("JP4961043B")
    assert (granted.key, granted.kind_code, granted.docdb, granted.epodoc) == (
        "JP4961043",
        "B",
        None,
        "JP4961043B",
    )
    assert normalise("JP2000177507A").docdb == "JP.2000177507.A"  # A is the whole kind code


def test_the_check_digit_the_office_gave_is_displayed():
    assert normalise("GB1218345.6").display == "GB 1218345.6"
    assert normalise("GB1218345.6").key == normalise("GB1218345").key == "GB1218345"
    assert normalise("GB 1218345").display == "GB 1218345"  # none invented
    assert normalise("DK 19702186.8").display == "DK 19702186.8"


@pytest.mark.parametrize(
    ("text", "file_name"),
    [
        ("PCT/US2013/064552", "PCT-US2013-064552"),
        ("EP13844704", "EP13844704.0"),
        ("GB1218345.6", "GB1218345.6"),
        ("US 13/926,335", "US13-926335"),
        ("US 8,131,731 B2", "US8131731B2"),
        ("JP 2013-123456", "JP2013-123456"),
        ("DE 10 2007 004 488", "DE102007004488.9"),
        ("KR 10-2008-0107376", "KR10-2008-0107376"),
    ],
)
def test_file_names_come_from_the_display_form(text, file_name):
    number = normalise(text)
    assert numbers.file_name_form(number) == file_name
    assert numbers.file_name_form(number.display) == file_name
    assert re.fullmatch(r"[A-Za-z0-9.-]+", file_name)


@pytest.mark.parametrize(
    ("text", "kwargs", "said", "not_said"),
    [
        ("this is not a number", {}, "is not a patent number: it has no digits", "only digits"),
        ("XX 123456", {}, "‘XX’ is not an office code we know", "ST.3"),
        ("QQ12345", {}, "‘QQ’ is not an office code we know", "ST.3"),
        ("123456", {"office": "XY"}, "‘XY’ is not an office code we know", "ST.3"),
        ("TH 12a45", {}, "a TH number is made of digits", "only digits were expected"),
    ],
)
def test_messages_a_person_understands(text, kwargs, said, not_said):
    with pytest.raises(InvalidNumber) as caught:
        normalise(text, **kwargs)
    assert said in str(caught.value)
    assert not_said not in str(caught.value)


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def parser_errors():
    handler = _Errors()
    log = logging.getLogger("dossiers.numbers")
    log.addHandler(handler)
    try:
        yield handler.records
    finally:
        log.removeHandler(handler)


def test_a_bug_in_the_parser_is_logged_not_swallowed(monkeypatch, parser_errors):
    def broken(*args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(numbers.core, "_normalise", broken)
    with pytest.raises(InvalidNumber, match="could not be read"):
        normalise("EP 13844704")
    assert len(parser_errors) == 1
    assert parser_errors[0].exc_info[0] is ZeroDivisionError


_FUZZ_ERRORS = _Errors()
logging.getLogger("dossiers.numbers").addHandler(_FUZZ_ERRORS)


@fuzz
@given(st.one_of(st.text(max_size=60), near_text), options)
def test_fuzzed_text_never_logs_a_parser_bug(text, kwargs):
    # the public functions, as callers use them: a bug would be logged (and turned into
    # InvalidNumber for the user); this run fails on any such log
    before = len(_FUZZ_ERRORS.records)
    for call in (normalise, numbers.readings):
        try:
            found = call(text, **kwargs)
        except InvalidNumber:
            continue
        for number in found if isinstance(found, list) else [found]:
            assert re.fullmatch(r"[A-Za-z0-9.-]+", numbers.file_name_form(number))
    assert len(_FUZZ_ERRORS.records) == before, _FUZZ_ERRORS.records[before:]


# Real WO publications of 2003 written with a two-digit year and six digits, as Espacenet shows
# them (the serials passed 99999 in 2002) and as PatZilla's tests list them from production:
# https://github.com/ip-tools/patzilla/blob/35efe9110cc75cfdecd309e9f6e2cd6e1338cb54/
# tests/util/test_numbers_normalize.py
@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("WO 03043359", "WO2003043359", "WO 2003/043359"),
        ("WO 03107520", "WO2003107520", "WO 2003/107520"),
        ("WO03107732", "WO2003107732", "WO 2003/107732"),
        ("WO03063424A2", "WO2003063424", "WO 2003/063424 A2"),
        ("WO03065003A2", "WO2003065003", "WO 2003/065003 A2"),
    ],
)
def test_wo_two_digit_year_and_six_digits(typed, key, display):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("publication", key, display)
    # the parser's own EPODOC form of it (WO03107732) reads back to the same key
    assert normalise(number.epodoc).key == key


# Old JP publications as Espacenet and OPS write them: era, two-digit year, serial without
# leading zeros.  PatZilla's tests and notes ("JP58002167U, which OPS will only accept as
# JPS582167U"; JP08007001AA -> JPH087001A; JPH0229970B2; JPS602468B2; JPS5647318A):
# https://github.com/ip-tools/patzilla/blob/35efe9110cc75cfdecd309e9f6e2cd6e1338cb54/
# patzilla/util/numbers/normalize.py and tests/util/test_numbers_normalize.py
@pytest.mark.parametrize(
    ("typed", "key", "display", "epodoc"),
    [
        ("JPS582167U", "JPS58002167", "JP S58-002167 U", "JPS582167"),
        ("JP58002167U", "JPS58002167", "JP S58-002167 U", "JPS582167"),
        ("JPH087001A", "JPH08007001", "JP H08-007001 A", "JPH087001"),
        ("JPH0229970B2", "JPH02029970", "JP H02-029970 B2", "JPH0229970"),
        ("JPS602468B2", "JPS60002468", "JP S60-002468 B2", "JPS602468"),
        ("JPS5647318A", "JPS56047318", "JP S56-047318 A", "JPS5647318"),
        ("JPH11195384A", "JPH11195384", "JP H11-195384 A", "JPH11195384"),
    ],
)
def test_jp_era_publications_in_espacenet_form(typed, key, display, epodoc):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("publication", key, display)
    assert number.epodoc == epodoc
    assert number.docdb == f"JP.{epodoc[2:]}.{number.kind_code}"
    assert normalise(number.docdb, kind="publication").key == key


# DE publications as DEPATISnet pads them (8 or 12 digits) and patents up to 1957 (six digits
# or fewer), from PatZilla's tests ("from archive", "German kindcode fixes"):
# https://github.com/ip-tools/patzilla/blob/35efe9110cc75cfdecd309e9f6e2cd6e1338cb54/
# tests/util/test_numbers_normalize.py
@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("DE000019958011A1", "DE19958011", "DE 199 58 011 A1"),
        ("DE000060018002T2", "DE60018002", "DE 600 18 002 T2"),
        ("DE000004240017A1", "DE4240017", "DE 42 40 017 A1"),
        ("DE09422010U1", "DE9422010", "DE 94 22 010 U1"),
        ("DE00694003T1", "DE694003", "DE 694003 T1"),
        ("DE466541A", "DE466541", "DE 466541 A"),
        ("DE000000121107A", "DE121107", "DE 121107 A"),
    ],
)
def test_de_depatisnet_padding_and_old_patents(typed, key, display):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("publication", key, display)
    assert format_display(key, kind="publication", kind_code=number.kind_code) == display


# Publication numbers as DEPATISnet gives them, zero-padded to 12 digits ("DEPATISnet started
# delivering application publication numbers in 5+7 format with a leading zero after the country,
# e.g. US000006166174A, US020170285092A1"), from PatZilla's tests:
# https://github.com/ip-tools/patzilla/blob/35efe9110cc75cfdecd309e9f6e2cd6e1338cb54/
# tests/util/test_numbers_normalize.py
@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("US020170285092A1", "US20170285092", "US 2017/0285092 A1"),
        ("US000006166174A", "US6166174", "US 6,166,174 A"),
        ("JP002011251389A", "JP2011251389", "JP 2011-251389 A"),
        ("WO002006095001A1", "WO2006095001", "WO 2006/095001 A1"),
        ("WO002004096013A2", "WO2004096013", "WO 2004/096013 A2"),
        ("WO002000066014A1", "WO2000066014", "WO 2000/066014 A1"),
        ("FR000002853021A1", "FR2853021", "FR 2853021 A1"),
        ("FR000002876313A1", "FR2876313", "FR 2876313 A1"),
    ],
)
def test_depatisnet_twelve_digit_padding(typed, key, display):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("publication", key, display)


# SG numbers end in a check letter, which Espacenet glues to the kind code (SG11201803052QA): a
# family as an inventor lists it ("CN 106598965 A、EP3364309A1、JP2018537760A、SG11201803052QA、
# KR1020180069869A"), https://github.com/yangzhou04/Yann-Zhou-s-Specified-Experiences/blob/
# 58da8b52a7968eb172c6aaff5cd8ce2637d0da5a/README.md, and IPOS's old form "appnum:
# 200507268-1" quoted in PatZilla's tests,
# https://github.com/ip-tools/patzilla/blob/35efe9110cc75cfdecd309e9f6e2cd6e1338cb54/
# tests/util/test_numbers_normalize.py
@pytest.mark.parametrize(
    ("typed", "kind", "display", "docdb"),
    [
        ("SG11201803052QA", "publication", "SG 11201803052Q A", "SG.11201803052Q.A"),
        ("SG 11201803052Q A", "publication", "SG 11201803052Q A", "SG.11201803052Q.A"),
        ("SG 11201803052Q", "application", "SG 11201803052Q", None),
        ("SG 11201803052", "application", "SG 11201803052", None),
    ],
)
def test_sg_check_letter_is_not_a_kind_code(typed, kind, display, docdb):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == (kind, "SG11201803052", display)
    assert number.docdb == docdb
    assert number.kind_code == ("A" if kind == "publication" else None)


def test_sg_old_application_with_check_digit():
    number = normalise("SG 200507268-1")
    assert (number.kind, number.key, number.display) == (
        "application",
        "SG200507268",
        "SG 200507268-1",
    )
    assert [r.key for r in numbers.readings("SG 200507268-1")] == ["SG200507268"]


# Google Patents' publication_number form (BigQuery, patents.google.com exports): office, number
# and kind code joined by hyphens.  From google/patents-public-data at
# d3d08a00e41e411be11b8a1394dd6d84f1312463: examples/BERT_For_Patents.ipynb (US-8000000-B2,
# US-2009030261-A1), models/landscaping/LandscapeNotebook.ipynb (JP-H0198729-A) and
# "tables/dataset_Google Patents Public Datasets.md" (the others).
@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("US-8000000-B2", "US8000000", "US 8,000,000 B2"),
        ("US-2009030261-A1", "US20090030261", "US 2009/0030261 A1"),
        ("JP-H0198729-A", "JPH01098729", "JP H01-098729 A"),
        ("WO-02059635-A2", "WO2002059635", "WO 2002/059635 A2"),
        ("KR-100399752-B1", "KR100399752", "KR 10-0399752 B1"),
        ("DE-102009053732-A1", "DE102009053732", "DE 10 2009 053 732 A1"),
        ("CN-101356232-B", "CN101356232", "CN 101356232 B"),
        ("EP-0155950-A4", "EP0155950", "EP 0155950 A4"),
        ("CA-1024991-A1", "CA1024991", "CA 1,024,991 A1"),
    ],
)
def test_google_patents_publication_number(typed, key, display):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("publication", key, display)


# Older GB and FR patents, with six digits or fewer.  Google Patents' list in
# google/patents-public-data at d3d08a00e41e411be11b8a1394dd6d84f1312463,
# "tables/dataset_Google Patents Public Datasets.md".
@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("GB-991033-A", "GB991033", "GB 991033 A"),
        ("GB-112934-A", "GB112934", "GB 112934 A"),
        ("FR-346608-A", "FR346608", "FR 346608 A"),
        ("FR-995148-A", "FR995148", "FR 995148 A"),
    ],
)
def test_older_short_publications(typed, key, display):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("publication", key, display)
    assert format_display(key, kind="publication", kind_code=number.kind_code) == display


# KR publications numbered by year before the type codes (90-0004490 B1).  Google Patents' list
# in google/patents-public-data at d3d08a00e41e411be11b8a1394dd6d84f1312463,
# "tables/dataset_Google Patents Public Datasets.md".
@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("KR-900004490-B1", "KR900004490", "KR 90-0004490 B1"),
        ("KR-950032887-U", "KR950032887", "KR 95-0032887 U"),
        ("KR-890000191-Y1", "KR890000191", "KR 89-0000191 Y1"),
    ],
)
def test_kr_publications_numbered_by_year(typed, key, display):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("publication", key, display)
    assert format_display(key, kind="publication", kind_code=number.kind_code) == display


# Google Patents gives PCT applications with kind W (as DOCDB does): google/patents-public-data
# at d3d08a00e41e411be11b8a1394dd6d84f1312463, "tables/dataset_Google Patents Public Datasets.md".
@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("US-2011045025-W", "WO2011US045025", "PCT/US2011/045025"),
        ("GB-0103139-W", "WO2001GB003139", "PCT/GB2001/003139"),
        ("AT-9200167-W", "WO1992AT000167", "PCT/AT1992/000167"),
        ("FR-2012053090-W", "WO2012FR053090", "PCT/FR2012/053090"),
        ("IN-2006000486-W", "WO2006IN000486", "PCT/IN2006/000486"),
    ],
)
def test_google_patents_pct_application(typed, key, display):
    number = normalise(typed)
    assert (number.kind, number.key, number.display) == ("pct", key, display)
    assert number.docdb == typed.replace("-", ".")


def test_tw_publication_has_its_epo_forms():
    # OPS gives TW.200928818.A / TW200928818 (corpus, TestPublished.test_get_family_from_result);
    # TW202026975A is from the inventor's list cited above for SG11201803052QA.
    for typed, number in [("TW 200928818 A", "200928818"), ("TW202026975A", "202026975")]:
        read = normalise(typed)
        assert (read.kind, read.docdb, read.epodoc) == (
            "publication",
            f"TW.{number}.A",
            f"TW{number}",
        )


def test_us_pregrant_publication_as_the_uspto_writes_it():
    # USPTO Open Data Portal, earliestPublicationNumber "US 2014-0167116 A1" (its API spec):
    # https://github.com/parkerhancock/patent-client-agents/blob/
    # 7997da358a42d569a67a1909c46a71beeeeb470d/resources/uspto/uspto_odp_swagger.yaml
    number = normalise("US 2014-0167116 A1")
    assert (number.kind, number.key, number.display) == (
        "publication",
        "US20140167116",
        "US 2014/0167116 A1",
    )
