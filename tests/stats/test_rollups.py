"""The rollups equal a plain GROUP BY over the raw events, for random events around month
edges in a time zone away from UTC: after usage_record() (unsettled rows), after beat's merge,
and after a rebuild from the raw events."""

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from offices.models import User
from stats import selectors
from stats.models import (
    Action,
    UsageEvent,
    UsageMonthly,
    UsageMonthlyOffice,
    UsageRequestWait,
    wait_bucket,
)
from stats.office_users import _ACTIONS as office_users_columns
from stats.office_users import office_users_get
from stats.selectors import Period
from stats.services import (
    ACTIVE_KIND_OF,
    NOT_ACTIVITY,
    usage_record,
    usage_record_many,
    usage_rollup,
    usage_rollup_rebuild,
)
from tests.offices.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
YEAR = Period(date(2025, 1, 1), date(2025, 12, 1))


@pytest.fixture
def toronto(settings):
    settings.TIME_ZONE = "America/Toronto"


def _record_random(offices, people, n, rng, *, months: range):
    """n uses in the given months of 2025, in time order as the portal records them: half
    within two minutes of a Toronto month edge (where UTC is in the next or previous month),
    requests asked and fulfilled between the offices."""
    start = datetime(2025, months[0], 1, tzinfo=TORONTO)
    stop = datetime(2025, months[-1] + 1, 1, tzinfo=TORONTO)
    edges = [datetime(2025, m, 1, tzinfo=TORONTO) for m in months]
    uses = []
    for _ in range(n):
        if rng.random() < 0.5:
            when = rng.choice(edges) + timedelta(seconds=rng.randint(-120, 119))
        else:
            when = start + (stop - start) * rng.random()
        uses.append((when, rng.choice(people), rng.choice(list(Action.values))))
    for when, person, action in sorted(uses, key=lambda use: use[0]):
        usage_record(
            action=action,
            user=person,
            provider_office=rng.choice([None, *offices]),
            count=rng.choice([1, 1, 2, 7]),
            bulk=action in (Action.DOCUMENT_DOWNLOAD, Action.UPLOAD) and rng.random() < 0.4,
            application_id=rng.randint(1, 4),
            when=when,
        )


def _month(moment) -> date:
    return moment.astimezone(TORONTO).date().replace(day=1)


def _raw(period: Period):
    """Every rollup figure computed in Python from the raw event rows."""
    pairs, offices = Counter(), Counter()
    active = defaultdict(set)  # (month or None, office or "all", kind) -> people
    people = defaultdict(Counter)
    made = defaultdict(list)
    waits = Counter()
    events = list(UsageEvent.objects.order_by("occurred_at", "pk"))
    for e in events:
        month = _month(e.occurred_at)
        if e.action == Action.REQUEST_MADE:
            made[(e.office_id, e.provider_office_id, e.application_id)].append(e.occurred_at)
        if not period.first <= month <= period.last:
            continue
        office = e.office_id or 0
        key = (month, office, e.provider_office_id or 0, e.action, e.bulk)
        pairs[(*key, "total")] += e.count
        pairs[(*key, "events")] += 1
        offices[(month, office, e.action, e.bulk, e.provider_office_id is not None)] += e.count
        if e.user_id and e.action not in NOT_ACTIVITY:
            kinds = ["any", *([ACTIVE_KIND_OF[e.action]] if e.action in ACTIVE_KIND_OF else [])]
            for kind in kinds:
                for scope in (office, "all"):
                    active[(month, scope, kind)].add(e.user_id)
                    active[(None, scope, kind)].add(e.user_id)
            people[(office, e.user_id)][e.action] += e.count
        if e.action == Action.REQUEST_FULFILLED and e.office_id and e.provider_office_id:
            asked = [
                t
                for t in made[(e.office_id, e.provider_office_id, e.application_id)]
                if t <= e.occurred_at
            ]
            if asked:
                days = (e.occurred_at - max(asked)).days
                waits[(e.office_id, e.provider_office_id, wait_bucket(days))] += 1
    return pairs, offices, active, people, waits


