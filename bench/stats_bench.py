"""Statistics benchmark: N usage events over 24 months for 13 offices, then page timings.

run("full") generates 10 M events, run("small") 200 k. Events are made inside PostgreSQL with
INSERT ... SELECT generate_series (no Python per row) into the table with its secondary indexes
dropped and its foreign-key triggers off (rebuilt afterwards, as a bulk load would), the
rollups are rebuilt set-based (services.usage_rollup_rebuild, timed), then TAIL events are
recorded through usage_record() as live traffic would, leaving their rollup rows unsettled (not
yet merged by beat), and then we time:
  * the statistics page through django.test.Client (~20 requests, p50/p95) for one office
    (AU's office admin) and for all offices (an operator);
  * the same monthly figures as a plain GROUP BY over the raw event table, for comparison
    (the ratio line is GROUP BY p95 / page p95, one office; the page includes the requests
    matrix and its median time to fulfil). Request events use 500 applications so that
    fulfilments find the request they answer.
Needs PostgreSQL (DATABASE_URL); it empties the stats tables of that database.
"""

import os
import time
from datetime import datetime

from .common import client_for, percentiles, timed

TOTALS = {"full": 10_000_000, "small": 200_000}
CHUNK = 1_000_000
USERS_PER_OFFICE = 40
TAIL = 2_000
REQUESTS = 20

ACTIONS = (
    ["search"] * 6
    + ["family_view"] * 4
    + ["document_view"] * 5
    + ["document_download"] * 3
    + ["login"] * 2
    + ["logout", "upload", "request_made", "request_fulfilled", "notification_sent", "api_call"]
    + ["request_declined", "request_expired", "package_built"]
)
PROVIDED = (
    "document_view",
    "document_download",
    "request_made",
    "request_fulfilled",
    "request_declined",
    "request_expired",
)


def _people():
    from offices import demo
    from offices.models import Office, User

    demo.load()
    offices = list(Office.objects.order_by("code"))
    extra = []
    for office in offices:
        have = User.objects.filter(office=office).count()
        for i in range(have, USERS_PER_OFFICE):
            user = User(
                email=f"bench{i}@{office.code.lower()}.bench", office=office, role="examiner"
            )
            user.set_unusable_password()
            extra.append(user)
    User.objects.bulk_create(extra, ignore_conflicts=True)
    return offices


_INSERT = """
WITH people AS (
  SELECT array_agg(id ORDER BY id) AS ids, array_agg(office_id ORDER BY id) AS offs,
         count(*) AS n
  FROM offices_user WHERE office_id IS NOT NULL
), offices AS (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n FROM offices_office)
INSERT INTO stats_usageevent
  (occurred_at, user_id, office_id, action, provider_office_id, application_id, document_id,
   count, bulk, via_api)
SELECT %(start)s::timestamptz + (x.t * %(span)s) * interval '1 second',
       p.ids[x.k], p.offs[x.k], x.action,
       CASE WHEN x.action = ANY(%(provided)s) THEN o.ids[x.po] END,
       CASE WHEN x.action = ANY(%(provided)s) THEN
         CASE WHEN x.action LIKE 'request%%' THEN x.app %% 500 ELSE x.app END END,
       CASE WHEN x.action IN ('document_view', 'document_download') THEN x.app * 3 END,
       CASE WHEN x.action = 'search' AND x.r < 0.1 THEN 5 ELSE 1 END,
       x.action = 'document_download' AND x.r < 0.3,
       x.action = 'api_call'
FROM people p, offices o, generate_series(1, %(n)s) g,
LATERAL (
  SELECT 1 + floor(random() * p.n + g * 0)::int AS k,
         1 + floor(random() * o.n)::int AS po,
         (%(actions)s::text[])[1 + floor(random() * %(n_actions)s)::int] AS action,
         random() AS t, random() AS r,
         1 + floor(random() * 50000)::bigint AS app
) x
"""


def _generate(n: int, start: datetime, stop: datetime) -> None:
    from django.db import connection, transaction

    span = (stop - start).total_seconds()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'stats_usageevent' "
            "AND indexname <> 'stats_usageevent_pkey'"
        )
        indexes = [row[0] for row in cursor.fetchall()]
        for definition in indexes:
            name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
            cursor.execute(f"DROP INDEX {name}")
        # Generated rows point at existing users and offices by construction.
        cursor.execute("ALTER TABLE stats_usageevent DISABLE TRIGGER ALL")
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _INSERT,
                {
                    "start": start,
                    "span": span,
                    "n": size,
                    "provided": list(PROVIDED),
                    "actions": ACTIONS,
                    "n_actions": len(ACTIONS),
                },
            )
        done += size
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE stats_usageevent ENABLE TRIGGER ALL")
        for definition in indexes:
            cursor.execute(definition)


def _record_tail(n: int, offices, now: datetime) -> None:
    """Live traffic since beat's last merge: n uses recorded the portal's way, today."""
    import random

    from offices.models import User
    from stats.services import usage_record

    rng = random.Random(19)
    people = list(User.objects.filter(office__isnull=False).select_related("office"))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(n):
        action = rng.choice(ACTIONS)
        provided = action in PROVIDED
        usage_record(
            action=action,
            user=rng.choice(people),
            provider_office=rng.choice(offices) if provided else None,
            application_id=rng.randint(1, 500) if provided else None,
            count=5 if action == "search" and rng.random() < 0.1 else 1,
            bulk=action == "document_download" and rng.random() < 0.3,
            when=midnight + (now - midnight) * rng.random(),
        )


