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


def timed_against(fn, floor, repeat: int) -> tuple[list[float], list[float]]:
    """`fn` and the `floor` timed in turns, so both meet the same load: on a shared machine the
    load changes within a run, and timing one after the other let it move a ratio by 1.5x."""
    ours, floors = [], []
    for _ in range(repeat):
        ours += timed(fn, 1)
        floors += timed(floor, 1)
    return ours, floors


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

    def healthz():
        client.get("/healthz")

    timed(search, 20)  # warm caches and connections
    timed(healthz, 20)
    search_ms, floor_ms = timed_against(search, healthz, 300)
    family_ms, family_floor_ms = timed_against(family, healthz, 200)
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
    search_p = percentiles(search_ms)
    raw_p = percentiles(raw_ms)
    floor_p = percentiles(floor_ms)
    dossier = dossier_run(client)
    return {
        "data": {"applications": applications, "families": families, "lookup keys": lookup_rows},
        "search view, number -> family (302)": search_p,
        "search view SQL queries": search_queries,
        "family page (4 members)": percentiles(family_ms),
        "family page SQL queries": family_queries,
        "ratio family page (4 members) p50 / healthz p50 (timed in turns)": round(
            percentiles(family_ms)["p50 ms"] / percentiles(family_floor_ms)["p50 ms"], 1
        ),
        "raw indexed SQL lookup (psycopg)": raw_p,
        "floor: /healthz view, same middleware": floor_p,
        "ratio search p50 / raw SQL p50": round(search_p["p50 ms"] / raw_p["p50 ms"], 1),
        "ratio search p50 / healthz p50": round(search_p["p50 ms"] / floor_p["p50 ms"], 1),
        **{f"dossier: {k}": v for k, v in dossier.items()},
    }


# --- the family page as a dossier (issue 15): 10 members, 60 documents -----------------------

DOSSIER_OFFICES = ["US", "EP", "JP", "CA", "AU", "GB", "KR", "CN", "IL", "NZ"]


def _padded_pdf(label: str, size: int) -> bytes:
    """A valid PDF of about `size` bytes (the padding sits in the metadata), like a report."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label, "/Padding": "x" * size})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _dossier_family(size: int):
    import datetime as dt

    from django.core.files.base import ContentFile

    from dossiers.services.applications import PriorityIn, application_upsert
    from dossiers.services.documents import document_add
    from offices.models import Office

    offices = {o.code: o for o in Office.objects.filter(code__in=DOSSIER_OFFICES)}
    prio = [PriorityIn("US", "US 17/900,001", dt.date(2020, 1, 15))]
    members = [
        application_upsert(
            office=offices["US"],
            number="US 17/900,001",
            filing_date=dt.date(2020, 1, 15),
            published=True,
            title="Bench dossier",
        )
    ]
    numbers_by_office = {
        "EP": "EP 21700001",
        "JP": "JP 2021-500001",
        "CA": "CA 3,900,001",
        "AU": "AU 2021200001",
        "GB": "GB 2100001",
        "KR": "KR 10-2021-7000001",
        "CN": "CN 202180000001",
        "IL": "IL 280001",
        "NZ": "NZ 790001",
    }
    for code, number in numbers_by_office.items():
        try:
            members.append(
                application_upsert(
                    office=offices[code],
                    number=number,
                    filing_date=dt.date(2021, 1, 10),
                    priorities=prio,
                    published=True,
                )
            )
        except Exception as exc:  # noqa: BLE001 - a number this office's parser refuses
            raise SystemExit(f"bench dossier member {number}: {exc}") from exc
    n = 0
    for i, app in enumerate(members):
        for k in range(6):
            document_add(
                application=app,
                file=ContentFile(_padded_pdf(f"bench {i}-{k}", size), name="r.pdf"),
                category=["search_report", "written_opinion", "office_action"][k % 3],
                date=dt.date(2021, 3, 1) + dt.timedelta(days=30 * k + i),
                code=["ISR", "WOISA", "CTNF"][k % 3],
            )
            n += 1
    return members


def _dossier_remove(members) -> None:
    """Remove the bench dossier (and one a failed run left): the lookup data stays as it was,
    so the next run does not regenerate it."""
    from dossiers.models import Application, Document, Family

    family_ids = {m.family_id for m in members}
    family_ids |= set(
        Application.objects.filter(title="Bench dossier").values_list("family_id", flat=True)
    )
    members = list(Application.objects.filter(family_id__in=family_ids))
    docs = Document.objects.filter(application__in=members)
    for doc in docs:
        doc.file.delete(save=False)
    docs.delete()
    Application.objects.filter(pk__in=[m.pk for m in members]).delete()
    Family.objects.filter(pk__in=family_ids).delete()


def dossier_run(client) -> dict:
    """Family page with 10 members / 60 documents vs /healthz, and "download all" streamed
    against the package builder's way of writing the same documents."""
    import tempfile
    import tracemalloc
    import zipfile

    from dossiers.models import Document
    from dossiers.services.family_downloads import family_download_plan
    from dossiers.services.package_archive import _add_document, zip_stream

    size = 300_000
    _dossier_remove([])
    members = []
    try:
        members = _dossier_family(size)
        family_id = members[0].family_id
        url = f"/families/{family_id}/"

        def page():
            response = client.get(url)
            assert response.status_code == 200

        timed(page, 10)
        page_ms, floor_ms = timed_against(page, lambda: client.get("/healthz"), 200)
        queries = query_count(page)

        docs = list(
            Document.objects.filter(application__family_id=family_id)
            .select_related("application__office")
            .order_by("date", "pk")
        )
        total = sum(d.size for d in docs)
        plans = family_download_plan(docs)

        def builder():
            with tempfile.TemporaryFile() as tmp:
                with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
                    for item in plans:
                        _add_document(zf, item, office=None)

        def stream():
            with tempfile.TemporaryFile() as tmp:
                for chunk in zip_stream(plans):
                    tmp.write(chunk)

        builder()
        stream()
        builder_ms = percentiles(timed(builder, 15))["p50 ms"]
        stream_ms = percentiles(timed(stream, 15))["p50 ms"]

        def view():
            response = client.get(f"/families/{family_id}/documents.zip", {"all": "1"})
            assert response.status_code == 200
            biggest = 0
            for chunk in response.streaming_content:
                biggest = max(biggest, len(chunk))
            return biggest

        tracemalloc.start()
        biggest = view()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        view_ms = percentiles(timed(view, 5))["p50 ms"]
        page_p = percentiles(page_ms)
        floor_p = percentiles(floor_ms)
        mb = total / 2**20
        return {
            "data": {"members": len(members), "documents": len(docs), "MiB": round(mb, 1)},
            "family page (10 members, 60 documents)": page_p,
            "family page SQL queries": queries,
            "floor: /healthz": floor_p,
            "ratio family page p50 / healthz p50": round(page_p["p50 ms"] / floor_p["p50 ms"], 1),
            "package builder way (ZipFile to a temp file) MiB/s": round(mb / builder_ms * 1000, 1),
            "zip_stream (download all) MiB/s": round(mb / stream_ms * 1000, 1),
            "ratio zip_stream / package builder": round(builder_ms / stream_ms, 2),
            "download all view incl. index PDF and counting, p50 ms": view_ms,
            "download all view: peak Python memory MiB": round(peak / 2**20, 1),
            "download all view: largest chunk KiB": round(biggest / 1024, 1),
        }
    finally:
        _dossier_remove(members)
