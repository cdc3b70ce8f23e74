import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from case_portal.celery import app
app.loader.import_default_modules()
app.finalize()
print(json.dumps({"scheduled": sorted(e["task"] for e in app.conf.beat_schedule.values()),
                  "registered": sorted(app.tasks)}))
"""


def test_beat_runs_the_sweeps_rollups_digests_and_package_jobs():
    # A fresh process, as beat starts: in this one the app may have finalized long ago.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "case_portal.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    scheduled = set(found["scheduled"])
    assert {
        "notifications.tasks.outbox_sweep",
        "notifications.tasks.digests_send",
        "stats.usage_rollup",
        "dossiers.packages_expire",
        "dossiers.packages_schedule",
        "dossiers.packages_requeue",
    } <= scheduled
    assert scheduled <= set(found["registered"])  # every scheduled name is a registered task