def _rolled(period: Period, offices):
    pairs = Counter()
    for row in UsageMonthly.objects.filter(month__gte=period.first, month__lte=period.last):
        key = (row.month, row.office_id, row.provider_id, row.action, row.bulk)
        pairs[(*key, "total")] += row.total
        pairs[(*key, "events")] += row.events
    by_office = Counter()
    for row in UsageMonthlyOffice.objects.filter(month__gte=period.first, month__lte=period.last):
        by_office[(row.month, row.office_id, row.action, row.bulk, row.with_provider)] += row.total
    active = {}
    kinds = [kind for _key, _label, kind in selectors.ACTIVE_KINDS]
    for scope in [*offices, None]:
        name = scope.pk if scope else "all"
        for monthly in (True, False):
            found = selectors.active_users(period, office=scope, monthly=monthly)
            for key, figures in found.items():
                month = key[0] if monthly else None
                for kind, n in zip(kinds, figures, strict=True):
                    if n:
                        active[(month, name, kind)] = n
    people = {}
    for office in offices:
        for line in office_users_get(office=office, period=period):
            figures = {k: v for k, v in line.figures.items() if k != "searches"}
            if figures:
                people[(office.pk, line.user.pk)] = figures
    waits = Counter()
    for row in UsageRequestWait.objects.filter(month__gte=period.first, month__lte=period.last):
        for bucket, n in enumerate(row.counts):
            waits[(row.office_id, row.provider_id, bucket)] += n
    return pairs, by_office, active, people, waits


def _assert_rollups_equal_raw(period, offices):
    raw_pairs, raw_offices, raw_active, raw_people, raw_waits = _raw(period)
    pairs, by_office, active, people, waits = _rolled(period, offices)
    assert +pairs == +raw_pairs
    assert +by_office == +raw_offices
    assert active == {k: len(v) for k, v in raw_active.items()}
    users_columns = office_users_columns  # which action is which column: naming only
    current = dict(User.objects.values_list("pk", "office_id"))
    want_people = {}
    for (office, person), actions in raw_people.items():
        figures = {users_columns[a]: n for a, n in actions.items() if a in users_columns}
        if figures and current[person] == office:  # the page lists the office's people now
            want_people[(office, person)] = figures
    assert people == want_people
    assert +waits == +raw_waits


def test_rollups_equal_the_raw_group_by_for_random_events_around_month_edges(toronto):
    rng = random.Random(1919)
    offices = [OfficeFactory(code=code, name=f"Office {code}") for code in ("XA", "XB", "XC")]
    people = [UserFactory(office=o) for o in offices for _ in range(3)]
    _record_random(offices, people, 300, rng, months=range(1, 7))
    usage_rollup()  # settled rows ...
    mover = people[0]  # ... a person who moves office keeps the past uses with the old one
    mover.office = offices[1]
    mover.save()
    _record_random(offices, people, 300, rng, months=range(7, 12))  # ... and unsettled ones
    assert UsageMonthly.objects.filter(settled=False).count() == 300
    for period in (
        YEAR,
        Period(date(2025, 3, 1), date(2025, 3, 1)),
        Period(date(2025, 7, 1), date(2026, 6, 1)),
    ):
        _assert_rollups_equal_raw(period, offices)
    usage_rollup()
    assert not UsageMonthly.objects.filter(settled=False).exists()
    assert usage_rollup() == 0  # a second run finds nothing to merge
    _assert_rollups_equal_raw(YEAR, offices)
    usage_rollup_rebuild()
    _assert_rollups_equal_raw(YEAR, offices)


