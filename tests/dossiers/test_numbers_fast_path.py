"""The ASCII fast path of the number parser's cleaning step reads exactly as the full one.

`dossiers.numbers._clean` skips Unicode normalisation and the word substitutions for plain ASCII
text whose letter runs cannot be words ("US 13/926,335", "CA3200001", "EP.13844704.A"). These
tests read a broad sample both ways, through the whole parser (`numbers._normalise`): the same
PatentNumber, or the same refusal with the same message.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import pathlib
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossiers import numbers
from dossiers.numbers import _clean as clean_module
from dossiers.numbers import core
from tests.dossiers.test_numbers import _OFFICES, APPLICATION_GROUPS, fuzz, near_text, options

CORPUS = pathlib.Path(__file__).parent / "data" / "number_corpus.csv"
KINDS = (None, *numbers.KINDS)
# Text the fast path takes and text it must hand on: office words, noise words, U.S., S/N, NO.
TRICKY = [
    "US 13/926,335", "us13926335", "CA 3,200,001", "ca 3 200 001", "3,200,001", "US 61/200,001",
    "US61200001", "PCT/US2013/064552", "PCT/US13/1", "WO2013US064552", "EP.13844704.A",
    "US.201113167395.A", "CA 2123456 A1", "CA2123456C", "JP4961043B", "EP-A-0 843 156",
    "U.S. Pat. No. 8,131,731", "U.S. 8131731", "Appl. No. 13/926,335", "S/N 13/926,335",
    "Serial No: 13/926,335", "US No. 8131731", "NO 20121234", "NO. 123", "UK 1234567",
    "GB 1218345.6", "EPO 13844704", "Patent 8,131,731", "pat 8131731", "#8131731", "(8131731)",
    "US 8,131,731 B2;", "US\t8131731\x00", "DE 10 2007 004 488.9", "JP H11-123456",
    "KR 10-2008-0107376", "CN 201380062258.8", "AU PN1234", "IN 1234/DEL/2013", "BR PI 0612345",
    "TWI123456", "USRE45123", "USD654321", "JPH11123456", "AU 12345/95", "12569640", "  :EP 1:  ",
    "EP1234567A1_", "EP 1234567 A1 ü", "US 13/926,335 – A", "8131731", "", " ", "A", "PCT",
    "Nº 8131731", "NR 5", "app 5", "intl PCT/US2013/064552", "RE45,123", "D654,321", "PP12,345",
]  # fmt: skip


def _corpus_texts() -> list[str]:
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [row[form] for row in rows for form in ("original", "docdb", "epodoc") if row[form]]


def _outcome(text, office, kind, filed):
    try:
        return numbers._normalise(text, office, kind, filed)
    except numbers.InvalidNumber as exc:
        return ("refused", str(exc))


def _both_ways(monkeypatch, text, office=None, kind=None, filed=None):
    fast = _outcome(text, office, kind, filed)
    with monkeypatch.context() as m:
        m.setattr(core, "_clean", clean_module._clean_full)
        full = _outcome(text, office, kind, filed)
    return fast, full


def _same(fast, full) -> None:
    assert fast == full
    if isinstance(fast, numbers.PatentNumber):  # `alternatives` is left out of ==
        assert fast.alternatives == full.alternatives


def test_the_fast_path_is_taken_for_plain_spellings():
    # Not a test that cannot fail: if every text fell through to the full path, the comparisons
    # below would prove nothing about the fast one.
    taken = [t for t in TRICKY if clean_module._clean_fast(t) is not None]
    assert clean_module._clean_fast("CA 3,200,001") == ("CA 3,200,001", {})
    assert clean_module._clean_fast("us13926335") == ("US13926335", {})
    assert clean_module._clean_fast("U.S. Pat. No. 8,131,731") is None
    assert clean_module._clean_fast("NO 20121234") is None
    assert clean_module._clean_fast("EP 1234567 A1 ü") is None
    assert len(taken) > 30
    corpus = _corpus_texts()
    assert sum(clean_module._clean_fast(t) is not None for t in corpus) > 0.9 * len(corpus)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_read_the_same(monkeypatch, text):
    for office, kind in itertools.product((None, "US", "CA", "NO", "GB", "WO"), KINDS):
        _same(*_both_ways(monkeypatch, text, office, kind))


def test_every_corpus_form_and_every_spelling_reads_the_same(monkeypatch):
    spellings = [t for group in APPLICATION_GROUPS for t in group.values[0]]
    texts = _corpus_texts() + spellings
    assert len(texts) > 900
    filed = datetime.date(2013, 6, 26)
    for text in texts:
        for office, kind in ((None, None), (None, "application"), ("US", "publication")):
            _same(*_both_ways(monkeypatch, text, office, kind, filed))
        assert clean_module._clean(text) == clean_module._clean_full(text)


_ASCII = string.ascii_letters + string.digits + " ./,-:;#()'\"_\t\x00" + "USNOPAT" * 3


@fuzz
@given(st.text(alphabet=_ASCII, max_size=30), st.sampled_from(_OFFICES), st.sampled_from(KINDS))
def test_fuzzed_ascii_reads_the_same(text, office, kind):
    with pytest.MonkeyPatch.context() as m:
        _same(*_both_ways(m, text, office, kind))


@fuzz
@given(near_text, options)
def test_fuzzed_number_like_text_reads_the_same(text, kwargs):
    with pytest.MonkeyPatch.context() as m:
        _same(*_both_ways(m, text, kwargs["office"], kwargs["kind"], kwargs["filed"]))
