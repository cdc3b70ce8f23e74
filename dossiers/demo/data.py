"""The demo's data: the spec shapes (family, member, report, citation) and the tables they draw
on (applicants, offices, report kinds and literature read from vocabulary.json; which office
searches and when each kind is issued). Pure data; the subjects of the inventions are in
data_subjects.py, the families are drawn from both by family_specs.py.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Application, Document

SEED = 20131011
D = dt.date
Status = Application.Status
Cat = Document.Category
TODAY = D(2026, 11, 1)  # the demo's "now": nothing is dated later

# --------------------------------------------------------------------------------------------
# Specs
# --------------------------------------------------------------------------------------------


@dataclass
class Cite:
    display: str = ""  # a publication number with kind code, or "" for NPL
    npl: str = ""
    owner: str = ""
    pub_date: dt.date | None = None
    weight: int = 0  # 0 strongest: tends to be X, then Y, then A


@dataclass
class Report:
    kind: str  # key of REPORT_KINDS
    date: dt.date
    cites: list[tuple[Cite, str, str]] = field(default_factory=list)  # (cite, category, claims)
    length: int = 1  # 1-3: how many examiner paragraphs per section (drives the page count)


@dataclass
class Member:
    office: str
    number: str
    filed: dt.date
    status: str = Status.PUBLISHED
    published: bool = True
    priorities: list[tuple[str, str, dt.date]] = field(default_factory=list)
    publications: list[tuple[str, dt.date]] = field(default_factory=list)
    pct: str | None = None
    reports: list[Report] = field(default_factory=list)


@dataclass
class Subject:
    title: str
    noun: str
    features: tuple[str, str, str]
    ipc: str


@dataclass
class FamilySpec:
    subject: Subject
    applicants: list[str]
    members: list[Member]
    claims: int = 15
    second_independent: int = 12
    art: list[Cite] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Vocabulary: names, addresses, report kinds and literature, kept as data in vocabulary.json
# --------------------------------------------------------------------------------------------

_VOCABULARY = json.loads(Path(__file__).with_name("vocabulary.json").read_text(encoding="utf-8"))
# office: applicant names
APPLICANTS: dict[str, list[str]] = _VOCABULARY["applicants"]
# office: (address line, place of signature, examiners)
OFFICE_INFO: dict[str, tuple[str, str, list[str]]] = {
    code: (o["address"], o["place"], o["examiners"]) for code, o in _VOCABULARY["offices"].items()
}
# kind: (category, office code, form reference, title, language)
REPORT_KINDS: dict[str, tuple[str, str, str, str, str]] = {
    kind: (Cat(k["category"]), k["code"], k["form"], k["title"], k["language"])
    for kind, k in _VOCABULARY["report_kinds"].items()
}
LANGUAGE_NOTES: dict[str, str] = _VOCABULARY["language_notes"]
NPL_SOURCES: list[str] = _VOCABULARY["npl_sources"]
NPL_AUTHORS: list[str] = _VOCABULARY["npl_authors"]


# --------------------------------------------------------------------------------------------
# Which office searches and reports, and when
# --------------------------------------------------------------------------------------------

ISA_FOR = {
    "US": ["US", "US", "EP", "KR"],
    "JP": ["JP"],
    "KR": ["KR"],
    "CN": ["CN"],
    "GB": ["EP"],
    "DE": ["EP"],
    "AU": ["AU", "EP"],
    "CA": ["CA", "US"],
}
RO_FOR = {"DE": "EP"}
NATIONAL_KINDS = {
    # office: report kinds, in the order they are issued
    "US": ["ctnf", "ctfr"],
    "EP": ["eesr", "eso", "ep94"],
    "JP": ["jp_nr"],
    "KR": ["kr_npr"],
    "CN": ["cn_oa1"],
    "AU": ["au_exr"],
    "CA": ["ca_req"],
    "GB": ["gb_s17", "gb_s18"],
    "IL": ["il_exr"],
    "NZ": ["nz_fer"],
    "SG": ["sg_sr", "sg_wo"],
    "IN": ["in_fer"],
    "BR": ["br_pt"],
}
# Days after filing (or national entry) when each kind is issued.
KIND_DELAY = {
    "isr": 100,
    "wo_isa": 100,
    "eesr": 240,
    "seesr": 200,
    "eso": 240,
    "ep94": 700,
    "ctnf": 620,
    "ctfr": 830,
    "jp_nr": 760,
    "kr_npr": 540,
    "cn_oa1": 560,
    "cn_sr": 540,
    "au_exr": 560,
    "ca_req": 900,
    "gb_s17": 150,
    "gb_s18": 700,
    "il_exr": 1100,
    "nz_fer": 420,
    "sg_sr": 500,
    "sg_wo": 500,
    "in_fer": 1200,
    "br_pt": 1600,
}
