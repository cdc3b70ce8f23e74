"""Four real patent families and the spellings examiners paste for their numbers.

The numbers and the links between them are those of EPO OPS records (the sources are the rows of
tests/dossiers/data/number_corpus.csv, named per family below), except the first family, which
gathers the numbers issue 13 names (US 13/926,335 with its EPODOC form, EP 13844704, PCT/US2013/
064552, JP 2015-536789, GB 1218345.6, CN 201380062258) into one family as the issue's examiner
met them. Each spelling is one an examiner copies from Espacenet, OPS or an office register.
"""

import datetime as dt

from dossiers.services.applications import PriorityIn, PublicationIn, application_upsert

D = dt.date
_CASSETTES = "parkerhancock/patent_client @ 7b5e5569, patent_client/_async/epo/ops/published/"

# family name -> (source, [(office, number, filed, priorities, pct, publications)])
FAMILIES = {
    "issue-13": (
        "the numbers of issue 13",
        [
            ("GB", "GB 1218345.6", D(2012, 10, 12), [], None, []),
            (
                "US",
                "US 13/926,335",
                D(2013, 6, 25),
                [("GB", "GB 1218345.6", D(2012, 10, 12))],
                None,
                [],
            ),
            (
                "EP",
                "EP 13844704.0",
                D(2013, 10, 10),
                [("US", "US 13/926,335", D(2013, 6, 25))],
                "PCT/US2013/064552",
                [],
            ),
            (
                "JP",
                "JP 2015-536789",
                D(2015, 4, 8),
                [("US", "US 13/926,335", D(2013, 6, 25))],
                "PCT/US2013/064552",
                [],
            ),
            (
                "CN",
                "CN 201380062258.8",
                D(2013, 10, 10),
                [("US", "US 13/926,335", D(2013, 6, 25))],
                "PCT/US2013/064552",
                [],
            ),
        ],
    ),
    "us-8131731": (
        _CASSETTES + "cassettes/manager_test/TestPublished.test_get_family_from_result.yaml",
        [
            (
                "US",
                "US.96495207.A",
                D(2007, 12, 27),
                [],
                None,
                [("US 2009/0171930 A1", D(2009, 7, 2)), ("US 8,131,731 B2", D(2012, 3, 6))],
            ),
            (
                "EP",
                "EP.08868513.A",
                D(2008, 12, 12),
                [("US", "US.96495207.A", D(2007, 12, 27))],
                "US.2008086599.W",
                [("EP 2225660 A2", D(2010, 9, 8)), ("EP 2225660 A4", D(2011, 1, 5))],
            ),
            (
                "JP",
                "JP.2010540766.A",
                D(2008, 12, 12),
                [("US", "US.96495207.A", D(2007, 12, 27))],
                "US.2008086599.W",
                [("JP 2011-511970 A", D(2011, 4, 14)), ("JP 4961043 B2", D(2012, 6, 27))],
            ),
            (
                "CN",
                "CN.200880123968.A",
                D(2008, 12, 12),
                [("US", "US.96495207.A", D(2007, 12, 27))],
                "US.2008086599.W",
                [("CN 101911042 A", D(2010, 12, 8)), ("CN 101911042 B", D(2016, 9, 14))],
            ),
            (
                "TW",
                "TW.97145995.A",
                D(2008, 11, 27),
                [("US", "US.96495207.A", D(2007, 12, 27))],
                None,
                [("TW 200928818 A", D(2009, 7, 1)), ("TW I452476 B", D(2014, 9, 11))],
            ),
        ],
    ),
    "au-2013290010": (
        _CASSETTES + "test/biblio_example_3.xml",
        [
            (
                "AU",
                "AU 2013290010",
                D(2013, 7, 12),
                [("US", "US 13/547,826", D(2012, 7, 12))],
                "PCT/US2013/050328",
                [("AU 2013290010 A1", D(2015, 2, 5))],
            ),
        ],
    ),
    "dk-19702186": (
        "patent-dev/epo-ops @ 9b8aa45b, demo/examples/search_with_constituent/response.xml",
        [
            (
                "DK",
                "DK 19702186.8",
                D(2019, 1, 14),
                [("GB", "GB 1800758", D(2018, 1, 17))],
                "PCT/EP2019/050740",
                [("DK 3740998 T3", D(2025, 10, 20))],
            ),
        ],
    ),
}

# family name -> spellings that must lead there (EPO original, DOCDB, EPODOC, with kind codes)
SPELLINGS = {
    "issue-13": [
        "US20130926335", "US201313926335", "US.201313926335.A", "US 13/926,335", "13/926,335",
        "JP20150536789", "JP.2015536789.A", "JP 2015-536789",
        "GB20120018345", "GB201218345", "GB1218345.6", "GB.201218345.A",
        "CN201380062258A", "CN 201380062258.8", "CN.201380062258.A",
        "EP13844704.0", "EP20130844704", "EP.13844704.A",
        "PCT/US2013/064552", "WO2013US64552", "US.2013064552.W",
    ],
    "us-8131731": [
        "US.96495207.A", "US20070964952", "11/964,952",
        "US 8,131,731 B2", "US8131731", "US.8131731.B2",
        "US2009171930A1", "US 2009/0171930 A1", "US.2009171930.A1",
        "PCT/US2008/086599", "US.2008086599.W", "WO2008US86599",
        "EP.08868513.A", "EP 08868513", "EP2225660A2", "EP.2225660.A4",
        "JP.2010540766.A", "JP 2010-540766", "JP4961043B", "JP.4961043.B2", "JP 2011-511970 A",
        "CN.200880123968.A", "CN101911042B", "CN.101911042.A",
        "TW.97145995.A", "TWI452476B", "TW.200928818.A",
        # the same publications as Google Patents writes them (publication_number)
        "US-8131731-B2", "US-2009171930-A1", "EP-2225660-A2", "JP-4961043-B2", "CN-101911042-B",
    ],
    "au-2013290010": [
        "AU20130290010", "AU.2013290010.A", "AU 2013290010", "AU2013290010A1", "AU.2013290010.A1",
        "US201213547826", "US 13/547,826", "WO2013US50328", "PCT/US2013/050328",
        "US.2013050328.W",
    ],
    "dk-19702186": [
        "DK19702186T", "DK.19702186.T", "DK 19702186.8", "DK3740998T", "DK.3740998.T3",
        "GB20180000758", "GB201800758", "WO2019EP50740", "PCT/EP2019/050740",
    ],
}  # fmt: skip


def families_load(offices: dict) -> dict:
    """The four families through the services; returns family name -> family id.
    `offices` maps an office code to its Office row (every code used above)."""
    family_ids = {}
    for name, (_source, members) in FAMILIES.items():
        for code, number, filed, priorities, pct, publications in members:
            app = application_upsert(
                office=offices[code],
                number=number,
                filing_date=filed,
                priorities=[PriorityIn(*p) for p in priorities],
                pct=pct,
                publications=[PublicationIn(*p) for p in publications],
                published=True,
            )
        family_ids[name] = app.family_id
    return family_ids


OFFICE_CODES = sorted({m[0] for _s, members in FAMILIES.values() for m in members})
