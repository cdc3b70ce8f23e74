"""The one number -> application lookup (applications_find) and the search built on it.

Every reading of a typed text is tried against the stored keys, among a `within` queryset that
says who may see what (Application.objects.visible_to).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from case_portal.compiled import compiled_rows

from .. import family_reads, numbers
from ..models import Application, LookupKey, visibility_shape

MAX_SEARCH_LINES = 1000
_SOURCES_FOR_KIND = {
    "publication": {LookupKey.Source.PUBLICATION},
    "application": set(LookupKey.LINKING),
    "priority": set(LookupKey.LINKING),
    "pct": set(LookupKey.LINKING),
}
# Offices a bare number is tried in (after the searcher's own and the portal's offices): those
# with a format of their own, whose numbers are often claimed as priorities.
_BARE_NUMBER_OFFICES = ("US", "EP", "WO", "JP", "KR", "CN", "DE", "GB", "FR", "CA", "AU", "IN")


class _LeadsTo:
    """What a typed number leads to: `matches`, its applications in filing order."""

    matches: list[Application]

    @property
    def family_ids(self) -> list[int]:
        return sorted({a.family_id for a in self.matches})


@dataclass
class Reading(_LeadsTo):
    """One way to read a typed number and the applications it leads to."""

    number: numbers.PatentNumber
    matches: list[Application] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)

    @property
    def application(self) -> Application | None:
        """The one application meant: the one whose own number this is, else the first."""
        for app in self.matches:
            if app.key == self.number.key:
                return app
        return self.matches[0] if self.matches else None

    @property
    def label(self) -> str:
        """Office and kind, for "did you mean": "US application", "PCT application"."""
        if self.number.kind == "pct":
            return "PCT application"
        return f"{self.number.office} {self.number.kind}"


@dataclass
class SearchLine(_LeadsTo):
    """One typed number and the applications it leads to, most likely first.

    `number` is the reading that exists (the most likely one when several do, the most likely
    of all when none does); `others` the further readings that exist too ("did you mean").
    """

    typed: str
    number: numbers.PatentNumber | None = None
    error: str = ""
    matches: list[Application] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    others: list[Reading] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.matches)

    @property
    def ambiguous(self) -> bool:
        return bool(self.others)

    @property
    def application(self) -> Application | None:
        if self.number is None:
            return None
        return Reading(self.number, self.matches).application

    @property
    def display(self) -> str:
        """The number as shown: an application's own number as its office gave it (with the
        check digit the typed text may have left out: GB 1218345.6), else as read."""
        if self.number is None:
            return ""
        app = self.application
        if app is not None and app.key == self.number.key and self.number.kind != "publication":
            return app.display
        return self.number.display


def number_read(
    text: str, *, office: str | None = None, fallback_office: str | None = None, kind=None
) -> numbers.PatentNumber:
    """Read a typed number. `office` is assumed when the text has no office code; failing that,
    `fallback_office` is tried for a number that does not read on its own (a bare number most
    likely belongs to the reader's own office)."""
    try:
        return numbers.normalise(text, office=office, kind=kind)
    except numbers.InvalidNumber as first:
        if fallback_office and not office:
            try:
                return numbers.normalise(text, office=fallback_office, kind=kind)
            except numbers.InvalidNumber:
                pass
        raise first


def _readings_or_error(text: str, office: str | None, kind: str | None):
    try:
        return numbers.readings(text, office=office, kind=kind), None
    except numbers.InvalidNumber as exc:
        return [], exc


def _same(a: list, b: list) -> bool:
    return [(n.kind, n.key) for n in a] == [(n.kind, n.key) for n in b]


def line_readings(
    text: str,
    *,
    office: str | None = None,
    fallback_office: str | None = None,
    kind: str | None = None,
    bare_offices: tuple[str, ...] = (),
) -> tuple[list[numbers.PatentNumber], numbers.PatentNumber]:
    """Every reading of a typed text in the order they are tried, and the one to show when none
    exists. Raises InvalidNumber when no reading fits.

    `office`: the office the text is read in when it has no office code (and no other).
    Otherwise a bare number is read in `fallback_office` (the searcher's own) first, then as its
    shape alone says, then in every office of `bare_offices` whose format fits.
    """
    if office:
        found, error = _readings_or_error(text, office, kind)
        if error:
            raise error
        return found, found[0]
    own, own_error = [], None
    if fallback_office:
        own, own_error = _readings_or_error(text, fallback_office, kind)
    free, free_error = _readings_or_error(text, None, kind)
    result: dict[tuple[str, str], numbers.PatentNumber] = {}
    for number in (*own, *free):
        result.setdefault((number.kind, number.key), number)
    # An office code in the text overrides an assumed office: then two offices read it the same.
    probe = next((c for c in bare_offices if c != fallback_office), None)
    if probe:
        probed, _ = _readings_or_error(text, probe, kind)
        if not (probed and _same(probed, own if fallback_office else free)):
            for code in dict.fromkeys(bare_offices):
                more = probed if code == probe else _readings_or_error(text, code, kind)[0]
                for number in more:
                    result.setdefault((number.kind, number.key), number)
    if not result:
        raise free_error or own_error or numbers.InvalidNumber("Enter a patent number.")
    found = list(result.values())
    # Shown when nothing exists: what the text says by itself (13/926,335 is a US number).
    return found, free[0] if free else found[0]


def applications_find(
    *,
    within,
    texts: list[str],
    office: str | None = None,
    fallback_office: str | None = None,
    kind: str | None = None,
    sources: set[str] | None = None,
    bare_offices: tuple[str, ...] = (),
    within_shape: tuple | None = None,
) -> list[SearchLine]:
    """The one way from typed numbers to applications, among the `within` queryset (which says
    who may see what), with one indexed lookup for all the texts. `within_shape`: what
    `within`'s SQL depends on, when the caller knows it (the lookup's SQL is then kept);
    `within` may then be a function building the queryset, called only to compile that SQL.

    Every reading of each text (numbers.readings: EPODOC application or pre-grant publication,
    with or without a series code, a bare number in several offices) is tried against what is
    stored; the first that exists wins and the others that exist are kept as `others` ("did you
    mean"). A publication reading finds publications, other readings the linking numbers (own,
    priority, PCT), unless `sources` says otherwise. Matches are in filing order.
    """
    lines = []
    all_readings: list[list[numbers.PatentNumber]] = []
    for typed in texts:
        line = SearchLine(typed=typed)
        try:
            found, line.number = line_readings(
                typed,
                office=office,
                fallback_office=fallback_office,
                kind=kind,
                bare_offices=bare_offices,
            )
        except numbers.InvalidNumber as exc:
            line.error, found = str(exc), []
        lines.append(line)
        all_readings.append(found)
    keys = sorted({n.key for found in all_readings for n in found})
    by_key: dict[str, list[LookupKey]] = defaultdict(list)
    if keys:

        def lookup(keys):
            scope = within() if callable(within) else within
            return (
                LookupKey.objects.filter(key__in=keys, application__in=scope)
                .select_related("application__office")
                .order_by("application__filing_date", "application_id")
            )

        if within_shape is None:
            rows = lookup(keys)
        else:  # the same query, its SQL compiled once per shape (case_portal/compiled.py)
            rows = compiled_rows(lookup, shape=("lookup", within_shape), values=keys, prepared=True)
        for row in rows:
            by_key[row.key].append(row)
    for line, found in zip(lines, all_readings, strict=True):
        existing = []
        for number in found:
            reading = Reading(number)
            wanted = sources or _SOURCES_FOR_KIND.get(number.kind, set(LookupKey.Source.values))
            for row in by_key.get(number.key, []):
                if row.source in wanted and row.application not in reading.matches:
                    reading.matches.append(row.application)
                    reading.sources.add(row.source)
            if reading.matches:
                existing.append(reading)
        if existing:
            first, seen = existing[0], {a.pk for a in existing[0].matches}
            line.number, line.matches, line.sources = first.number, first.matches, first.sources
            for reading in existing[1:]:
                # Another reading that leads to the same applications is not another answer.
                if not {a.pk for a in reading.matches} <= seen:
                    seen |= {a.pk for a in reading.matches}
                    line.others.append(reading)
    return lines


def application_find(*, within, text: str, **kwargs) -> SearchLine:
    """applications_find for one text; `.application` is the one it leads to (or None)."""
    return applications_find(within=within, texts=[text], **kwargs)[0]


def search_lines_split(text: str) -> list[str]:
    """The numbers of a pasted text: one per line (or separated by `;`), blank lines dropped."""
    lines = [line.strip() for line in (text or "").replace(";", "\n").splitlines()]
    return [line for line in lines if line]


def _office_code(user) -> str | None:
    return getattr(getattr(user, "office", None), "code", None)


def bare_number_offices() -> tuple[str, ...]:
    """Offices a number without office code is tried in: the portal's, then the big ones."""
    codes = sorted(family_reads.offices_read(None)[0])  # kept per process: no query per search
    return tuple(dict.fromkeys((*codes, *_BARE_NUMBER_OFFICES)))


def search_resolve(*, user, texts: list[str]) -> list[SearchLine]:
    """Resolve typed numbers (at most MAX_SEARCH_LINES) among the applications `user` may see:
    a bare number in the searcher's own office first, then in every office whose format fits."""
    return applications_find(
        # Built only when the lookup's SQL is compiled (once per shape): building the filter on
        # every search cost more than the lookup's run.
        within=lambda: Application.objects.visible_to(user),
        texts=texts[:MAX_SEARCH_LINES],
        fallback_office=_office_code(user),
        bare_offices=bare_number_offices(),
        within_shape=visibility_shape(user),
    )


def application_find_for_user(*, user, text: str) -> Application:
    """The one application a typed number leads to among those `user` may see (watch form).

    Raises ValidationError with the parser's message, or saying nothing visible matched.
    """
    line = application_find(
        within=Application.objects.visible_to(user), text=text, fallback_office=_office_code(user)
    )
    if line.error:
        raise ValidationError(line.error)
    if line.application is None:
        raise ValidationError(f"No application you can see matches {line.number.display}.")
    return line.application
