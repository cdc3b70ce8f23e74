"""`make bench`: run the benchmarks on generated data and write docs/benchmarks.md.

BENCH_SCALE=small (quick) or full (the sizes the issues ask for, the default).
BENCH_ONLY=families,stats to run a subset. Each benchmark module has run(scale) -> dict of
figures; floors (a raw indexed SQL lookup, a plain GROUP BY, zip -0) are measured in the same run.
"""

import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = [
    ("families", "bench.families_bench", "Family lookup by a number"),
    ("provide", "bench.provide_bench", "Bulk provide and upload memory"),
    ("stats", "bench.stats_bench", "Statistics page"),
    ("packages", "bench.packages_bench", "Package build"),
    ("load", "bench.load_bench", "Load: 64 concurrent users"),
    ("federation", "bench.federation_bench", "Federation: offices that provide on the fly"),
    ("replica", "bench.replica_bench", "Reads on a streaming replica"),
]


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"{pg or 'PostgreSQL'}"
    )


def _create_database() -> None:
    """The bench database is separate from the demo and test ones; create it when missing."""
    import environ
    import psycopg

    db = environ.Env().db("DATABASE_URL")
    if not db["ENGINE"].endswith("postgresql"):
        return
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    dsn = f"host={host} port={port} user={db['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (db["NAME"],)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(figures: dict) -> list[str]:
    lines = ["| figure | value |", "|---|---|"]
    for key, value in figures.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                lines.append(f"| {key} · {sub} | {_fmt(v)} |")
        else:
            lines.append(f"| {key} | {_fmt(value)} |")
    return lines


GENERATED_START = (
    "<!-- make bench writes from here to the end marker; notes outside it are kept -->"
)
GENERATED_END = "<!-- end of make bench's figures -->"


def _generated(figures: dict, run: str) -> list[str]:
    return [GENERATED_START, f"Run {run}.", "", *_table(figures), GENERATED_END]


def _document(out: Path, scale: str, ran: dict) -> str:
    """The figures of each benchmark go between its section's markers; everything else in the
    file (hand-written analysis, sections of their own) stays where it is."""
    old = out.read_text() if out.exists() else ""
    sections: list[tuple[str, list[str]]] = []  # (heading, lines), in the file's order
    for line in old.splitlines()[1:] if old else []:
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
    present = {heading for heading, _ in sections}
    for _, _, title in BENCHES:
        if title in ran and title not in present:
            sections.append((title, [""]))
    lines = [
        "# CASE Portal benchmarks",
        "",
        f"`BENCH_SCALE={scale} make bench`. Machine: {_machine()}.",
        "All times are server-side (Django test client in-process, no network) unless a figure",
        "says otherwise; floors are measured in the same run on the same data.",
        "Between each section's markers `make bench` writes; the notes around them are by hand.",
        "",
    ]
    for heading, body in sections:
        if not lines[-1] == "":
            lines.append("")
        lines.append(f"## {heading}")
        if heading in ran:
            figures = _generated(ran[heading]["figures"], ran[heading]["run"])
            if GENERATED_START in body and GENERATED_END in body:
                start, end = body.index(GENERATED_START), body.index(GENERATED_END)
                body = body[:start] + figures + body[end + 1 :]
            else:
                body = ["", *figures, *body]
        elif not body or body[0] != "":
            body = ["", *body]
        lines += body
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "case_portal.settings")
    _create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # production static storage
    scale = os.environ.get("BENCH_SCALE", "full")
    only = {s for s in os.environ.get("BENCH_ONLY", "").split(",") if s}
    results = []
    failed: list[str] = []
    for name, module, title in BENCHES:
        if only and name not in only:
            continue
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError:
            print(f"[bench] {name}: not available yet, skipped", flush=True)
            continue
        print(f"[bench] {name} ({scale}) …", flush=True)
        started = time.perf_counter()
        try:
            figures = mod.run(scale)
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            import traceback

            traceback.print_exc()
            figures = {"FAILED": f"{type(exc).__name__}: {exc}"[:300]}
            failed.append(name)
        figures["wall time of this benchmark (s)"] = round(time.perf_counter() - started, 1)
        print(json.dumps(figures, indent=2, default=str), flush=True)
        results.append((title, figures))

    out = ROOT / "docs" / ("benchmarks.md" if scale == "full" else f"benchmarks-{scale}.md")
    out.parent.mkdir(exist_ok=True)
    # benchmarks.json: the last figures of every benchmark, as data.
    store = out.with_suffix(".json")
    kept = json.loads(store.read_text()) if store.exists() else {}
    for title, figures in results:
        kept[title] = {"figures": figures, "run": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"}
    store.write_text(json.dumps(kept, indent=1, default=str))
    ran = {title: kept[title] for title, _ in results}
    out.write_text(_document(out, scale, ran))  # sections not run this time stay as they are
    print(f"[bench] wrote {out.relative_to(ROOT)}")
    if failed:
        print(f"[bench] FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
