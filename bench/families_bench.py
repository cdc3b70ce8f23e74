"""Family lookup by a number on 1 M generated applications (250 k four-member families).

Each family: a US first filing (US 13/xxx,xxx) and EP, JP, CA filings claiming it, so the lookup
table holds 1.75 M keys. Measured: the search view (number -> family, a 302), the family page, and
beside them a raw indexed SQL lookup over psycopg and the /healthz floor, all in the same run.
"""

import random

import psycopg
from django.conf import settings
from django.db import connection

from .common import client_for, percentiles, query_count, timed

SIZES = {"full": 1_000_000, "small": 40_000}

GENERATE = """
TRUNCATE dossiers_lookupkey, dossiers_citation, dossiers_document, dossiers_publication,
         dossiers_priorityclaim, dossiers_application, dossiers_family RESTART IDENTITY CASCADE;
INSERT INTO dossiers_family (id, created_at, updated_at)
  SELECT g, now(), now() FROM generate_series(1, %(families)s) g;
INSERT INTO dossiers_application (office_id, key, display, is_pct, filing_date, title, applicants,
    status, published, pct_key, pct_display, family_id, created_at, updated_at)
SELECT o.id,
  CASE o.code WHEN 'US' THEN 'US13' || lpad(g::text, 6, '0')
              WHEN 'EP' THEN 'EP' || (14000000 + g)
              WHEN 'JP' THEN 'JP2014' || lpad(g::text, 6, '0')
              ELSE 'CA' || (2800000 + g) END,
  CASE o.code WHEN 'US' THEN 'US 13/' || to_char(g, 'FM000,000')
              WHEN 'EP' THEN 'EP ' || (14000000 + g)
              WHEN 'JP' THEN 'JP 2014-' || lpad(g::text, 6, '0')
              ELSE 'CA ' || to_char(2800000 + g, 'FM0,000,000') END,
  false, date '2013-01-01' + (g %% 365) + CASE WHEN o.code = 'US' THEN 0 ELSE 300 END,
  'Generated invention ' || g, '["Bench Corp"]'::jsonb, 'published', true, '', '', g, now(), now()
FROM generate_series(1, %(families)s) g
CROSS JOIN (SELECT id, code FROM offices_office WHERE code IN ('US', 'EP', 'JP', 'CA')) o;
INSERT INTO dossiers_priorityclaim (application_id, office_code, key, display, date)
SELECT a.id, 'US', 'US13' || lpad(a.family_id::text, 6, '0'),
       'US 13/' || to_char(a.family_id, 'FM000,000'), date '2013-01-01' + (a.family_id %% 365)::int
FROM dossiers_application a WHERE a.key NOT LIKE 'US%%';
INSERT INTO dossiers_lookupkey (key, application_id, source)
  SELECT key, id, 'application' FROM dossiers_application
  UNION ALL SELECT key, application_id, 'priority' FROM dossiers_priorityclaim;
-- Families were inserted with explicit ids: move the sequence past them for later inserts.
SELECT setval(pg_get_serial_sequence('dossiers_family', 'id'), %(families)s);
ANALYZE;
"""

RAW = """SELECT a.family_id FROM dossiers_lookupkey k
         JOIN dossiers_application a ON a.id = k.application_id WHERE k.key = %s"""


def _spellings(rng: random.Random, families: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(300):
        g = rng.randint(1, families)
        out += [
            (f"US 13/{g // 1000:03d},{g % 1000:03d}", f"US13{g:06d}"),
            (f"EP{14000000 + g}", f"EP{14000000 + g}"),
            (f"JP 2014-{g:06d}", f"JP2014{g:06d}"),
            (f"CA {2800000 + g:,}", f"CA{2800000 + g}"),
        ]
    rng.shuffle(out)
    return out[:400]


def run(scale: str) -> dict:
    from offices.demo import load as load_offices

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL (set BENCH_DATABASE_URL).")
    load_offices()
    applications = SIZES.get(scale, SIZES["full"])
    families = applications // 4
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM dossiers_application")
        if cur.fetchone()[0] != applications:
            cur.execute(GENERATE, {"families": families})
        cur.execute("SELECT count(*) FROM dossiers_lookupkey")
        lookup_rows = cur.fetchone()[0]

    client = client_for("examiner@au.demo")
    samples = _spellings(random.Random(7), families)
    it = iter(samples * 3)

    def search():
        typed, _ = next(it)
        response = client.get("/search/", {"q": typed})
        assert response.status_code == 302, (typed, response.status_code)

    fam_ids = [random.Random(g).randint(1, families) for g in range(200)]
    fam_it = iter(fam_ids * 3)

    def family():
        response = client.get(f"/families/{next(fam_it)}/")
        assert response.status_code == 200

    timed(search, 20)  # warm caches and connections
    search_ms = timed(search, 300)
    family_ms = timed(family, 200)
    search_queries = query_count(search)
    family_queries = query_count(family)

    db = settings.DATABASES["default"]
    dsn = (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']} "
        f"user={db['USER']}"
    )
    keys = [key for _, key in samples]
    with psycopg.connect(dsn, autocommit=True) as conn, conn.cursor() as cur:
        raw_it = iter(keys * 3)
        for _ in range(20):
            cur.execute(RAW, (next(raw_it),))
            cur.fetchall()

        def raw():
            cur.execute(RAW, (next(raw_it),))
            assert cur.fetchall()

        raw_ms = timed(raw, 300)
    floor_ms = timed(lambda: client.get("/healthz"), 300)
    search_p = percentiles(search_ms)
    raw_p = percentiles(raw_ms)
    return {
        "data": {"applications": applications, "families": families, "lookup keys": lookup_rows},
        "search view, number -> family (302)": search_p,
        "search view SQL queries": search_queries,
        "family page (4 members)": percentiles(family_ms),
        "family page SQL queries": family_queries,
        "raw indexed SQL lookup (psycopg)": raw_p,
        "floor: /healthz view, same middleware": percentiles(floor_ms),
        "ratio search p50 / raw SQL p50": round(search_p["p50 ms"] / raw_p["p50 ms"], 1),
    }
