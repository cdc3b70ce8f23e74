"""Demo numbers: plausible for the office and the date, unique across the demo."""

from __future__ import annotations

import datetime as dt
import random

from .. import numbers
from .data import D, Status

# Grant numbers run on from a known number: (first, its date, grants a day, jitter, form).
_GRANT_SERIES = {
    "US": (8_000_000, D(2011, 8, 16), 740, 600, "US {:,} B2"),
    "JP": (5_000_000, D(2012, 6, 1), 680, 500, "JP {} B2"),
    "KR": (1_200_000, D(2012, 11, 1), 420, 300, "KR 10-{} B1"),
}
# First publications numbered in their year by day of the year: (serials a day, jitter, form).
_DAILY_PUBLICATIONS = {
    "US": (900, 800, "US {year}/{n:07d} A1"),
    "JP": (700, 600, "JP {year}-{n:06d} A"),
    "KR": (300, 250, "KR 10-{year}-{n:07d} A"),
}
# Publications numbered on from a known number, granted under the same number: (first, its
# date, a day, jitter, form, the grant's kind code).
_RUNNING_PUBLICATIONS = {
    "EP": (2_500_000, D(2012, 9, 19), 350, 300, "EP {} A1", "B1"),
    "CN": (103_000_000, D(2013, 4, 1), 2200, 2000, "CN {} A", "B"),
}
# Published under the application's own number: (first kind code, the grant's or None).
_APPLICATION_NUMBER_PUBLICATIONS = {
    "CA": ("A1", None),
    "AU": ("A1", "B2"),
    "IL": ("A", None),
    "NZ": ("A", None),
    "BR": ("A2", None),
}

# Offices whose application numbers the demo makes (a method `<office>_app(d, pct_year)` each).
_APPLICATION_OFFICES = frozenset(
    {"US", "JP", "KR", "CN", "EP", "GB", "CA", "AU", "IL", "NZ", "SG", "IN", "BR"}
)


