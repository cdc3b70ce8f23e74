"""The demo's inventions: title, noun, three claimed features and an IPC class each. Pure data."""

from .data import Subject

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