def test_usage_recorded_many_at_once_counts_as_one_call_each(toronto):
    # A package's downloads in one statement: several people (a counter of distinct people
    # touched once by all of them), providers and month edges, some people already active.
    rng = random.Random(2020)
    offices = [OfficeFactory(code=code, name=f"Office {code}") for code in ("XA", "XB", "XC")]
    people = [UserFactory(office=o) for o in offices for _ in range(3)]
    _record_random(offices, people, 40, rng, months=range(1, 4))
    actions = [a for a in Action.values if a != Action.REQUEST_FULFILLED]
    edges = [datetime(2025, m, 1, tzinfo=TORONTO) for m in (2, 3)]
    for _batch in range(6):
        usage_record_many(
            [
                {
                    "action": rng.choice(actions),
                    "user": rng.choice(people),
                    "provider_office": rng.choice([None, *offices]),
                    "count": rng.choice([1, 1, 3]),
                    "bulk": rng.random() < 0.5,
                    "application_id": rng.randint(1, 4),
                    "when": rng.choice(edges) + timedelta(seconds=rng.randint(-120, 119)),
                }
                for _ in range(50)
            ]
        )
    assert UsageEvent.objects.count() == 40 + 6 * 50
    _assert_rollups_equal_raw(YEAR, offices)
    usage_rollup()
    _assert_rollups_equal_raw(YEAR, offices)


def test_a_bulk_load_of_raw_events_is_counted_after_a_rebuild(toronto, examiner, other_office):
    # Events written straight into the ledger (a migration, an import) have no rollup rows
    # until usage_rollup_rebuild() recomputes them from the raw events.
    when = datetime(2025, 3, 1, 3, tzinfo=UTC)  # still February in Toronto
    UsageEvent.objects.bulk_create(
        [
            UsageEvent(
                action=Action.DOCUMENT_VIEW,
                user=examiner,
                office=examiner.office,
                provider_office=other_office,
                occurred_at=when,
                count=2,
            ),
            UsageEvent(
                action=Action.SEARCH, user=examiner, office=examiner.office, occurred_at=when
            ),
        ]
    )
    february = Period(date(2025, 2, 1), date(2025, 2, 1))
    page = selectors.stats_page_get(office=examiner.office, period=february)
    assert page.totals["document_views"] == 0
    usage_rollup_rebuild()
    page = selectors.stats_page_get(office=examiner.office, period=february)
    assert page.totals["document_views"] == 2 and page.totals["searches"] == 1
    assert page.totals["active_users"] == 1 and page.totals["active_retrieve"] == 1
    assert page.matrix.cells == {(examiner.office_id, other_office.pk): 2}


def test_people_active_on_both_sides_of_an_era_edge_count_once(toronto):
    # UsageActiveSpan keeps 60 months per row: January 2025 starts an era, so a period from
    # December 2024 reads two rows for a person active in both months.
    office = OfficeFactory(code="XA", name="Office XA")
    both, december_only = UserFactory(office=office), UserFactory(office=office)
    for person, when in (
        (both, datetime(2024, 12, 31, 23, 59, tzinfo=TORONTO)),
        (both, datetime(2025, 1, 1, 0, 1, tzinfo=TORONTO)),
        (december_only, datetime(2024, 12, 2, tzinfo=TORONTO)),
    ):
        usage_record(action=Action.SEARCH, user=person, when=when)
    period = Period(date(2024, 12, 1), date(2025, 1, 1))
    for rebuilt in (False, True):
        if rebuilt:
            usage_rollup_rebuild()
        for scope in (office, None):
            figures = selectors.active_users(period, office=scope, monthly=False)[()]
            assert figures == (2, 0, 2, 0)  # any use, logged in, searched, retrieved
        january = Period(date(2025, 1, 1), date(2025, 1, 1))
        assert selectors.active_users(january, office=office, monthly=False)[()][0] == 1
    assert selectors.active_users(
        period, office=None, monthly=False, by_office=True, kinds=["any"]
    ) == {(office.pk,): (2, 0, 0, 0)}


