"""The demo families: drawn from the data with one seeded random.Random, the same every time.

Four archetypes (PCT route, Paris route, a bridge of two priority groups, a first filing) plus
fixed showcase families whose numbers the builder's docstring lists.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import numbers
from .data import (
    APPLICANTS,
    ISA_FOR,
    KIND_DELAY,
    NATIONAL_KINDS,
    NPL_AUTHORS,
    NPL_SOURCES,
    REPORT_KINDS,
    RO_FOR,
    SEED,
    TODAY,
    Cat,
    Cite,
    D,
    FamilySpec,
    Member,
    Report,
    Status,
    Subject,
)
from .data_subjects import SUBJECTS
from .numbering import DemoNumbers


class FamilySpecBuilder:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.nums = DemoNumbers(self.rng)
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
        # The receiving office records the PCT application (issue 18.9); the ISA's reports are
        # filed on it.
        fam.members.append(
            Member(
                office=ro,
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
        # The national phases of PCT/US2013/064552: publications (number, date) and reports
        # (kind, date, length) as each office shared them.
        nationals = {
            "EP 13844704": (
                Status.EXAMINATION_COMMENCED,
                [("EP 2906789 A1", D(2015, 8, 19))],
                [
                    ("seesr", D(2016, 3, 30), 1),
                    ("eso", D(2016, 3, 30), 2),
                    ("ep94", D(2017, 2, 14), 2),
                ],
            ),
            "AU 2013334567": (
                Status.EXAMINATION_COMMENCED,
                [("AU 2013334567 A1", D(2015, 4, 30))],
                [("au_exr", D(2016, 6, 21), 2)],
            ),
            "CA 2,887,123": (
                Status.EXAMINATION_COMMENCED,
                [("CA 2,887,123 A1", D(2015, 4, 17))],
                [("ca_req", D(2018, 9, 12), 1)],
            ),
            "JP 2015-536789": (
                Status.GRANTED,
                [("JP 2016-501234 A", D(2016, 1, 7)), ("JP 6122345 B2", D(2017, 4, 7))],
                [("jp_nr", D(2016, 8, 23), 1)],
            ),
            "KR 10-2015-7012345": (
                Status.EXAMINATION_COMMENCED,
                [("KR 10-2015-0071234 A", D(2015, 6, 26))],
                [("kr_npr", D(2018, 2, 6), 1)],
            ),
            "CN 201380062258": (
                Status.EXAMINATION_COMMENCED,
                [("CN 104823417 A", D(2015, 8, 5))],
                [("cn_oa1", D(2016, 7, 18), 2)],
            ),
            "IN 3456/CHENP/2015": (Status.PUBLISHED, [], []),
            "BR 11 2015 008765": (Status.FILED, [("BR 11 2015 008765 A2", D(2017, 7, 4))], []),
        }
        for number, (status, pubs, reps) in nationals.items():
            office = number[:2]
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

    def _au_and_nationals(
        self,
        fam: FamilySpec,
        prio: list,
        *,
        au: tuple[str, dt.date, dt.date],
        au_report: tuple[dt.date, int],
        offices: list[str],
        filed_from: dt.date,
    ) -> None:
        """The showcases' tail: an AU member (number, filed, published) with one examination
        report (date, length), then a national member in each of `offices` filed within three
        days of `filed_from`, each with reports."""
        number, filed, published = au
        f = self._fixed
        member = Member(
            "AU",
            f("AU", number),
            filed,
            Status.EXAMINATION_COMMENCED,
            True,
            prio,
            [(f("AU", f"AU {number} A1", "publication"), published)],
        )
        report_date, length = au_report
        member.reports = [Report("au_exr", report_date, self.pick_cites(fam, 2), length)]
        fam.members.append(member)
        for office in offices:
            filed = filed_from + dt.timedelta(days=self.rng.randint(0, 3))
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
        self._au_and_nationals(
            fam,
            prio,
            au=("2013237890", D(2013, 10, 3), D(2014, 4, 17)),
            au_report=(D(2015, 6, 2), 1),
            offices=["US", "EP", "CN", "KR"],
            filed_from=D(2013, 10, 1),
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
        self._au_and_nationals(
            fam,
            prio,
            au=("2013245678", D(2013, 10, 10), D(2014, 5, 1)),
            au_report=(D(2015, 7, 14), 2),
            offices=["EP", "US", "NZ", "SG"],
            filed_from=D(2013, 10, 8),
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


def families() -> list[FamilySpec]:
    """The demo families, built the same way every time."""
    return FamilySpecBuilder().build()
