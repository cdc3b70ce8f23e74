"""Demo families: about 60 inventions filed at the demo offices, with real small PDF reports.

Deterministic (one seeded random.Random) and idempotent: applications go through
applications.application_upsert (idempotent on the canonical key) and are only touched when they
differ from the spec; a report is skipped when the application already has a live document of
the same category, code and date, or with the same sha256 (rendering is byte-for-byte stable).

Good numbers to try (any spelling reaches the same family):

* ``US 13/926,335``, ``PCT/US2013/064552``, ``EP13844704.0``, ``US201313926335`` -- a US
  battery-cooling invention (priority US 61/712,345), PCT national phases at EP, AU, CA, JP, KR,
  CN, IN, BR. Its AU member ``AU 2013334567`` has, in the family, a search report from the EP
  (EPO Form 1503) and one from the US (the ISR of the PCT application), plus its own AU report.
* ``2012-223456`` or ``JP2012223456`` -- a JP first filing with Paris-route members at US, EP, CN,
  KR and AU; ``AU 2013237890`` sees the EP extended search report.
* ``KR 10-2012-0139876`` -- the second Korean priority of a family that links two groups: a US
  application claiming only the first priority, a JP one claiming only the second, and
  ``PCT/KR2013/009123`` claiming both.
* ``GB1218345.6`` -- a UK first filing (Section 17 search report) with EP, US, AU, NZ, SG members.
* ``US 19/214,786`` -- filed 2025, not yet published: only US users see it (EP and PCT members are
  unpublished too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from offices.models import Office

from .. import numbers
from ..models import Application, Citation, Document
from ..services.applications import PriorityIn, PublicationIn, application_upsert
from ..services.documents import document_add
from . import report_pdfs as reports

SEED = 20131011
D = dt.date
Status = Application.Status
Cat = Document.Category

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

S = Subject
SUBJECTS = [
    S(
        "Thermal management system for a battery module",
        "battery module",
        (
            "a phase-change material disposed between adjacent cells",
            "a coolant channel formed in the base plate of the housing",
            "a controller that opens a bypass valve when the cell temperature exceeds a threshold",
        ),
        "H01M 10/613; H01M 10/6556; H01M 10/625",
    ),
    S(
        "Image stabilising actuator for a camera module",
        "camera actuator",
        (
            "a lens carrier suspended by four elastic wires",
            "a pair of Hall sensors facing magnets fixed to the carrier",
            "a driver that corrects tilt about two orthogonal axes",
        ),
        "G03B 5/00; H04N 23/68; G02B 27/64",
    ),
    S(
        "Method for transmitting uplink control information in a wireless communication system",
        "user equipment",
        (
            "multiplexing acknowledgement bits with channel state information on one resource",
            "selecting a physical uplink control channel format according to the payload size",
            "dropping periodic reports when the payload exceeds a configured maximum",
        ),
        "H04L 5/00; H04W 72/04; H04L 1/18",
    ),
    S(
        "Wind turbine blade with a segmented spar cap",
        "wind turbine blade",
        (
            "a spar cap made of pultruded carbon fibre planks",
            "a scarf joint bonding two blade segments",
            "a lightning receptor connected to a down conductor along the web",
        ),
        "F03D 1/06; B29C 70/52",
    ),
    S(
        "Anti-IL-23 antibodies and methods of treating inflammatory bowel disease",
        "antibody",
        (
            "a heavy chain variable region comprising the CDRs of SEQ ID NO: 1 to 3",
            "binding to the p19 subunit with a KD below 50 pM",
            "subcutaneous administration every eight weeks",
        ),
        "C07K 16/24; A61K 39/395; A61P 1/04",
    ),
    S(
        "Catheter with a steerable distal section",
        "catheter",
        (
            "a pull wire anchored to a ring electrode at the distal tip",
            "a braided shaft with a pitch that varies along its length",
            "an irrigation lumen opening through side ports",
        ),
        "A61M 25/01; A61B 18/14",
    ),
    S(
        "Process for producing a lithium iron phosphate cathode material",
        "cathode material",
        (
            "a carbon coating obtained by pyrolysis of a sugar precursor",
            "a primary particle size between 50 and 200 nm",
            "a calcination step under nitrogen at 650 to 750 degrees Celsius",
        ),
        "H01M 4/58; C01B 25/45",
    ),
    S(
        "Display device with an in-cell touch sensor",
        "display panel",
        (
            "common electrodes divided into blocks used as touch sensing electrodes",
            "time-division driving of display and touch periods",
            "a sensing line routed under the black matrix",
        ),
        "G06F 3/041; G02F 1/1333; G09G 3/36",
    ),
    S(
        "Herbicidal composition comprising a synergistic mixture",
        "herbicidal composition",
        (
            "a 4-hydroxyphenylpyruvate dioxygenase inhibitor",
            "a weight ratio of the two active ingredients between 1:5 and 5:1",
            "a safener selected from cloquintocet-mexyl and mefenpyr-diethyl",
        ),
        "A01N 43/80; A01P 13/02",
    ),
    S(
        "Vehicle seat with an adjustable lumbar support",
        "vehicle seat",
        (
            "an air bladder embedded in the backrest",
            "a pressure sensor feeding a closed-loop pump controller",
            "a massage mode cycling through inflation zones",
        ),
        "B60N 2/66; A47C 7/46",
    ),
    S(
        "Method of encoding video using adaptive loop filtering",
        "video encoder",
        (
            "classifying 4x4 blocks by gradient direction and activity",
            "signalling filter coefficients in an adaptation parameter set",
            "clipping the filter input to reduce ringing",
        ),
        "H04N 19/82; H04N 19/117; H04N 19/70",
    ),
    S(
        "Semiconductor device having a fin field-effect transistor",
        "semiconductor device",
        (
            "a fin with a silicon-germanium channel region",
            "a gate spacer comprising a low-k dielectric",
            "an epitaxial source/drain merged across adjacent fins",
        ),
        "H01L 29/78; H01L 29/66; H01L 21/8234",
    ),
    S(
        "Apparatus for purifying water by reverse osmosis",
        "water purifier",
        (
            "a recirculation line returning concentrate upstream of the membrane",
            "a flushing cycle triggered by a conductivity sensor",
            "a tankless design with a booster pump",
        ),
        "C02F 1/44; B01D 61/02; B01D 65/02",
    ),
    S(
        "Pharmaceutical formulation of a kinase inhibitor with improved bioavailability",
        "pharmaceutical formulation",
        (
            "an amorphous solid dispersion in hydroxypropyl methylcellulose acetate succinate",
            "a drug load between 20 and 40 percent by weight",
            "a tablet core with a disintegrant and a glidant",
        ),
        "A61K 9/14; A61K 31/506; A61K 47/38",
    ),
    S(
        "Robot cleaner and method of controlling the same",
        "robot cleaner",
        (
            "a lidar sensor mounted on a rotating turret",
            "a map divided into rooms by detecting door thresholds",
            "a suction power raised automatically on carpet",
        ),
        "A47L 9/28; G05D 1/02; A47L 11/40",
    ),
    S(
        "Hydraulic fracturing fluid comprising a degradable diverting agent",
        "fracturing fluid",
        (
            "polylactic acid particles with a bimodal size distribution",
            "a guar-based carrier crosslinked with borate",
            "degradation of the diverter within 72 hours at reservoir temperature",
        ),
        "C09K 8/68; C09K 8/516; E21B 43/26",
    ),
    S(
        "Secure element and method for contactless payment",
        "mobile device",
        (
            "a tokenised account number stored in a secure element",
            "a cryptogram generated per transaction from a limited-use key",
            "a user verification performed on the device before release of the token",
        ),
        "G06Q 20/32; G06Q 20/38; H04L 9/32",
    ),
    S(
        "Organic light-emitting diode with a tandem structure",
        "light-emitting device",
        (
            "two emitting units joined by a charge generation layer",
            "an n-type layer doped with lithium",
            "a blue fluorescent unit and a yellow-green phosphorescent unit",
        ),
        "H10K 50/19; H10K 50/13; H10K 85/60",
    ),
    S(
        "Aircraft landing gear with an electric taxi drive",
        "landing gear",
        (
            "an electric motor driving the wheel through a clutch",
            "a roller gear engaging a sprocket on the wheel hub",
            "a controller disengaging the drive above a taxi speed",
        ),
        "B64C 25/40; B64C 25/36",
    ),
    S(
        "Method for producing a high-strength galvanised steel sheet",
        "steel sheet",
        (
            "a composition containing 0.1 to 0.3 percent carbon and 1.5 to 3.0 percent manganese",
            "a microstructure with retained austenite above 8 percent",
            "annealing in a dual-phase region followed by austempering",
        ),
        "C21D 8/02; C22C 38/04; C23C 2/06",
    ),
    S(
        "Contact lens containing a silicone hydrogel",
        "contact lens",
        (
            "a hydrophilic polymer entrapped as an internal wetting agent",
            "an oxygen permeability above 100 barrer",
            "a surface treated by plasma oxidation",
        ),
        "G02B 1/04; C08F 290/06",
    ),
    S(
        "Power converter with soft switching",
        "power converter",
        (
            "a resonant tank formed by the leakage inductance of the transformer",
            "zero-voltage switching of both bridge legs",
            "a variable switching frequency set from the load current",
        ),
        "H02M 3/335; H02M 1/08",
    ),
    S(
        "Smart meter with tamper detection",
        "utility meter",
        (
            "a magnetic field sensor that records exposure to external magnets",
            "a cover switch logging each opening with a timestamp",
            "an alarm sent over a power line carrier",
        ),
        "G01R 22/06; G01D 4/00",
    ),
    S(
        "Food packaging film with an oxygen scavenging layer",
        "packaging film",
        (
            "an iron-based scavenger dispersed in a polyolefin",
            "an outer barrier layer of ethylene vinyl alcohol",
            "activation of the scavenger by moisture from the packaged food",
        ),
        "B32B 27/32; B65D 81/26",
    ),
    S(
        "Method for authenticating a user by voice biometrics",
        "authentication server",
        (
            "extracting an i-vector from an utterance",
            "a liveness check against replayed recordings",
            "a threshold adapted to background noise",
        ),
        "G10L 17/06; G06F 21/32",
    ),
    S(
        "Gas turbine combustor with staged fuel injection",
        "combustor",
        (
            "axially staged injectors downstream of the primary zone",
            "a premixing tube with swirl vanes",
            "cooling holes in the liner angled against the flow",
        ),
        "F23R 3/34; F23R 3/28; F02C 7/22",
    ),
    S(
        "Vaccine composition against respiratory syncytial virus",
        "vaccine composition",
        (
            "a prefusion-stabilised F protein",
            "an aluminium-free adjuvant comprising a saponin",
            "a single dose administered to adults over 60",
        ),
        "A61K 39/155; C07K 14/135; A61P 31/14",
    ),
    S(
        "Electric toothbrush with a pressure sensor",
        "electric toothbrush",
        (
            "a drive shaft supported by a strain-gauge mount",
            "a light ring signalling excessive pressure",
            "a brushing mode reduced in amplitude when pressure is detected",
        ),
        "A61C 17/22; A46B 15/00",
    ),
    S(
        "Method for controlling an automatic transmission",
        "transmission controller",
        (
            "predicting a shift from navigation data",
            "a clutch-to-clutch shift with torque phase compensation",
            "learning the clutch fill pressure during coasting",
        ),
        "F16H 61/04; F16H 59/66",
    ),
    S(
        "System for monitoring crop health from aerial images",
        "crop monitoring system",
        (
            "a multispectral camera on an unmanned aircraft",
            "a normalised difference vegetation index computed per management zone",
            "a prescription map for variable-rate fertilising",
        ),
        "G06V 20/17; A01B 79/00; G06T 7/00",
    ),
    S(
        "Hearing aid with binaural noise reduction",
        "hearing aid",
        (
            "a wireless link exchanging microphone signals between the ears",
            "a beamformer steered towards the frontal speaker",
            "a post-filter preserving interaural level differences",
        ),
        "H04R 25/00; H04R 25/55",
    ),
    S(
        "Modular building panel with an integrated insulation core",
        "building panel",
        (
            "a polyisocyanurate core bonded between steel skins",
            "a tongue-and-groove joint with a thermal break",
            "concealed fixings through the joint",
        ),
        "E04C 2/292; E04B 1/61",
    ),
    S(
        "Method for detecting a network intrusion using machine learning",
        "intrusion detection system",
        (
            "features computed over sliding windows of flow records",
            "an autoencoder trained on benign traffic only",
            "an alert raised when the reconstruction error exceeds a percentile",
        ),
        "H04L 9/40; G06N 3/08",
    ),
    S(
        "Coffee machine with a milk frothing device",
        "beverage machine",
        (
            "a steam wand with a temperature probe",
            "an air inlet valve adjusting the foam texture",
            "a cleaning cycle purging milk residue after each use",
        ),
        "A47J 31/44; A47J 31/46",
    ),
    S(
        "Polymer electrolyte membrane for a fuel cell",
        "electrolyte membrane",
        (
            "a perfluorosulfonic acid ionomer reinforced by an expanded PTFE web",
            "a cerium radical scavenger",
            "a thickness between 8 and 15 micrometres",
        ),
        "H01M 8/1051; H01M 8/1062",
    ),
    S(
        "Knee prosthesis with a mobile bearing insert",
        "knee prosthesis",
        (
            "a polyethylene insert rotating on a tibial tray",
            "a post-cam mechanism substituting the posterior cruciate ligament",
            "a femoral component with a gradually reducing radius",
        ),
        "A61F 2/38",
    ),
    S(
        "Method and device for dynamic spectrum sharing",
        "base station",
        (
            "rate matching around the reference signals of the other technology",
            "a scheduler splitting resources per subframe",
            "signalling of blank symbols in system information",
        ),
        "H04W 16/14; H04W 72/04",
    ),
    S(
        "Washing machine with an automatic detergent dosing system",
        "washing machine",
        (
            "a bulk reservoir with a peristaltic pump",
            "a turbidity sensor estimating the soil level",
            "a dose adjusted to water hardness",
        ),
        "D06F 34/02; D06F 39/02",
    ),
    S(
        "Agricultural harvester with a header height control",
        "harvester",
        (
            "ultrasonic sensors ahead of the cutter bar",
            "a hydraulic accumulator damping the lift cylinders",
            "a lateral tilt follow mode",
        ),
        "A01D 41/14; A01D 41/127",
    ),
    S(
        "Method of manufacturing a turbine blade by additive manufacturing",
        "turbine blade",
        (
            "laser powder-bed fusion of a nickel superalloy",
            "internal cooling passages with a lattice structure",
            "hot isostatic pressing after building",
        ),
        "B22F 10/28; F01D 5/18; B33Y 80/00",
    ),
    S(
        "Smart lock with a fingerprint reader",
        "door lock",
        (
            "a capacitive fingerprint sensor in the handle",
            "a motor-driven latch with a manual override",
            "a low-battery warning shown on an LED ring",
        ),
        "E05B 47/00; G07C 9/00",
    ),
    S(
        "Method for recycling rare earth magnets",
        "recycling process",
        (
            "hydrogen decrepitation of used magnets",
            "sieving to remove the nickel coating",
            "re-sintering with added neodymium hydride",
        ),
        "C22B 7/00; H01F 41/02; C22B 59/00",
    ),
    S(
        "Infusion pump with occlusion detection",
        "infusion pump",
        (
            "a force sensor on the pumping finger",
            "an algorithm comparing pressure slope with flow rate",
            "an alarm escalated when the occlusion persists",
        ),
        "A61M 5/168; A61M 5/142",
    ),
    S(
        "Method for estimating the state of charge of a battery",
        "battery management system",
        (
            "an extended Kalman filter on an equivalent circuit model",
            "temperature-dependent model parameters",
            "resetting the estimate from open-circuit voltage after rest",
        ),
        "G01R 31/367; H01M 10/48; B60L 58/12",
    ),
    S(
        "Drone with foldable arms",
        "unmanned aerial vehicle",
        (
            "arms pivoting about inclined hinge axes",
            "a detent locking each arm in flight position",
            "propellers nesting under the body when folded",
        ),
        "B64U 30/293; B64U 10/13",
    ),
    S(
        "Method of treating hair with a bond-building composition",
        "hair treatment composition",
        (
            "a maleic acid-based cross-linker",
            "application during bleaching",
            "a pH between 3 and 4 in the rinse-off step",
        ),
        "A61Q 5/04; A61K 8/365",
    ),
    S(
        "Refrigerator with a variable temperature compartment",
        "refrigerator",
        (
            "a damper controlling cold air from the freezer evaporator",
            "a heater in the compartment wall",
            "user-selectable modes for chilling, thawing and storing",
        ),
        "F25D 11/02; F25D 17/04",
    ),
    S(
        "Method for routing packets in a software-defined network",
        "network controller",
        (
            "flow tables updated from a central controller",
            "path selection weighted by link utilisation",
            "fast failover groups installed in advance",
        ),
        "H04L 45/64; H04L 45/125; H04L 45/28",
    ),
    S(
        "Bicycle drivetrain with an electronic derailleur",
        "bicycle derailleur",
        (
            "a wireless shifter paired with the derailleur",
            "a motor moving the parallelogram through a worm gear",
            "a clutch damping chain slap",
        ),
        "B62M 9/122; B62M 25/08",
    ),
    S(
        "Method for producing bio-based succinic acid by fermentation",
        "fermentation process",
        (
            "a recombinant yeast lacking pyruvate decarboxylase",
            "fermentation at pH below 4",
            "recovery by direct crystallisation",
        ),
        "C12P 7/46; C12N 1/19",
    ),
    S(
        "Lighting device with tunable white light",
        "lighting device",
        (
            "two strings of LEDs with different colour temperatures",
            "pulse-width modulation keeping the total flux constant",
            "a remote phosphor diffuser",
        ),
        "H05B 45/20; F21K 9/64",
    ),
    S(
        "Spectacle lens with myopia control",
        "spectacle lens",
        (
            "a central clear zone surrounded by lenslets",
            "lenslets with a positive power between 2.5 and 4.5 dioptres",
            "a lenslet fill factor of about 40 percent",
        ),
        "G02C 7/06; G02C 7/02",
    ),
    S(
        "Method for the synthesis of a nucleoside analogue",
        "synthesis process",
        (
            "a stereoselective phosphoramidation",
            "a chiral auxiliary recycled from the mother liquor",
            "crystallisation of a single diastereomer",
        ),
        "C07H 19/10; C07H 1/00",
    ),
    S(
        "Conveyor system with linear motor driven carriers",
        "conveyor system",
        (
            "independently driven carriers on a closed track",
            "position encoders read by magnetoresistive sensors",
            "collision avoidance in curved sections",
        ),
        "B65G 54/02; H02K 41/03",
    ),
    S(
        "Method for displaying augmented reality navigation information",
        "head-up display",
        (
            "projecting a route arrow aligned with the road ahead",
            "a driver eye position tracked by an interior camera",
            "latency compensation from vehicle motion data",
        ),
        "G02B 27/01; G01C 21/36; B60K 35/00",
    ),
    S(
        "Adhesive tape for fixing electronic components",
        "adhesive tape",
        (
            "an acrylic foam core with hollow microspheres",
            "a peel strength above 20 N/25 mm",
            "removability by stretching",
        ),
        "C09J 7/38; C09J 133/08",
    ),
    S(
        "Surgical stapler with a powered firing mechanism",
        "surgical stapler",
        (
            "a motor driving a firing rod through a planetary gear",
            "a sensor detecting tissue thickness before firing",
            "a cartridge lockout when no staples remain",
        ),
        "A61B 17/072; A61B 17/068",
    ),
    S(
        "Method for forecasting electricity demand",
        "forecasting system",
        (
            "a gradient-boosted model on weather and calendar features",
            "probabilistic forecasts by quantile regression",
            "model retraining triggered by drift detection",
        ),
        "G06Q 50/06; G06N 20/20; H02J 3/00",
    ),
    S(
        "Rotary cutting tool with internal coolant channels",
        "cutting tool",
        (
            "helical coolant channels exiting at the flank of each flute",
            "a cemented carbide body with a cobalt content below 10 percent",
            "a chip breaker formed by laser ablation",
        ),
        "B23C 5/28; B23B 51/06",
    ),
    S(
        "Shoe sole with a cushioning element",
        "shoe sole",
        (
            "a midsole of expanded thermoplastic polyurethane beads",
            "a carbon plate embedded in the forefoot",
            "an outsole pattern with multidirectional lugs",
        ),
        "A43B 13/18; A43B 13/12",
    ),
]
del S

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

# kind: (category, office code, form reference, title, language)
REPORT_KINDS = {
    "isr": (Cat.SEARCH_REPORT, "ISR", "PCT/ISA/210", "International Search Report", "en"),
    "wo_isa": (
        Cat.WRITTEN_OPINION,
        "WOISA",
        "PCT/ISA/237",
        "Written Opinion of the International Searching Authority",
        "en",
    ),
    "eesr": (
        Cat.SEARCH_REPORT,
        "EPO Form 1503",
        "Rules 61 and 62 EPC",
        "Extended European Search Report",
        "en",
    ),
    "seesr": (
        Cat.SEARCH_REPORT,
        "EPO Form 1503",
        "Article 153(7) EPC",
        "Supplementary European Search Report",
        "en",
    ),
    "eso": (
        Cat.WRITTEN_OPINION,
        "EPO Form 1703",
        "Rule 62(1) EPC",
        "European Search Opinion",
        "en",
    ),
    "ep94": (
        Cat.OFFICE_ACTION,
        "EPO Form 2001",
        "Examining Division",
        "Communication pursuant to Article 94(3) EPC",
        "en",
    ),
    "ctnf": (Cat.OFFICE_ACTION, "CTNF", "PTOL-326", "Non-Final Office Action", "en"),
    "ctfr": (Cat.OFFICE_ACTION, "CTFR", "PTOL-326", "Final Office Action", "en"),
    "jp_nr": (
        Cat.OFFICE_ACTION,
        "A131",
        "Kyozetsu Riyu Tsuchisho",
        "Notice of Reasons for Refusal",
        "ja",
    ),
    "kr_npr": (
        Cat.OFFICE_ACTION,
        "NPR",
        "Uigyeon Jechul Tongjiseo",
        "Notice of Preliminary Rejection",
        "ko",
    ),
    "cn_oa1": (
        Cat.OFFICE_ACTION,
        "OA1",
        "Di-yi-ci Shencha Yijian Tongzhishu",
        "First Office Action",
        "zh",
    ),
    "cn_sr": (Cat.SEARCH_REPORT, "SR", "Jiansuo Baogao", "Search Report", "zh"),
    "au_exr": (
        Cat.OFFICE_ACTION,
        "EXR1",
        "Patents Act 1990",
        "Examination report No. 1 for your standard patent application",
        "en",
    ),
    "ca_req": (
        Cat.OFFICE_ACTION,
        "REQ",
        "Patent Rules, subsection 86(2)",
        "Examiner's Requisition",
        "en",
    ),
    "gb_s17": (
        Cat.SEARCH_REPORT,
        "SR17",
        "Patents Act 1977: Section 17",
        "Search Report under Section 17",
        "en",
    ),
    "gb_s18": (
        Cat.OFFICE_ACTION,
        "ER18",
        "Patents Act 1977: Section 18(3)",
        "Examination Report under Section 18(3)",
        "en",
    ),
    "il_exr": (Cat.OFFICE_ACTION, "EXR", "Patents Law 5727-1967", "Examination Report", "en"),
    "nz_fer": (Cat.OFFICE_ACTION, "FER", "Patents Act 2013", "First Examination Report", "en"),
    "sg_sr": (Cat.SEARCH_REPORT, "SR", "Patents Act 1994, section 29", "Search Report", "en"),
    "sg_wo": (Cat.WRITTEN_OPINION, "WO", "Patents Act 1994, section 29", "Written Opinion", "en"),
    "in_fer": (
        Cat.OFFICE_ACTION,
        "FER",
        "Patents Act 1970, Rule 24B",
        "First Examination Report",
        "en",
    ),
    "br_pt": (Cat.OFFICE_ACTION, "7.1", "Parecer Tecnico", "Parecer Técnico (exame técnico)", "pt"),
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
# Numbers (plausible for the office and the date, unique across the demo)
# --------------------------------------------------------------------------------------------


class _Numbers:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def take(self, office: str, make, kind: str = "application") -> str:
        """Call make(bump) until the canonical key is unused; returns the display."""
        for bump in range(200):
            text = make(bump)
            key = numbers.normalise(text, office=office, kind=kind).key
            if key not in self.used:
                self.used.add(key)
                return numbers.normalise(text, office=office, kind=kind).display
        raise RuntimeError(f"no free demo number for {office}")

    def r(self, a: int, b: int) -> int:
        return self.rng.randint(a, b)

    # Applications -------------------------------------------------------------------------
    def us_provisional(self, d: dt.date) -> str:
        base = 430_000 + (d - D(2011, 1, 1)).days * 460 + self.r(0, 400)
        series = "61" if d < D(2014, 6, 1) else "62"
        return self.take("US", lambda b: f"US {series}/{(base + b * 7) % 1_000_000:06d}")

    def us_app(self, d: dt.date) -> str:
        starts = [
            ("13", D(2010, 12, 1), 1000),
            ("14", D(2013, 8, 1), 1150),
            ("15", D(2014, 12, 1), 900),
            ("18", D(2022, 7, 1), 300),
            ("19", D(2025, 6, 1), 600),
        ]
        series, start, per_day = next(s for s in reversed(starts) if d >= s[1])
        base = min((d - start).days * per_day + self.r(0, 900), 998_000)
        return self.take("US", lambda b: f"US {series}/{base + b * 13:06d}")

    def jp_app(self, d: dt.date, national_phase: bool = False) -> str:
        doy = d.timetuple().tm_yday
        base = 500_000 + doy * 160 if national_phase else doy * 780
        return self.take("JP", lambda b: f"JP {d.year}-{base + self.r(0, 150) + b * 3:06d}")

    def kr_app(self, d: dt.date, national_phase: bool = False) -> str:
        doy = d.timetuple().tm_yday
        base = 7_000_000 + doy * 90 if national_phase else doy * 480
        return self.take("KR", lambda b: f"KR 10-{d.year}-{base + self.r(0, 80) + b:07d}")

    def cn_app(self, d: dt.date, national_phase_year: int | None = None) -> str:
        if national_phase_year:
            base = 40_000 + self.r(0, 30_000)
            return self.take("CN", lambda b: f"CN {national_phase_year}8{base + b:07d}")
        base = d.timetuple().tm_yday * 1500 + self.r(0, 1200)
        return self.take("CN", lambda b: f"CN {d.year}1{base + b:07d}")

    def ep_app(self, d: dt.date, euro_pct_year: int | None = None) -> str:
        if euro_pct_year:
            base = 700_000 + self.r(0, 190_000)
            return self.take("EP", lambda b: f"EP {euro_pct_year % 100:02d}{base + b:06d}")
        base = 150_000 + d.timetuple().tm_yday * 150 + self.r(0, 140)
        return self.take("EP", lambda b: f"EP {d.year % 100:02d}{base + b:06d}")

    def gb_app(self, d: dt.date) -> str:
        base = d.timetuple().tm_yday * 60 + self.r(0, 50)
        return self.take("GB", lambda b: f"GB {d.year % 100:02d}{base + b:05d}")

    def ca_app(self, d: dt.date) -> str:
        base = 2_700_000 + (d - D(2011, 1, 1)).days * 110 + self.r(0, 100)
        return self.take("CA", lambda b: f"CA {base + b:,}")

    def au_app(self, d: dt.date, national_phase: bool = False) -> str:
        base = (300_000 if national_phase else 200_000) + d.timetuple().tm_yday * 170
        return self.take("AU", lambda b: f"AU {d.year}{base + self.r(0, 160) + b:06d}")

    def au_provisional(self, d: dt.date) -> str:
        base = 900_000 + d.timetuple().tm_yday * 14
        return self.take("AU", lambda b: f"AU {d.year}{base + b:06d}", kind="priority")

    def il_app(self, d: dt.date) -> str:
        base = 210_000 + (d - D(2011, 1, 1)).days * 17
        return self.take("IL", lambda b: f"IL {base + self.r(0, 15) + b}")

    def nz_app(self, d: dt.date) -> str:
        base = 590_000 + (d - D(2011, 1, 1)).days * 75
        return self.take("NZ", lambda b: f"NZ {base + self.r(0, 70) + b}")

    def sg_app(self, d: dt.date, national_phase: bool = False) -> str:
        prefix = "11" if national_phase else "10"
        base = d.timetuple().tm_yday * 25
        return self.take("SG", lambda b: f"SG {prefix}{d.year}{base + self.r(0, 20) + b:05d}")

    def in_app(self, d: dt.date, national_phase: bool = False) -> str:
        city = self.rng.choice(["DEL", "MUM", "CHE", "KOL"])
        suffix = f"{city}NP" if national_phase else city
        base = d.timetuple().tm_yday * 12
        return self.take("IN", lambda b: f"IN {base + self.r(0, 10) + b}/{suffix}/{d.year}")

    def br_app(self, d: dt.date, national_phase: bool = False) -> str:
        prefix = "11" if national_phase else "10"
        base = d.timetuple().tm_yday * 90
        return self.take("BR", lambda b: f"BR {prefix} {d.year} {base + self.r(0, 80) + b:06d}")

    def de_app(self, d: dt.date) -> str:
        base = 200_000 + d.timetuple().tm_yday * 600 + self.r(0, 500)
        return self.take("DE", lambda b: f"DE 10 {d.year} {base + b:06d}", kind="priority")

    def pct(self, ro: str, d: dt.date) -> str:
        per_day = {"US": 165, "JP": 120, "KR": 35, "CN": 60, "EP": 190, "GB": 8, "AU": 5, "CA": 6}[
            ro
        ]
        base = d.timetuple().tm_yday * per_day + self.r(0, per_day)
        return self.take("WO", lambda b: f"PCT/{ro}{d.year}/{base + b:06d}", kind="pct")

    def app(self, office: str, d: dt.date, *, pct_year: int | None = None) -> str:
        np_ = pct_year is not None
        match office:
            case "US":
                return self.us_app(d)
            case "JP":
                return self.jp_app(d, np_)
            case "KR":
                return self.kr_app(d, np_)
            case "CN":
                return self.cn_app(d, pct_year)
            case "EP":
                return self.ep_app(d, pct_year)
            case "GB":
                return self.gb_app(d)
            case "CA":
                return self.ca_app(d)
            case "AU":
                return self.au_app(D(pct_year, d.month, 1) if np_ else d, np_)
            case "IL":
                return self.il_app(d)
            case "NZ":
                return self.nz_app(d)
            case "SG":
                return self.sg_app(d, np_)
            case "IN":
                return self.in_app(d, np_)
            case "BR":
                return self.br_app(d, np_)
        raise ValueError(office)

    # Publications -------------------------------------------------------------------------
    def publications(
        self, office: str, app_display: str, filed: dt.date, prio: dt.date, status: str
    ) -> list[tuple[str, dt.date]]:
        """First publication ~18 months from priority (national phases later), grant if any."""
        r = self.r
        pub = max(prio + dt.timedelta(days=548 + r(0, 20)), filed + dt.timedelta(days=r(60, 120)))
        doy = pub.timetuple().tm_yday
        grant = filed + dt.timedelta(days=r(900, 1400))
        granted = status == Status.GRANTED
        out: list[tuple[str, dt.date]] = []
        match office:
            case "US":
                out.append(
                    (
                        self.take(
                            "US",
                            lambda b: f"US {pub.year}/{doy * 900 + r(0, 800) + b:07d} A1",
                            "publication",
                        ),
                        pub,
                    )
                )
                if granted:
                    n = 8_000_000 + (grant - D(2011, 8, 16)).days * 740 + r(0, 600)
                    out.append(
                        (self.take("US", lambda b: f"US {n + b:,} B2", "publication"), grant)
                    )
            case "EP":
                n = 2_500_000 + (pub - D(2012, 9, 19)).days * 350 + r(0, 300)
                disp = self.take("EP", lambda b: f"EP {n + b} A1", "publication")
                out.append((disp, pub))
                if granted:
                    out.append((disp.replace(" A1", " B1"), grant))
            case "JP":
                kind_base = 500_000 if "-5" in app_display else 0
                out.append(
                    (
                        self.take(
                            "JP",
                            lambda b: (
                                f"JP {pub.year}-{kind_base + doy * 700 + r(0, 600) + b:06d} A"
                            ),
                            "publication",
                        ),
                        pub,
                    )
                )
                if granted:
                    n = 5_000_000 + (grant - D(2012, 6, 1)).days * 680 + r(0, 500)
                    out.append((self.take("JP", lambda b: f"JP {n + b} B2", "publication"), grant))
            case "KR":
                out.append(
                    (
                        self.take(
                            "KR",
                            lambda b: f"KR 10-{pub.year}-{doy * 300 + r(0, 250) + b:07d} A",
                            "publication",
                        ),
                        pub,
                    )
                )
                if granted:
                    n = 1_200_000 + (grant - D(2012, 11, 1)).days * 420 + r(0, 300)
                    out.append(
                        (self.take("KR", lambda b: f"KR 10-{n + b} B1", "publication"), grant)
                    )
            case "CN":
                n = 103_000_000 + (pub - D(2013, 4, 1)).days * 2200 + r(0, 2000)
                disp = self.take("CN", lambda b: f"CN {n + b} A", "publication")
                out.append((disp, pub))
                if granted:
                    out.append((disp[:-1] + "B", grant))
            case "CA" | "AU":
                out.append((f"{app_display} A1", pub))
                if granted and office == "AU":
                    out.append((f"{app_display} B2", grant))
            case "IL" | "NZ":
                out.append((f"{app_display} A", pub))
            case "BR":
                out.append((f"{app_display} A2", pub))
        return out

    def wo_pub(self, d: dt.date) -> str:
        base = d.timetuple().tm_yday * 580
        return self.take(
            "WO", lambda b: f"WO {d.year}/{base + self.r(0, 500) + b:06d} A1", "publication"
        )


# --------------------------------------------------------------------------------------------
# Building the families
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
TODAY = D(2026, 11, 1)  # the demo's "now": nothing is dated later


class _Builder:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.nums = _Numbers(self.rng)
        self.subjects = list(SUBJECTS)
        self.rng.shuffle(self.subjects)
        self.used_applicants: dict[str, int] = {}

    # helpers ----------------------------------------------------------------------------
    def applicant(self, home: str) -> str:
        pool = APPLICANTS[home]
        i = self.used_applicants.get(home, self.rng.randrange(len(pool)))
        self.used_applicants[home] = i + 1
        return pool[i % len(pool)]

    def art(self, prio: dt.date, home: str) -> list[Cite]:
        """The prior art of one invention: 4-7 documents published before its priority."""
        r = self.rng
        cites = []
        for w in range(r.randint(4, 7)):
            pub = prio - dt.timedelta(days=r.randint(200, 3000))
            y = max(pub.year, 2009)  # the number ranges below start in 2009
            form = r.choice(
                ["US_A", "US_B", "EP", "WO", "JP", "KR", "CN", "DE", "NPL"]
                if w > 0
                else ["US_A", "US_B", "EP", "WO", "JP"]
            )
            owner_home = r.choice(list(APPLICANTS))
            owner = r.choice(APPLICANTS[owner_home]).upper().replace(",", "")
            n = r.randint(1000, 99999)
            match form:
                case "US_A":
                    text = f"US {y}/{r.randint(10000, 330000):07d} A1"
                case "US_B":
                    text = f"US {7_000_000 + (y - 2006) * 300_000 + r.randint(0, 290_000):,} B2"
                case "EP":
                    text = f"EP {1_700_000 + (y - 2006) * 150_000 + r.randint(0, 140_000)} A1"
                case "WO":
                    text = f"WO {y}/{r.randint(1000, 150000):06d} A{r.choice('12')}"
                case "JP":
                    text = f"JP {y}-{r.randint(10000, 330000):06d} A"
                case "KR":
                    text = f"KR 10-{y}-{r.randint(10000, 130000):07d} A"
                case "CN":
                    text = f"CN {101_000_000 + (y - 2008) * 700_000 + r.randint(0, 600_000)} A"
                case "DE":
                    text = f"DE 10 {y} {r.randint(1, 60):03d} {n % 1000:03d} A1"
                case _:
                    author = r.choice(NPL_AUTHORS)
                    src = r.choice(NPL_SOURCES)
                    npl = (
                        f'{author}: "{self._npl_title()}", {src}, vol. {r.randint(5, 240)}, '
                        f"no. {r.randint(1, 12)}, {pub:%B %Y}, pages {n % 900}-{n % 900 + 9}, "
                        f"XP{r.randint(10**8, 10**9 - 1):09d}"
                    )
                    cites.append(Cite(npl=npl, pub_date=pub, weight=w))
                    continue
            disp = numbers.normalise(text, kind="publication").display
            cites.append(Cite(display=disp, owner=owner, pub_date=pub, weight=w))
        return cites

    def _npl_title(self) -> str:
        a = self.rng.choice(
            [
                "Design and evaluation of",
                "A study of",
                "Modelling of",
                "Experimental analysis of",
                "Improved method for",
            ]
        )
        return f"{a} {self.current.noun}s" if hasattr(self, "current") else a

    def claims_ranges(self, fam: FamilySpec) -> dict[str, str]:
        n, k = fam.claims, fam.second_independent  # k > n // 2 >= 5
        x_end = self.rng.randint(3, min(6, k - 2))
        y_start = self.rng.randint(x_end + 1, k - 1)
        y = f"{y_start}-{k - 1}" if y_start < k - 1 else str(y_start)
        return {"X": f"1-{x_end}, {k}", "Y": y, "A": f"1-{n}"}

    def pick_cites(self, fam: FamilySpec, how_many: int | None = None) -> list:
        r = self.rng
        art = sorted(fam.art, key=lambda c: c.weight)
        chosen = art[:2] + r.sample(art[2:], min(len(art) - 2, r.randint(1, 3)))
        if how_many:
            chosen = chosen[:how_many]
        ranges = self.claims_ranges(fam)
        out = []
        for c in chosen:
            if c.weight == 0:
                cat = r.choice(["X", "X", "X", "Y", "A"])
            elif c.weight == 1:
                cat = r.choice(["Y", "Y", "X", "A"])
            else:
                cat = r.choice(["A", "A", "A", "Y"])
            out.append((c, cat, ranges[cat]))
        return out

    def reports_for(
        self,
        fam: FamilySpec,
        office: str,
        start: dt.date,
        *,
        isa: bool = False,
        supplementary: bool = True,
        chance: float = 0.8,
        limit: int = 3,
    ) -> list:
        """Reports an office issues for one member, dated from `start` (filing or entry)."""
        r = self.rng
        if isa:
            kinds = ["isr", "wo_isa"]
        elif r.random() > chance:
            return []
        else:
            kinds = list(NATIONAL_KINDS[office])
            if office == "EP" and not supplementary:
                kinds = ["ep94"]  # the EPO was the ISA: no supplementary search
            elif office == "EP" and supplementary == "seesr":
                kinds = ["seesr", "eso", "ep94"]
            if office == "CN" and r.random() < 0.3:
                kinds = ["cn_sr", "cn_oa1"]
            keep = r.randint(1, min(limit, len(kinds)))
            if office in ("EP", "GB", "SG") or isa:
                keep = max(keep, 2) if len(kinds) > 1 else 1
            kinds = kinds[:keep]
        out = []
        for kind in kinds:
            date = start + dt.timedelta(days=KIND_DELAY[kind] + r.randint(-40, 60))
            if kind == "wo_isa" and out:
                date = out[0].date  # issued with the ISR
            if kind == "eso" and out:
                date = out[0].date
            if kind == "sg_wo" and out:
                date = out[0].date
            if date > TODAY:
                break
            cat = REPORT_KINDS[kind][0]
            cites = []
            if cat == Cat.SEARCH_REPORT or kind in ("wo_isa", "eso", "sg_wo"):
                cites = self.pick_cites(fam)
            elif cat == Cat.OFFICE_ACTION and r.random() < 0.85:
                cites = self.pick_cites(fam, how_many=r.randint(2, 3))
            out.append(Report(kind=kind, date=date, cites=cites, length=r.choice([1, 1, 2, 2, 3])))
        return out

    def status_for(self, reports_: list[Report], filed: dt.date) -> str:
        r = self.rng
        if any(REPORT_KINDS[x.kind][0] == Cat.OFFICE_ACTION for x in reports_):
            return r.choice(
                [Status.EXAMINATION_COMMENCED] * 4
                + [Status.GRANTED] * 3
                + [Status.REFUSED, Status.WITHDRAWN]
            )
        return r.choice(
            [Status.PUBLISHED] * 3 + [Status.EXAMINATION_COMMENCED] * 2 + [Status.WITHDRAWN]
        )

    def member(
        self,
        fam: FamilySpec,
        office: str,
        number: str,
        filed: dt.date,
        prios: list[tuple[str, str, dt.date]],
        *,
        pct: str | None = None,
        entry: dt.date | None = None,
        reports_: list[Report] | None = None,
        status: str | None = None,
    ) -> Member:
        if reports_ is None:
            reports_ = self.reports_for(fam, office, entry or filed, chance=0.35)
        status = status or self.status_for(reports_, filed)
        first = min([p[2] for p in prios] + [filed])
        pubs = self.nums.publications(office, number, entry or filed, first, status)
        pubs = [(n, d) for n, d in pubs if d <= TODAY]
        return Member(
            office=office,
            number=number,
            filed=filed,
            status=status,
            published=bool(pubs) or office in ("SG", "IN"),
            priorities=prios,
            publications=pubs,
            pct=pct,
            reports=reports_,
        )

    def new_family(self, home: str, prio: dt.date, subject: Subject | None = None) -> FamilySpec:
        subject = subject or self.subjects.pop()
        self.current = subject
        fam = FamilySpec(
            subject=subject,
            applicants=[self.applicant(home)],
            members=[],
            claims=self.rng.randint(10, 24),
        )
        fam.second_independent = self.rng.randint(fam.claims // 2 + 1, fam.claims)
        fam.art = self.art(prio, home)
        return fam

    # archetypes -------------------------------------------------------------------------
    def first_filing(self, fam: FamilySpec, home: str, prio: dt.date) -> tuple:
        """The priority filing; returns (office, display, date) and stores it if it is a
        member an office shares (US non-provisional, JP, KR, CN, GB)."""
        n = self.nums
        if home == "US":
            if self.rng.random() < 0.7:
                return ("US", n.us_provisional(prio), prio)
            number = n.us_app(prio)
        elif home == "DE":
            return ("DE", n.de_app(prio), prio)
        elif home == "AU":
            return ("AU", n.au_provisional(prio), prio)
        elif home == "CA":
            number = n.ca_app(prio)
        else:
            number = n.app(home, prio)
        fam.members.append(self.member(fam, home, number, prio, []))
        return (home, number, prio)

    def pct_family(
        self,
        home: str,
        prio: dt.date,
        offices: list[str],
        *,
        extra_prios: list[tuple] = (),
        fam: FamilySpec | None = None,
        first: tuple | None = None,
        isa: str | None = None,
    ) -> FamilySpec:
        r = self.rng
        fam = fam or self.new_family(home, prio)
        first = first or self.first_filing(fam, home, prio)
        prios = [first, *extra_prios]
        pct_date = prio + dt.timedelta(days=365 - r.randint(0, 12))
        ro = RO_FOR.get(home, home)
        pct = self.nums.pct(ro, pct_date)
        isa = isa or r.choice(ISA_FOR[home])
        wo_date = prio + dt.timedelta(days=548 + r.randint(0, 14))
        isa_reports = self.reports_for(fam, isa, pct_date, isa=True)
        fam.members.append(
            Member(
                office=isa,
                number=pct,
                filed=pct_date,
                status=Status.PUBLISHED,
                published=wo_date <= TODAY,
                priorities=prios,
                publications=[(self.nums.wo_pub(wo_date), wo_date)] if wo_date <= TODAY else [],
                reports=isa_reports,
            )
        )
        for office in offices:
            entry = prio + dt.timedelta(
                days=(31 if office in ("EP", "AU") else 30) * 30 + r.randint(0, 25)
            )
            if entry > TODAY:
                continue
            number = self.nums.app(office, entry, pct_year=pct_date.year)
            reports_ = self.reports_for(
                fam, office, entry, supplementary=(isa != "EP") and "seesr", chance=0.3
            )
            fam.members.append(
                self.member(
                    fam, office, number, pct_date, prios, pct=pct, entry=entry, reports_=reports_
                )
            )
        return fam

    def paris_family(
        self,
        home: str,
        prio: dt.date,
        offices: list[str],
        *,
        fam: FamilySpec | None = None,
        first: tuple | None = None,
        extra_prios: list[tuple] = (),
    ) -> FamilySpec:
        r = self.rng
        fam = fam or self.new_family(home, prio)
        first = first or self.first_filing(fam, home, prio)
        for office in offices:
            filed = prio + dt.timedelta(days=365 - r.randint(0, 40))
            if filed > TODAY:
                continue
            number = self.nums.app(office, filed)
            fam.members.append(self.member(fam, office, number, filed, [first, *extra_prios]))
        return fam

    def bridge_family(self, home: str, prio: dt.date) -> FamilySpec:
        """Two first filings, a group of members on each, and one member claiming both."""
        fam = self.new_family(home, prio)
        p1 = self.first_filing(fam, home, prio)
        prio2 = prio + dt.timedelta(days=self.rng.randint(45, 120))
        p2 = self.first_filing(fam, home, prio2)
        others = [o for o in ["US", "EP", "JP", "CN", "KR", "CA", "AU"] if o != home]
        self.rng.shuffle(others)
        self.paris_family(home, prio, others[:1], fam=fam, first=p1)
        self.paris_family(home, prio2, others[1:2], fam=fam, first=p2)
        return self.pct_family(home, prio, others[2:5], fam=fam, first=p1, extra_prios=[p2])

    # the demo ---------------------------------------------------------------------------
    def build(self) -> list[FamilySpec]:
        families = [
            self.showcase_us(),
            self.showcase_jp(),
            self.showcase_kr_bridge(),
            self.showcase_gb(),
            self.recent_unpublished(),
        ]
        r = self.rng
        homes = ["US"] * 8 + ["JP"] * 3 + ["KR"] * 2 + ["CN"] * 2 + ["GB", "DE", "DE", "AU", "CA"]
        national = ["EP", "JP", "KR", "CN", "CA", "AU", "IN", "BR", "IL", "NZ", "SG", "US"]
        while self.subjects:
            home = r.choice(homes)
            prio = D(2011, 1, 3) + dt.timedelta(days=r.randint(0, 900))
            pool = [o for o in national if o != home]
            r.shuffle(pool)
            roll = r.random()
            if roll < 0.08:
                fam = self.bridge_family(home if home in ("US", "JP", "KR", "CN") else "US", prio)
            elif roll < 0.62:
                fam = self.pct_family(home, prio, pool[: r.randint(3, 7)])
            else:
                fam = self.paris_family(home, prio, pool[: r.randint(2, 5)])
            # Some members have no reports yet: national phases still waiting for examination.
            families.append(fam)
        return families

    def _fixed(self, office: str, text: str, kind: str = "application") -> str:
        key = numbers.normalise(text, office=office, kind=kind).key
        self.nums.used.add(key)
        return numbers.normalise(text, office=office, kind=kind).display

    def _subject(self, title_start: str) -> Subject:
        s = next(s for s in self.subjects if s.title.startswith(title_start))
        self.subjects.remove(s)
        return s

    def showcase_us(self) -> FamilySpec:
        """US provisional -> US 13/926,335 + PCT/US2013/064552 (ISA US) -> 8 national phases."""
        f = self._fixed
        fam = self.new_family("US", D(2012, 10, 11), self._subject("Thermal management"))
        fam.applicants = ["Northwind Energy Systems, Inc."]
        prio = ("US", f("US", "61/712,345", "priority"), D(2012, 10, 11))
        us = Member(
            "US",
            f("US", "13/926,335"),
            D(2013, 6, 25),
            Status.GRANTED,
            True,
            [prio],
            [
                (f("US", "US 2014/0106197 A1", "publication"), D(2014, 4, 17)),
                (f("US", "US 9,184,456 B2", "publication"), D(2015, 11, 10)),
            ],
        )
        us.reports = [
            Report("ctnf", D(2014, 12, 3), self.pick_cites(fam, 3), 2),
            Report("ctfr", D(2015, 5, 19), self.pick_cites(fam, 2), 1),
        ]
        pct = f("WO", "PCT/US2013/064552", "pct")
        wo = Member(
            "US",
            pct,
            D(2013, 10, 11),
            Status.PUBLISHED,
            True,
            [prio],
            [(f("WO", "WO 2014/059123 A1", "publication"), D(2014, 4, 17))],
        )
        isr_cites = self.pick_cites(fam)
        wo.reports = [
            Report("isr", D(2014, 1, 27), isr_cites, 1),
            Report("wo_isa", D(2014, 1, 27), isr_cites, 2),
        ]
        fam.members += [us, wo]
        nationals = [
            (
                "EP",
                "EP13844704",
                D(2015, 5, 8),
                Status.EXAMINATION_COMMENCED,
                [("EP 2906789 A1", D(2015, 8, 19))],
                [
                    ("seesr", D(2016, 3, 30), 1),
                    ("eso", D(2016, 3, 30), 2),
                    ("ep94", D(2017, 2, 14), 2),
                ],
            ),
            (
                "AU",
                "AU 2013334567",
                D(2015, 4, 2),
                Status.EXAMINATION_COMMENCED,
                [("AU 2013334567 A1", D(2015, 4, 30))],
                [("au_exr", D(2016, 6, 21), 2)],
            ),
            (
                "CA",
                "CA 2,887,123",
                D(2015, 4, 9),
                Status.EXAMINATION_COMMENCED,
                [("CA 2,887,123 A1", D(2015, 4, 17))],
                [("ca_req", D(2018, 9, 12), 1)],
            ),
            (
                "JP",
                "JP 2015-536789",
                D(2015, 4, 10),
                Status.GRANTED,
                [("JP 2016-501234 A", D(2016, 1, 7)), ("JP 6122345 B2", D(2017, 4, 7))],
                [("jp_nr", D(2016, 8, 23), 1)],
            ),
            (
                "KR",
                "KR 10-2015-7012345",
                D(2015, 5, 11),
                Status.EXAMINATION_COMMENCED,
                [("KR 10-2015-0071234 A", D(2015, 6, 26))],
                [("kr_npr", D(2018, 2, 6), 1)],
            ),
            (
                "CN",
                "CN 201380062258",
                D(2015, 6, 1),
                Status.EXAMINATION_COMMENCED,
                [("CN 104823417 A", D(2015, 8, 5))],
                [("cn_oa1", D(2016, 7, 18), 2)],
            ),
            ("IN", "IN 3456/CHENP/2015", D(2015, 4, 9), Status.PUBLISHED, [], []),
            (
                "BR",
                "BR 11 2015 008765",
                D(2015, 4, 13),
                Status.FILED,
                [("BR 11 2015 008765 A2", D(2017, 7, 4))],
                [],
            ),
        ]
        for office, number, _entry, status, pubs, reps in nationals:
            m = Member(
                office,
                f(office, number),
                D(2013, 10, 11),
                status,
                True,
                [prio],
                [(f(office, p, "publication"), d) for p, d in pubs],
                pct=pct,
            )
            m.reports = [
                Report(k, d, self.pick_cites(fam, 3 if k != "eso" else 4), ln) for k, d, ln in reps
            ]
            fam.members.append(m)
        return fam

    def showcase_jp(self) -> FamilySpec:
        fam = self.new_family("JP", D(2012, 10, 5), self._subject("Image stabilising"))
        fam.applicants = ["Hoshino Precision Industries, Ltd."]
        f = self._fixed
        jp = f("JP", "2012-223456")
        fam.members.append(
            Member(
                "JP",
                jp,
                D(2012, 10, 5),
                Status.GRANTED,
                True,
                [],
                [
                    (f("JP", "JP 2014-080123 A", "publication"), D(2014, 5, 8)),
                    (f("JP", "JP 5912345 B2", "publication"), D(2016, 4, 27)),
                ],
                reports=[Report("jp_nr", D(2015, 9, 15), self.pick_cites(fam, 2), 1)],
            )
        )
        prio = [("JP", jp, D(2012, 10, 5))]
        au = Member(
            "AU",
            f("AU", "2013237890"),
            D(2013, 10, 3),
            Status.EXAMINATION_COMMENCED,
            True,
            prio,
            [(f("AU", "AU 2013237890 A1", "publication"), D(2014, 4, 17))],
        )
        au.reports = [Report("au_exr", D(2015, 6, 2), self.pick_cites(fam, 2), 1)]
        fam.members.append(au)
        for office in ["US", "EP", "CN", "KR"]:
            filed = D(2013, 10, 1) + dt.timedelta(days=self.rng.randint(0, 3))
            fam.members.append(
                self.member(
                    fam,
                    office,
                    self.nums.app(office, filed),
                    filed,
                    prio,
                    reports_=self.reports_for(fam, office, filed, chance=1.0),
                )
            )
        return fam

    def showcase_kr_bridge(self) -> FamilySpec:
        fam = self.new_family("KR", D(2012, 10, 9), self._subject("Method for transmitting"))
        fam.applicants = ["Seorin Telecom Corporation"]
        f = self._fixed
        p1 = ("KR", f("KR", "10-2012-0112345"), D(2012, 10, 9))
        p2 = ("KR", f("KR", "10-2012-0139876"), D(2012, 12, 4))
        for p in (p1, p2):
            fam.members.append(self.member(fam, "KR", p[1], p[2], []))
        us = f("US", "14/047,820")
        fam.members.append(self.member(fam, "US", us, D(2013, 10, 7), [p1]))
        jp = f("JP", "2013-251234")
        fam.members.append(self.member(fam, "JP", jp, D(2013, 12, 3), [p2]))
        pct = f("WO", "PCT/KR2013/009123", "pct")
        isr_cites = self.pick_cites(fam)
        fam.members.append(
            Member(
                "KR",
                pct,
                D(2013, 10, 10),
                Status.PUBLISHED,
                True,
                [p1, p2],
                [(f("WO", "WO 2014/058219 A1", "publication"), D(2014, 4, 17))],
                reports=[
                    Report("isr", D(2014, 1, 22), isr_cites, 1),
                    Report("wo_isa", D(2014, 1, 22), isr_cites, 1),
                ],
            )
        )
        for office in ["CN", "EP", "AU", "CA"]:
            entry = D(2015, 4, 8) + dt.timedelta(days=self.rng.randint(0, 20))
            number = self.nums.app(office, entry, pct_year=2013)
            fam.members.append(
                self.member(
                    fam,
                    office,
                    number,
                    D(2013, 10, 10),
                    [p1, p2],
                    pct=pct,
                    entry=entry,
                    reports_=self.reports_for(
                        fam, office, entry, supplementary="seesr", chance=0.9
                    ),
                )
            )
        return fam

    def showcase_gb(self) -> FamilySpec:
        fam = self.new_family("GB", D(2012, 10, 12), self._subject("Catheter"))
        fam.applicants = ["Harrowgate Engineering Limited"]
        f = self._fixed
        gb = f("GB", "1218345.6")
        fam.members.append(
            Member(
                "GB",
                gb,
                D(2012, 10, 12),
                Status.EXAMINATION_COMMENCED,
                True,
                [],
                [(f("GB", "GB 2506789 A", "publication"), D(2014, 4, 16))],
                reports=[
                    Report("gb_s17", D(2013, 2, 8), self.pick_cites(fam), 1),
                    Report("gb_s18", D(2015, 11, 20), self.pick_cites(fam, 2), 2),
                ],
            )
        )
        prio = [("GB", gb, D(2012, 10, 12))]
        au = Member(
            "AU",
            f("AU", "2013245678"),
            D(2013, 10, 10),
            Status.EXAMINATION_COMMENCED,
            True,
            prio,
            [(f("AU", "AU 2013245678 A1", "publication"), D(2014, 5, 1))],
        )
        au.reports = [Report("au_exr", D(2015, 7, 14), self.pick_cites(fam, 2), 2)]
        fam.members.append(au)
        for office in ["EP", "US", "NZ", "SG"]:
            filed = D(2013, 10, 8) + dt.timedelta(days=self.rng.randint(0, 3))
            fam.members.append(
                self.member(
                    fam,
                    office,
                    self.nums.app(office, filed),
                    filed,
                    prio,
                    reports_=self.reports_for(fam, office, filed, chance=1.0),
                )
            )
        return fam

    def recent_unpublished(self) -> FamilySpec:
        """Filed 2025-2026: nothing is published yet, so only each office itself sees its own."""
        fam = self.new_family("US", D(2025, 7, 14), self._subject("Drone"))
        fam.applicants = ["Quarry Lake Robotics, Inc."]
        f = self._fixed
        us = f("US", "19/214,786")
        prio = [("US", us, D(2025, 7, 14))]
        fam.members.append(
            Member(
                "US",
                us,
                D(2025, 7, 14),
                Status.EXAMINATION_COMMENCED,
                False,
                [],
                [],
                reports=[Report("ctnf", D(2026, 9, 29), self.pick_cites(fam, 3), 2)],
            )
        )
        fam.members.append(
            Member(
                "EP",
                f("EP", "EP26171234"),
                D(2026, 7, 10),
                Status.FILED,
                False,
                prio,
                [],
                reports=[
                    Report("eesr", D(2026, 10, 21), self.pick_cites(fam), 1),
                    Report("eso", D(2026, 10, 21), self.pick_cites(fam), 1),
                ],
            )
        )
        pct = f("WO", "PCT/US2026/038412", "pct")
        fam.members.append(Member("US", pct, D(2026, 7, 13), Status.FILED, False, prio, []))
        return fam


# --------------------------------------------------------------------------------------------
# Report text
# --------------------------------------------------------------------------------------------


def _para(rng: random.Random) -> str:
    a = rng.randint(12, 60)
    return f"[{a:04d}]-[{a + rng.randint(3, 25):04d}]"


def _report_context(
    spec: FamilySpec, member: Member, app: Application, report: Report, rng: random.Random
) -> dict:
    category, code, form_ref, title, language = REPORT_KINDS[report.kind]
    office = member.office
    address, place, examiners = OFFICE_INFO[office]
    subj = spec.subject
    f1, f2, f3 = subj.features
    n, k = spec.claims, spec.second_independent
    cites = []
    ordered = sorted(report.cites, key=lambda t: ("XYA".find(t[1][0]) % 3, t[0].weight))
    for i, (c, cat, claims) in enumerate(ordered, start=1):
        passage = ""
        if c.display and cat == "A":
            passage = "* the whole document *"
        elif c.display.startswith("US") and c.display.endswith("B2"):
            passage = (
                f"* column {rng.randint(2, 9)}, line {rng.randint(1, 30)} - column "
                f"{rng.randint(10, 14)}, line {rng.randint(1, 60)}; figures 1-"
                f"{rng.randint(3, 8)} *"
            )
        elif c.display and rng.random() < 0.6:
            passage = (
                f"* paragraphs {_para(rng)}; figures {rng.randint(1, 4)}-{rng.randint(5, 9)} *"
            )
        elif c.display:
            passage = f"* abstract; claims 1-{rng.randint(4, 12)}; figure {rng.randint(1, 6)} *"
        cites.append(
            {
                "label": f"D{i}",
                "category": cat,
                "display": c.display,
                "npl": c.npl,
                "owner": c.owner,
                "pub_date": c.pub_date,
                "claims": claims,
                "passage": passage,
            }
        )
    d1 = cites[0]["display"] or "D1" if cites else "the prior art"
    d2 = (cites[1]["display"] or "D2") if len(cites) > 1 else "common general knowledge"
    x_claims = next((c["claims"] for c in cites if c["category"] == "X"), f"1, {k}")
    ctx = {
        "office_name": app.office.name,
        "office_address": address,
        "code": code,
        "form_ref": form_ref,
        "doc_title": title,
        "doc_subtitle": "",
        "doc_date": report.date,
        "application": app,
        "applicants": spec.applicants,
        "priorities": [
            {"display": numbers.normalise(p[1], office=p[0], kind="priority").display, "date": p[2]}
            for p in member.priorities
        ],
        "classification": subj.ipc,
        "citations": cites,
        "examiner": rng.choice(examiners),
        "place": place,
        "reference": f"{spec.applicants[0].split()[0][:4].upper()}-{rng.randint(1000, 9999)}"
        f"{rng.choice(['', 'WO', 'EP', 'PCT'])}",
        "language_note": LANGUAGE_NOTES.get(language, ""),
        "html_lang": "pt" if language == "pt" else "en",
    }
    L = report.length
    noun = subj.noun
    if category == Cat.SEARCH_REPORT:
        ctx["doc_subtitle"] = {
            "isr": "International Searching Authority — PCT Article 18 and Rules 43 and 44",
            "eesr": "Application number as filed — search carried out under Rule 61 EPC",
            "seesr": "Supplementary search under Article 153(7) EPC on the Euro-PCT application",
        }.get(report.kind, "Search carried out by the office on the claims as filed")
        ctx["completed"] = report.date - dt.timedelta(days=rng.randint(3, 12))
        ctx["fields_searched"] = "; ".join(sorted({c.split("/")[0] for c in subj.ipc.split("; ")}))
        ctx["databases"] = {
            "US": "PE2E search (US-PGPUB, USPAT, USOCR, EPO, JPO, DERWENT), IP.com",
            "EP": "EPO-Internal, WPI Data, INSPEC, COMPENDEX",
            "KR": "eKOMPASS (KIPO internal), Google Patents",
            "CN": "CNABS, CNTXT, VEN, CNKI",
            "JP": "JPO internal (FI/F-term), JDreamIII",
            "AU": "EPODOC, WPI, Google Patents",
            "GB": "WPI, EPODOC, Patent Fulltext",
        }.get(office, "EPODOC, WPI, full text")
        ctx["paragraphs"] = (
            []
            if L < 2
            else [
                f"The search was carried out on claims 1-{n} as filed. Claims {k} and 1 are "
                f"independent claims of different categories; a single search was possible.",
            ]
        )
        return ctx
    if category == Cat.WRITTEN_OPINION:
        law = {
            "wo_isa": ("Article 33(2) PCT", "Article 33(3) PCT", "Article 6 PCT"),
            "eso": ("Article 54(1) and (2) EPC", "Article 56 EPC", "Article 84 EPC"),
            "sg_wo": ("section 14", "section 15", "section 25(5)"),
        }[report.kind]
        paras_n = [
            f"Reference is made to the following documents: D1 "
            f"{cites[0]['display'] or cites[0]['npl'][:60]}; "
            f"D2 {cites[1]['display'] or cites[1]['npl'][:60]}."
            if len(cites) > 1
            else "Reference is made to the documents cited in the search report.",
            f"The subject-matter of claim 1 is not new within the meaning of {law[0]}. D1 "
            f"discloses (the references in parentheses applying to this document) a {noun} "
            f"comprising {f1} (paragraphs {_para(rng)}; figure {rng.randint(1, 5)}) and {f2} "
            f"(paragraph {_para(rng)[:6]}]).",
            f"Independent claim {k} contains the corresponding features in terms of a method; "
            f"the objection raised against claim 1 applies mutatis mutandis.",
        ]
        paras_i = [
            f"Dependent claims 2-{min(k - 1, 6)} do not contain any features which, in "
            f"combination with the features of any claim to which they refer, meet the "
            f"requirements of {law[1]}. In particular, {f3} is known from D2 for the same "
            f"purpose, and the skilled person would apply it to the {noun} of D1 without "
            f"inventive skill.",
            f"The additional feature of claim {min(k - 1, 7)} merely represents one of several "
            f"straightforward possibilities from which the skilled person would select, in "
            f"accordance with circumstances, without the exercise of inventive skill.",
            f"Claims {min(k - 1, 8)}-{k - 1} appear to involve an inventive step over the "
            f"documents cited: none of them suggests combining {f3} with {f2}.",
        ]
        paras_c = [
            f'The term "substantially" used in claim 1 has no well-recognised meaning and '
            f"leaves the reader in doubt as to the scope of the claim ({law[2]}).",
            "The description should be brought into conformity with the claims, and the "
            "documents D1 and D2 should be identified in the description with the relevant "
            "background art disclosed therein.",
        ]
        ctx["sections"] = [
            {"heading": "Novelty", "paragraphs": paras_n[: 1 + L]},
            {"heading": "Inventive step", "paragraphs": paras_i[:L]},
            {"heading": "Clarity and other observations", "paragraphs": paras_c[: max(1, L - 1)]},
        ]
        ctx["doc_subtitle"] = {
            "wo_isa": "Box No. V — Reasoned statement with regard to novelty, inventive step "
            "and industrial applicability (Rule 43bis.1(a)(i))",
            "eso": "Annex to the extended European search report (Rule 62 EPC)",
        }.get(report.kind, "Reasoned statement on the claims as filed")
        yes = f"{min(k - 1, 8)}-{k - 1}"
        ctx["statement"] = {
            "novel_yes": f"2-{k - 1}",
            "novel_no": f"1, {k}",
            "inventive_yes": yes,
            "inventive_no": f"1-{min(k - 1, 7)}, {k}",
            "claims": f"1-{n}",
        }
        return ctx
    # Office actions: the law and the deadline differ per office; the reasoning is the same.
    deadline_days = {
        "ctnf": 92,
        "ctfr": 92,
        "ep94": 122,
        "jp_nr": 91,
        "kr_npr": 61,
        "cn_oa1": 122,
        "au_exr": 365,
        "ca_req": 122,
        "gb_s18": 122,
        "il_exr": 92,
        "nz_fer": 365,
        "in_fer": 183,
        "br_pt": 90,
    }[report.kind]
    ctx["deadline"] = report.date + dt.timedelta(days=deadline_days)
    ctx["doc_kind"] = "office action" if office == "US" else "report"
    novelty, inventive, clarity = {
        "ctnf": ("35 U.S.C. 102(a)(1)", "35 U.S.C. 103", "35 U.S.C. 112(b)"),
        "ctfr": ("35 U.S.C. 102(a)(1)", "35 U.S.C. 103", "35 U.S.C. 112(b)"),
        "ep94": ("Article 54 EPC", "Article 56 EPC", "Article 84 EPC"),
        "jp_nr": (
            "Patent Act Article 29(1)(iii)",
            "Patent Act Article 29(2)",
            "Patent Act Article 36(6)(ii)",
        ),
        "kr_npr": (
            "Patent Act Article 29(1)",
            "Patent Act Article 29(2)",
            "Patent Act Article 42(4)(ii)",
        ),
        "cn_oa1": (
            "Article 22.2 of the Patent Law",
            "Article 22.3 of the Patent Law",
            "Article 26.4 of the Patent Law",
        ),
        "au_exr": ("section 7(1) of the Patents Act 1990", "section 7(2)", "section 40(3)"),
        "ca_req": (
            "section 28.2 of the Patent Act",
            "section 28.3 of the Patent Act",
            "subsection 27(4) of the Patent Act",
        ),
        "gb_s18": ("section 1(1)(a)", "section 1(1)(b)", "section 14(5)(b)"),
        "il_exr": (
            "section 4 of the Patents Law",
            "section 5 of the Patents Law",
            "section 13 of the Patents Law",
        ),
        "nz_fer": ("section 6 of the Patents Act 2013", "section 7", "section 39"),
        "in_fer": ("section 2(1)(j)", "section 2(1)(ja)", "section 10(4)(c)"),
        "br_pt": ("Art. 11 da LPI", "Art. 13 da LPI", "Art. 25 da LPI"),
    }[report.kind]
    if report.kind == "br_pt":
        ctx["sections"] = [
            {
                "heading": "Novidade e atividade inventiva",
                "paragraphs": [
                    f"A matéria das reivindicações {x_claims} não atende ao requisito de "
                    f"novidade ({novelty}) frente ao documento D1, que revela {f1}.",
                    f"As reivindicações dependentes não apresentam atividade inventiva "
                    f"({inventive}): a combinação de D1 com D2 é óbvia para um técnico no assunto.",
                ][: 1 + (L > 1)],
            },
            {
                "heading": "Conclusão",
                "paragraphs": [
                    "O pedido não atende às condições de patenteabilidade. O depositante deverá "
                    "manifestar-se no prazo de 90 dias, nos termos do Art. 36 da LPI."
                ],
            },
        ]
        ctx["doc_subtitle"] = "Exame técnico — ciência de parecer (despacho 7.1)"
        return ctx
    intro = {
        "ctnf": f"This action is responsive to the application filed "
        f"{member.filed:%d %B %Y}. Claims 1-{n} are pending; claims 1 and {k} are "
        f"independent.",
        "ctfr": "Applicant's arguments filed with the amendment have been fully considered but "
        "they are not persuasive. THIS ACTION IS MADE FINAL. See MPEP 706.07(a).",
        "ep94": f"The examination is being carried out on the following application documents: "
        f"description pages 1-{rng.randint(18, 40)} as published; claims 1-{n} filed "
        f"with the entry into the regional phase; drawings sheets 1/{rng.randint(4, 9)} "
        f"as published.",
        "jp_nr": "This application should be refused for the reasons stated below. Any argument "
        "against them must be submitted within 60 days (three months for applicants "
        "residing abroad) from the date of dispatch of this notice.",
        "kr_npr": "The application is to be rejected for the following reasons. If you have any "
        "opinion, please submit a written opinion or an amendment by the deadline.",
        "cn_oa1": "After examination of the above application for invention, the examiner's "
        "opinions are as follows. The applicant is requested to submit observations "
        "within four months of the date of this notification.",
        "au_exr": "I have completed the examination of your application. The application does "
        "not satisfy the requirements of the Patents Act 1990 for the reasons below.",
        "ca_req": "The examiner has reviewed the application and identified defects which must "
        "be corrected. In order to avoid abandonment under paragraph 73(1)(a) of the "
        "Patent Act, a written reply must be received by the deadline.",
        "gb_s18": "I have examined your application and the following points arise.",
        "il_exr": "The application was examined and the following objections were raised.",
        "nz_fer": "I have examined your complete specification and the following objections "
        "must be addressed before the application can be accepted.",
        "in_fer": "The application has been examined; the following requirements must be met "
        "to put it in order for grant within six months (Rule 24B(5)).",
    }[report.kind]
    ctx["doc_subtitle"] = intro
    has_x = any(c["category"].startswith("X") for c in cites)
    sections = [
        {
            "heading": "Novelty",
            "paragraphs": [
                f"Claims {x_claims} are objected to under {novelty} as being anticipated by D1. "
                f"D1 discloses a {noun} comprising {f1} (see {_para(rng)}) and {f2} "
                f"(see figure {rng.randint(1, 6)} and the related description).",
                f"In particular, the wording of claim 1 does not distinguish "
                f"the claimed {noun} from "
                f"that of D1: the features said to be new are implicit in the arrangement of "
                f"figure {rng.randint(2, 7)} of D1.",
            ][:L],
        },
        {
            "heading": "Inventive step",
            "paragraphs": [
                f"Claims {min(k - 1, 5)}-{k - 1} are objected to under {inventive}. The difference "
                f"over D1 is {f3}. The problem solved is to improve reliability of the {noun}. "
                f"{d2} teaches {f3} for the same purpose; combining it with D1 is obvious to the "
                f"person skilled in the art.",
                f"The applicant's argument that D1 teaches away from {f3} is not persuasive: D1 "
                f"merely describes a preferred embodiment and does not discourage alternatives.",
                f"No inventive contribution is seen in the ranges of claims {min(k - 1, 6)} and "
                f"{min(k - 1, 7)}; they result from routine optimisation.",
            ][:L],
        },
        {
            "heading": "Clarity",
            "paragraphs": [
                f'Claim {k} is unclear under {clarity}: the expression "configured to optimise" '
                f"does not define a technical feature of the {noun}.",
            ],
        },
    ]
    if not has_x:
        # Nothing anticipates the claims: the report argues inventive step only.
        sections = sections[1:]
        sections[0]["paragraphs"][0] = (
            sections[0]["paragraphs"][0]
            .replace(f"Claims {min(k - 1, 5)}-{k - 1}", f"Claims 1-{k - 1}")
            .replace("The difference over D1", "The closest prior art is D1; the difference")
        )
    if L >= 2:
        sections.append(
            {
                "heading": "Amendments and allowable matter",
                "paragraphs": [
                    f"Claim {min(n, k + 1)} would be allowable if rewritten in independent form "
                    f"including all the features of the base claim and any intervening claims.",
                    "Any amendment must be supported by the application as "
                    "filed; the applicant should "
                    "indicate the basis of every amendment in the description.",
                ][: L - 1],
            }
        )
    if L >= 3:
        sections.append(
            {
                "heading": "Further remarks",
                "paragraphs": [
                    f"The examiner has also considered {d1} and the documents cited in the search "
                    f"reports of corresponding applications in the same family. "
                    f"The results of those "
                    f"searches have been taken into account in this report.",
                    f'The description, page {rng.randint(2, 9)}, refers to "the '
                    f'invention" in terms '
                    f"broader than the claims; these passages should be deleted "
                    f"or amended to avoid "
                    f"inconsistency.",
                    f"If the applicant considers that {f3} produces a surprising technical effect, "
                    f"comparative data should be filed with the response.",
                ],
            }
        )
    if L >= 3:
        feats = [f1, f2, f3]
        sections.append(
            {
                "heading": "Dependent claims",
                "paragraphs": [
                    f"Claim {c}: the additional feature, {feats[c % 3]}, is known from "
                    f"D{1 + c % max(1, len(cites))} ({_para(rng)}) or is a usual "
                    f"design option for a "
                    f"{noun}; claim {c} does not add anything inventive to claim "
                    f"{1 if c < k else k}."
                    for c in range(2, min(n, 11))
                    if c != k
                ],
            }
        )
    ctx["sections"] = sections
    return ctx


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _cache_dir() -> Path:
    # Rendered PDFs by hash of their HTML: a second process loading the demo (tests, a fresh
    # database) reuses them instead of spending ~0.15 s of CPU per report again.
    return Path(settings.VAR_DIR) / "cache" / "demo-reports"


def families() -> list[FamilySpec]:
    """The demo families, built the same way every time."""
    return _Builder().build()


def _same(app: Application, member: Member, spec: FamilySpec, pct_key: str) -> bool:
    prios = {numbers.normalise(n, office=o, kind="priority").key for o, n, _ in member.priorities}
    pubs = set()
    for text, d in member.publications:
        p = numbers.normalise(text, office=member.office, kind="publication")
        pubs.add((p.key, p.kind_code or "", d))
    return (
        app.filing_date == member.filed
        and app.title == spec.subject.title
        and app.applicants == spec.applicants
        and app.status == member.status
        and app.published == member.published
        and app.pct_key == pct_key
        # Prefetched: comparing costs no query, so a second load is a handful of queries.
        and {c.key for c in app.priority_claims.all()} == prios
        # application_upsert adds publications but never removes one, so compare as a subset:
        # a stale extra publication from an older demo must not make every load re-save.
        and pubs <= {(p.key, p.kind_code, p.date) for p in app.publications.all()}
    )


def _member_upsert(
    spec: FamilySpec, member: Member, offices: dict, existing: dict, changes: list
) -> Application:
    key = numbers.normalise(member.number, office=member.office, kind="application").key
    pct_key = numbers.normalise(member.pct, kind="pct").key if member.pct else ""
    app = existing.get(key)
    if app is not None and _same(app, member, spec, pct_key):
        return app
    app = application_upsert(
        office=offices[member.office],
        number=member.number,
        filing_date=member.filed,
        title=spec.subject.title,
        applicants=spec.applicants,
        status=member.status,
        published=member.published,
        priorities=[PriorityIn(o, n, d) for o, n, d in member.priorities],
        publications=[PublicationIn(n, d) for n, d in member.publications],
        pct=member.pct,
    )
    changes.append(f"application {app.display}")
    return app


def _report_add(
    spec: FamilySpec,
    member: Member,
    app: Application,
    report: Report,
    rng: random.Random,
    present: set,
    changes: list,
) -> None:
    category, code, *_rest, language = REPORT_KINDS[report.kind]
    # Text randomness is drawn even when the report exists, so later reports render the same.
    ctx = _report_context(spec, member, app, report, rng)
    if (app.pk, category, code, report.date) in present:
        return
    pdf = reports.report_render(category=category, context=ctx, cache_dir=_cache_dir())
    sha = hashlib.sha256(pdf).hexdigest()
    if (app.pk, sha) in present:
        return
    name = f"{app.key}_{code.replace(' ', '')}_{report.date:%Y%m%d}.pdf"
    doc = document_add(
        application=app,
        file=ContentFile(pdf, name=name),
        category=category,
        date=report.date,
        code=code,
        language=language,
        original_name=name,
    )
    present |= {(app.pk, category, code, report.date), (app.pk, sha)}
    rows = []
    for c, cat, claims in report.cites:
        if c.display:
            p = numbers.normalise(c.display, kind="publication")
            rows.append(
                Citation(
                    document=doc,
                    cited_key=p.key,
                    cited_display=p.display,
                    category=cat,
                    claims=claims,
                )
            )
        else:
            rows.append(Citation(document=doc, npl_text=c.npl, category=cat, claims=claims))
    Citation.objects.bulk_create(rows)
    changes.append(f"document {app.display} {code} {report.date}")


@transaction.atomic
def load(stdout=None) -> list[str]:
    offices = {o.code: o for o in Office.objects.all()}
    changes: list[str] = []
    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible demo data, not secrets
    existing = {
        a.key: a
        for a in Application.objects.select_related("office").prefetch_related(
            "priority_claims", "publications"
        )
    }
    present: set[tuple] = set()
    for app_id, category, code, date, sha in Document.objects.live().values_list(
        "application_id", "category", "code", "date", "sha256"
    ):
        present |= {(app_id, category, code, date), (app_id, sha)}
    for spec in families():
        for member in spec.members:
            if member.office not in offices:
                continue
            app = _member_upsert(spec, member, offices, existing, changes)
            for report in member.reports:
                _report_add(spec, member, app, report, rng, present, changes)
    return changes
