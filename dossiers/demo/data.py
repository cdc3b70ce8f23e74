"""The demo's data: the spec shapes (family, member, report, citation) and the tables they draw
on (applicants, offices, report kinds from report_kinds.json, when each kind is issued). Pure
data; the subjects of the inventions are in data_subjects.py, the families are drawn from both
by family_specs.py.
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
# Vocabulary
# --------------------------------------------------------------------------------------------

APPLICANTS = {
    "US": [
        "Northwind Energy Systems, Inc.",
        "Kestrel Medical Devices LLC",
        "Bluefield Wireless Corporation",
        "Halcyon Therapeutics, Inc.",
        "Ridgeline Semiconductor Corp.",
        "Quarry Lake Robotics, Inc.",
        "Sable Creek Biologics LLC",
        "Ironbridge Aerospace Corporation",
        "Marlowe Payment Technologies, Inc.",
        "Cedar Hollow Instruments, Inc.",
    ],
    "JP": [
        "Hoshino Precision Industries, Ltd.",
        "Aoyama Electric Co., Ltd.",
        "Kitamura Chemical Corporation",
        "Shirakawa Motor Co., Ltd.",
        "Mizuhara Optical Co., Ltd.",
        "Tsukuda Steel Corporation",
    ],
    "KR": [
        "Daehan Semiconductor Co., Ltd.",
        "Hanbit Electronics Co., Ltd.",
        "Seorin Telecom Corporation",
        "Mirae Display Co., Ltd.",
        "Geumgang Motors Co., Ltd.",
    ],
    "CN": [
        "Shenzhen Lianhua Technology Co., Ltd.",
        "Hangzhou Qingyun Communication Co., Ltd.",
        "Suzhou Ruida New Materials Co., Ltd.",
        "Chengdu Tianfu Pharmaceutical Co., Ltd.",
        "Ningbo Haiyue Appliances Co., Ltd.",
    ],
    "GB": [
        "Bellweather Pharmaceuticals plc",
        "Harrowgate Engineering Limited",
        "Pennine Optics Limited",
        "Thamesford Fintech Ltd",
    ],
    "DE": [
        "Rheinfeld Maschinenbau GmbH",
        "Albrecht Fahrzeugtechnik AG",
        "Kessler Medizintechnik GmbH",
        "Lindholm Chemie AG",
        "Vogtland Antriebe GmbH",
    ],
    "AU": [
        "Tasman Agritech Pty Ltd",
        "Southern Cross Minerals Pty Ltd",
        "Coral Coast Medical Pty Ltd",
    ],
    "CA": ["Laurentian Power Systems Inc.", "Maple Ridge Bioscience Inc."],
}

OFFICE_INFO = {
    # code: (address line, place of signature, examiners)
    "US": (
        "P.O. Box 1450, Alexandria, Virginia 22313-1450",
        "Alexandria, Virginia",
        ["Morgan T. Hale", "Priya Raman", "Daniel K. Osei", "Laura Chen-Whitaker"],
    ),
    "EP": (
        "Bob-van-Benthem-Platz 1, 80469 Munich, Germany",
        "Munich",
        ["Schmidt, Katrin", "Van der Berg, Lucas", "Moreau, Claire", "Lindqvist, Erik"],
    ),
    "JP": (
        "3-4-3 Kasumigaseki, Chiyoda-ku, Tokyo 100-8915",
        "Tokyo",
        ["Takeda Haruki", "Nishimura Aiko", "Ogawa Kenji"],
    ),
    "KR": (
        "189 Cheongsa-ro, Seo-gu, Daejeon 35208",
        "Daejeon",
        ["Park Ji-won", "Kim Min-seo", "Lee Dong-hyun"],
    ),
    "CN": (
        "No. 6 Xitucheng Road, Haidian District, Beijing 100088",
        "Beijing",
        ["Li Wei", "Zhang Min", "Wang Jing"],
    ),
    "AU": (
        "PO Box 200, Woden ACT 2606",
        "Canberra",
        ["Sarah McAllister", "Tom Nguyen", "Rebecca Hollis"],
    ),
    "CA": (
        "50 Victoria Street, Gatineau, Quebec K1A 0C9",
        "Gatineau, Quebec",
        ["Marc Tremblay", "Jennifer Singh"],
    ),
    "GB": (
        "Concept House, Cardiff Road, Newport NP10 8QQ",
        "Newport, South Wales",
        ["Dr Helen Price", "Gareth Evans"],
    ),
    "IL": ("Technology Park, Malha, Jerusalem 9695101", "Jerusalem", ["Noa Ben-David"]),
    "NZ": ("PO Box 9241, Wellington 6141", "Wellington", ["Aroha Wilson"]),
    "SG": ("1 Paya Lebar Link, Singapore 408533", "Singapore", ["Tan Wei Ming"]),
    "IN": (
        "Boudhik Sampada Bhawan, Dwarka, New Delhi 110075",
        "Chennai",
        ["R. Krishnamurthy", "Anjali Deshpande"],
    ),
    "BR": (
        "Rua Mayrink Veiga 9, Rio de Janeiro RJ 20090-910",
        "Rio de Janeiro",
        ["Ana Paula Ferreira"],
    ),
}

# kind: (category, office code, form reference, title, language); the table is report_kinds.json.
REPORT_KINDS: dict[str, tuple[str, str, str, str, str]] = {
    kind: (Cat(category), *rest)
    for kind, (category, *rest) in json.loads(
        Path(__file__).with_name("report_kinds.json").read_text(encoding="utf-8")
    ).items()
}

LANGUAGE_NOTES = {
    "ja": "Original in Japanese. Demo copy: English text, Japanese title romanised.",
    "ko": "Original in Korean. Demo copy: English text, Korean title romanised.",
    "zh": "Original in Chinese. Demo copy: English text, Chinese title romanised.",
}

NPL_SOURCES = [
    "Journal of Power Sources",
    "IEEE Transactions on Industrial Electronics",
    "Proceedings of the National Academy of Sciences",
    "3GPP TSG RAN WG1 Meeting #70, R1-123456",
    "Applied Physics Letters",
    "Journal of Medicinal Chemistry",
    "Wear",
    "Journal of Membrane Science",
    "Nature Biotechnology",
    "SAE Technical Paper 2011-01-0345",
]
NPL_AUTHORS = [
    "SMITH J ET AL",
    "MÜLLER A ET AL",
    "TANAKA H ET AL",
    "KIM S-H ET AL",
    "ZHOU L ET AL",
    "O'BRIEN P ET AL",
    "ROSSI M ET AL",
    "SINGH R ET AL",
]


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
