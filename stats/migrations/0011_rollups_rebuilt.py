"""Rebuild every statistics rollup from the raw events, outside one big transaction.

`atomic = False`: usage_rollup_rebuild() commits month by month (a few seconds each for 10 M
events), so neither the ledger nor the rollups are held for the whole rebuild. It calls the
service, not a copy of its SQL: one rule in one place. Should a later migration change these
tables, it turns this step into a no-op and rebuilds after its own change. Re-running it
(`manage.py usage_rollup_rebuild`) gives the same rows.
"""

from django.db import migrations


def rebuild(apps, schema_editor):
    from stats.services import usage_rollup_rebuild

    usage_rollup_rebuild()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("stats", "0010_request_waits_in_buckets"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