class DemoNumbers:
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

    def since(self, d: dt.date, first: int, start: dt.date, per_day: int, jitter: int = 0) -> int:
        """A serial that grows by `per_day` from `first` on `start`, give or take `jitter`."""
        n = first + (d - start).days * per_day
        return n + self.r(0, jitter) if jitter else n

    # Applications -------------------------------------------------------------------------
    def us_provisional(self, d: dt.date) -> str:
        base = self.since(d, 430_000, D(2011, 1, 1), 460, 400)
        series = "61" if d < D(2014, 6, 1) else "62"
        return self.take("US", lambda b: f"US {series}/{(base + b * 7) % 1_000_000:06d}")

    def us_app(self, d: dt.date, _pct_year: int | None = None) -> str:
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

    def jp_app(self, d: dt.date, pct_year: int | None = None) -> str:
        doy = d.timetuple().tm_yday
        base = doy * 780 if pct_year is None else 500_000 + doy * 160
        return self.take("JP", lambda b: f"JP {d.year}-{base + self.r(0, 150) + b * 3:06d}")

    def kr_app(self, d: dt.date, pct_year: int | None = None) -> str:
        doy = d.timetuple().tm_yday
        base = doy * 480 if pct_year is None else 7_000_000 + doy * 90
        return self.take("KR", lambda b: f"KR 10-{d.year}-{base + self.r(0, 80) + b:07d}")

    def cn_app(self, d: dt.date, pct_year: int | None = None) -> str:
        if pct_year:
            base = 40_000 + self.r(0, 30_000)
            return self.take("CN", lambda b: f"CN {pct_year}8{base + b:07d}")
        base = d.timetuple().tm_yday * 1500 + self.r(0, 1200)
        return self.take("CN", lambda b: f"CN {d.year}1{base + b:07d}")

    def ep_app(self, d: dt.date, pct_year: int | None = None) -> str:
        if pct_year:
            base = 700_000 + self.r(0, 190_000)
            return self.take("EP", lambda b: f"EP {pct_year % 100:02d}{base + b:06d}")
        base = 150_000 + d.timetuple().tm_yday * 150 + self.r(0, 140)
        return self.take("EP", lambda b: f"EP {d.year % 100:02d}{base + b:06d}")

    def gb_app(self, d: dt.date, _pct_year: int | None = None) -> str:
        base = d.timetuple().tm_yday * 60 + self.r(0, 50)
        return self.take("GB", lambda b: f"GB {d.year % 100:02d}{base + b:05d}")

    def ca_app(self, d: dt.date, _pct_year: int | None = None) -> str:
        base = self.since(d, 2_700_000, D(2011, 1, 1), 110, 100)
        return self.take("CA", lambda b: f"CA {base + b:,}")

    def au_app(self, d: dt.date, pct_year: int | None = None) -> str:
        if pct_year is not None:
            d = D(pct_year, d.month, 1)  # AU national phases are numbered in the PCT's year
        base = (200_000 if pct_year is None else 300_000) + d.timetuple().tm_yday * 170
        return self.take("AU", lambda b: f"AU {d.year}{base + self.r(0, 160) + b:06d}")

    def au_provisional(self, d: dt.date) -> str:
        base = 900_000 + d.timetuple().tm_yday * 14
        return self.take("AU", lambda b: f"AU {d.year}{base + b:06d}", kind="priority")

    def il_app(self, d: dt.date, _pct_year: int | None = None) -> str:
        base = self.since(d, 210_000, D(2011, 1, 1), 17)
        return self.take("IL", lambda b: f"IL {base + self.r(0, 15) + b}")

    def nz_app(self, d: dt.date, _pct_year: int | None = None) -> str:
        base = self.since(d, 590_000, D(2011, 1, 1), 75)
        return self.take("NZ", lambda b: f"NZ {base + self.r(0, 70) + b}")

    def sg_app(self, d: dt.date, pct_year: int | None = None) -> str:
        prefix = "10" if pct_year is None else "11"
        base = d.timetuple().tm_yday * 25
        return self.take("SG", lambda b: f"SG {prefix}{d.year}{base + self.r(0, 20) + b:05d}")

    def in_app(self, d: dt.date, pct_year: int | None = None) -> str:
        city = self.rng.choice(["DEL", "MUM", "CHE", "KOL"])
        suffix = city if pct_year is None else f"{city}NP"
        base = d.timetuple().tm_yday * 12
        return self.take("IN", lambda b: f"IN {base + self.r(0, 10) + b}/{suffix}/{d.year}")

    def br_app(self, d: dt.date, pct_year: int | None = None) -> str:
        prefix = "10" if pct_year is None else "11"
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
        """An application filed at `office` on `d`; a national phase if `pct_year` is given."""
        if office not in _APPLICATION_OFFICES:
            raise ValueError(office)
        return getattr(self, f"{office.lower()}_app")(d, pct_year)

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

        def take(number_of) -> str:  # a publication number of this office not taken yet
            return self.take(office, number_of, "publication")

        if office in _DAILY_PUBLICATIONS:
            per_day, jitter, form = _DAILY_PUBLICATIONS[office]
            base = 500_000 if office == "JP" and "-5" in app_display else 0  # JP national phase
            n = base + doy * per_day
            out.append((take(lambda b: form.format(year=pub.year, n=n + r(0, jitter) + b)), pub))
        elif office in _RUNNING_PUBLICATIONS:
            first, start, per_day, jitter, form, grant_kind = _RUNNING_PUBLICATIONS[office]
            n = self.since(pub, first, start, per_day, jitter)
            disp = take(lambda b: form.format(n + b))
            out.append((disp, pub))
            if granted:
                out.append((f"{disp.rsplit(' ', 1)[0]} {grant_kind}", grant))
        elif office in _APPLICATION_NUMBER_PUBLICATIONS:
            first_kind, grant_kind = _APPLICATION_NUMBER_PUBLICATIONS[office]
            out.append((f"{app_display} {first_kind}", pub))
            if granted and grant_kind:
                out.append((f"{app_display} {grant_kind}", grant))
        if granted and office in _GRANT_SERIES:
            first, start, per_day, jitter, form = _GRANT_SERIES[office]
            n = self.since(grant, first, start, per_day, jitter)
            out.append((take(lambda b: form.format(n + b)), grant))
        return out

    def wo_pub(self, d: dt.date) -> str:
        base = d.timetuple().tm_yday * 580
        return self.take(
            "WO", lambda b: f"WO {d.year}/{base + self.r(0, 500) + b:06d} A1", "publication"
        )
