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
        national_phase = pct_year is not None
        doy = d.timetuple().tm_yday
        base = 500_000 + doy * 160 if national_phase else doy * 780
        return self.take("JP", lambda b: f"JP {d.year}-{base + self.r(0, 150) + b * 3:06d}")

    def kr_app(self, d: dt.date, pct_year: int | None = None) -> str:
        national_phase = pct_year is not None
        doy = d.timetuple().tm_yday
        base = 7_000_000 + doy * 90 if national_phase else doy * 480
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
        national_phase = pct_year is not None
        if national_phase:
            d = D(pct_year, d.month, 1)  # AU national phases are numbered in the PCT's year
        base = (300_000 if national_phase else 200_000) + d.timetuple().tm_yday * 170
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
        national_phase = pct_year is not None
        prefix = "11" if national_phase else "10"
        base = d.timetuple().tm_yday * 25
        return self.take("SG", lambda b: f"SG {prefix}{d.year}{base + self.r(0, 20) + b:05d}")

    def in_app(self, d: dt.date, pct_year: int | None = None) -> str:
        national_phase = pct_year is not None
        city = self.rng.choice(["DEL", "MUM", "CHE", "KOL"])
        suffix = f"{city}NP" if national_phase else city
        base = d.timetuple().tm_yday * 12
        return self.take("IN", lambda b: f"IN {base + self.r(0, 10) + b}/{suffix}/{d.year}")

    def br_app(self, d: dt.date, pct_year: int | None = None) -> str:
        national_phase = pct_year is not None
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

        match office:
            case "US":
                out.append(
                    (take(lambda b: f"US {pub.year}/{doy * 900 + r(0, 800) + b:07d} A1"), pub)
                )
            case "EP":
                n = self.since(pub, 2_500_000, D(2012, 9, 19), 350, 300)
                disp = take(lambda b: f"EP {n + b} A1")
                out.append((disp, pub))
                if granted:
                    out.append((disp.replace(" A1", " B1"), grant))
            case "JP":
                kind_base = 500_000 if "-5" in app_display else 0
                out.append(
                    (
                        take(
                            lambda b: f"JP {pub.year}-{kind_base + doy * 700 + r(0, 600) + b:06d} A"
                        ),
                        pub,
                    )
                )
            case "KR":
                out.append(
                    (take(lambda b: f"KR 10-{pub.year}-{doy * 300 + r(0, 250) + b:07d} A"), pub)
                )
            case "CN":
                n = self.since(pub, 103_000_000, D(2013, 4, 1), 2200, 2000)
                disp = take(lambda b: f"CN {n + b} A")
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
