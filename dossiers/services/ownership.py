"""Who may record which application number: a rule of the numbers alone (no database), so the
form, the API, the bulk call and the import refuse the same numbers with the same words.

A PCT (WO) application is recorded by the office that received it, the one named in its number
(PCT/US2013/064552: US), or by the International Bureau. Any other office would lock the real
owner out of its own record (issue 18.9). An office entering the national phase records its own
application under its own number and gives the PCT number as its `pct` link, which any office
may; that is what links the national phases into the family.
"""

from .. import numbers

# Office codes of the International Bureau, which holds every PCT application.
PCT_BUREAU_CODES = frozenset({"WO", "IB"})


def pct_receiving_office(number: numbers.PatentNumber) -> str:
    """The receiving office's code of a PCT number: WO2013US064552 -> US."""
    return number.key[6:8]


def application_owner_error(office_code: str, number: numbers.PatentNumber) -> str | None:
    """Why `office_code` may not record `number` as its application, or None."""
    if number.office != "WO" or office_code in PCT_BUREAU_CODES:
        return None
    receiving = pct_receiving_office(number)
    if office_code == receiving:
        return None
    return (
        f"{number.display} was filed with receiving office {receiving}; only {receiving} (or the "
        "International Bureau) records it. Record your national phase under your own application "
        "number and give this number as its PCT number."
    )