def _load(n: int, offices, start: datetime, now: datetime) -> tuple[float, float, float]:
    """Empty the ledger, generate n events, rebuild the rollups, record the live tail."""
    from django.db import connection

    from stats.services import usage_rollup_rebuild

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE stats_usagemonthly, stats_usagemonthlyoffice, stats_usagemonthlyuser, "
            "stats_usagemonthlyactive, stats_usageactivecount, stats_usagerequestwait, "
            "stats_usageevent"
        )
    began = time.perf_counter()
    _generate(n, start, now)
    generate_s = time.perf_counter() - began
    began = time.perf_counter()
    usage_rollup_rebuild()
    rollup_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    _record_tail(TAIL, offices, now)
    tail_s = time.perf_counter() - began
    return generate_s, rollup_s, tail_s


def _time_page(client, params: dict) -> dict:
    def get():
        response = client.get("/statistics/", params)
        assert response.status_code == 200, response.status_code

    timed(get, 2)  # warm caches and the connection
    return percentiles(timed(get, REQUESTS))


def _time_raw(sql: str, params: list, repeat: int = 5) -> dict:
    from django.db import connection

    def query():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    query()
    return percentiles(timed(query, repeat))


def run(scale: str) -> dict:
    import django
    from django.conf import settings

    if not django.apps.apps.ready:
        django.setup()
    from django.core.management import call_command
    from django.db import connection

    from offices.models import User
    from stats.models import (
        UsageEvent,
        UsageMonthly,
        UsageMonthlyActive,
        UsageMonthlyUser,
        UsageRequestWait,
    )
    from stats.selectors import Period, month_add
    from stats.services import portal_tz

    if connection.vendor != "postgresql":
        raise RuntimeError("The statistics benchmark needs PostgreSQL (set DATABASE_URL).")
    n = TOTALS[scale]
    call_command("migrate", verbosity=0)
    offices = _people()
    period = Period.last_months(12)
    first = month_add(period.last, -23)
    tz = portal_tz()
    start = datetime(first.year, first.month, 1, tzinfo=tz)
    now = datetime.now(tz=tz)
    # BENCH_STATS_KEEP=1 times the pages again on the data of the previous run of this scale
    # (its load figures are then not measured again, and say so). A live tail is recorded again
    # when a migration's rebuild has settled the previous one.
    keep = os.environ.get("BENCH_STATS_KEEP") == "1" and UsageEvent.objects.count() >= n
    generate_s = rollup_s = tail_s = None
    if not keep:
        generate_s, rollup_s, tail_s = _load(n, offices, start, now)
    elif not UsageMonthly.objects.filter(settled=False).exists():
        began = time.perf_counter()
        _record_tail(TAIL, offices, now)
        tail_s = time.perf_counter() - began

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.REQUIRE_MFA = False  # the benchmark measures the page, not the MFA set-up redirect
    params = {"start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}"}
    one = _time_page(client_for("admin@au.demo"), params)
    every = _time_page(client_for("operator@case.demo"), {**params, "office": "all"})

    raw_sql = (
        "SELECT date_trunc('month', occurred_at AT TIME ZONE %s), action, bulk, sum(count) "
        "FROM stats_usageevent WHERE occurred_at >= %s AND occurred_at < %s {extra} "
        "GROUP BY 1, 2, 3"
    )
    au = next(o for o in offices if o.code == "AU")
    raw_one = _time_raw(
        raw_sql.format(extra="AND office_id = %s"),
        [settings.TIME_ZONE, period.start_at, period.stop_at, au.pk],
    )
    raw_all = _time_raw(
        raw_sql.format(extra=""), [settings.TIME_ZONE, period.start_at, period.stop_at]
    )
    ratio = raw_one["p95 ms"] / one["p95 ms"] if one["p95 ms"] else 0
    return {
        "statistics page one office p95 ms": one["p95 ms"],
        "ratio GROUP BY / statistics page one office": round(ratio, 1),
        "statistics page all offices p95 ms": every["p95 ms"],
        "scale": scale,
        "events": UsageEvent.objects.count(),
        "unsettled_rollup_rows (TAIL events not yet merged)": UsageMonthly.objects.filter(
            settled=False
        ).count(),
        "usage_record ms per event (tail, mean)": round(tail_s * 1000 / TAIL, 2) if tail_s else "-",
        "offices": len(offices),
        "people": User.objects.filter(office__isnull=False).count(),
        "months_of_data": 24,
        "generate_seconds": round(generate_s, 1) if generate_s else "data of the previous run",
        "rollup_build_seconds (usage_rollup_rebuild)": round(rollup_s, 1) if rollup_s else "-",
        "rollup_rows": UsageMonthly.objects.count(),
        "rollup_user_rows": UsageMonthlyUser.objects.count(),
        "rollup_active_rows": UsageMonthlyActive.objects.count(),
        "request_wait_rows": UsageRequestWait.objects.count(),
        "statistics page, one office (AU admin), 12 months": one,
        "statistics page, all offices (operator), 12 months": every,
        "floor: plain GROUP BY on raw events, one office, 12 months": raw_one,
        "floor: plain GROUP BY on raw events, all offices, 12 months": raw_all,
        "requests_per_page": REQUESTS,
    }


if __name__ == "__main__":  # for a helper's own run; `make bench` uses the lead's runner
    import json
    import os
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")
    print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "small"), indent=2))