def _fulfil(asking_person, providing, application_id, asked_at, waited_days):
    usage_record(
        action=Action.REQUEST_MADE,
        user=asking_person,
        provider_office=providing,
        application_id=application_id,
        when=asked_at,
    )
    usage_record(
        action=Action.REQUEST_FULFILLED,
        user=asking_person,
        provider_office=providing,
        application_id=application_id,
        when=asked_at + timedelta(days=waited_days, hours=1),
    )


def test_median_is_exact_up_to_sixty_days_and_a_range_of_days_beyond(toronto):
    ca, au, gb = (OfficeFactory(code=c, name=f"Office {c}") for c in ("XA", "XB", "XC"))
    person = UserFactory(office=ca)
    asked = datetime(2025, 1, 2, 9, tzinfo=TORONTO)
    for app, days in enumerate((3, 60, 4)):  # CA -> AU: median 4 days, exact
        _fulfil(person, au, app, asked, days)
    for app, days in enumerate((70, 85, 200), start=10):  # CA -> GB: median in 61-90
        _fulfil(person, gb, app, asked, days)
    usage_rollup()
    # Asked in 2024, fulfilled in December 2025 after 400 days (366+), not merged yet.
    _fulfil(person, gb, 20, datetime(2024, 11, 1, tzinfo=TORONTO), 400)
    for rebuilt in (False, True):
        if rebuilt:
            usage_rollup_rebuild()
        page = selectors.stats_page_get(office=ca, period=YEAR)
        medians = {p.providing.code: p.median_days for p in page.requests.pairs}
        assert medians["XB"] == 4.0
        # 70, 85, 200 and 400 days: the middle two, 85 and 200, lie somewhere in 61-365.
        assert str(medians["XC"]) == "61–365"
        # All seven waits: 3, 4, 60, 70, 85, 200, 400 -> the middle one, 70, is in 61-90.
        assert str(page.requests.median_days) == "61–90"
    rows = UsageRequestWait.objects.filter(office_id=ca.pk, provider_id=au.pk).order_by("month")
    assert [(row.month, row.d3, row.d4, row.d60, row.fulfilled) for row in rows] == [
        (date(2025, 1, 1), 1, 1, 0, 2),
        (date(2025, 3, 1), 0, 0, 1, 1),  # the 60-day wait ended in March
    ]
    assert [wait_bucket(d) for d in (0, 60, 61, 90, 91, 180, 181, 365, 366, 5000)] == [
        0,
        60,
        61,
        61,
        62,
        62,
        63,
        63,
        64,
        64,
    ]


def test_a_use_is_one_statement_and_shows_on_the_next_page(toronto, django_assert_num_queries):
    office = OfficeFactory(code="XA", name="Office XA")
    person = UserFactory(office=office)
    month = Period.last_months(1)
    before = selectors.stats_page_get(office=office, period=month).totals
    with django_assert_num_queries(1):  # the event and every rollup row: one round trip
        event = usage_record(action=Action.SEARCH, user=person, count=3)
    event.refresh_from_db()
    assert event.count == 3 and event.office_id == office.pk
    after = selectors.stats_page_get(office=office, period=month).totals
    assert after["numbers_searched"] == before["numbers_searched"] + 3
    assert after["active_search"] == before["active_search"] + 1


@pytest.mark.django_db(transaction=True)
def test_the_page_reads_in_one_snapshot_and_leaves_no_transaction_open():
    # Outside any transaction read_all() opens its own REPEATABLE READ one (BEGIN and COMMIT in
    # the same round trip as the reads) and closes it.
    from django.db import connection
    from psycopg.pq import TransactionStatus

    office = OfficeFactory(code="XA", name="Office XA")
    usage_record(action=Action.SEARCH, user=UserFactory(office=office), count=2)
    page = selectors.stats_page_get(office=office, period=Period.last_months(1))
    assert page.totals["numbers_searched"] == 2 and page.totals["active_users"] == 1
    assert connection.get_autocommit()
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
