"""`make run` with nothing configured: SQLite and tasks in-process. The hand-written SQL of the
writer and of the busy pages is spelled for both databases (case_portal/sql.py); this runs the
demo as `make run` does, in a process of its own with no DATABASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xdist_group("sqlite-demo")
def test_the_demo_loads_and_its_pages_and_journeys_work_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"CASE_VAR_DIR": str(tmp_path), "DJANGO_DEBUG": "1", "WALK_PAGES": "60"}

    def run(*args):
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )

    for step in (["manage.py", "migrate", "--noinput", "-v0"], ["manage.py", "load_demo"]):
        done = run(*step)
        assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "demo.sqlite3").exists()
    walked = run(str(ROOT / "tests/case_portal/sqlite_demo_walk.py"))
    assert walked.returncode == 0, walked.stdout[-3000:] + walked.stderr[-3000:]
    assert "all well" in walked.stdout
