"""Stored display forms of DE and SG applications follow the number reader again.

The reader now shows a DE check digit of 0 (DE 10 2006 032 425.0, where it showed none) and
keeps an SG check letter apart from the kind; `display` is written when a row is stored, so
rows stored before showed the old form. Only the display changes: keys stay as they are.
"""

from django.db import migrations

OFFICES = ("DE", "SG")
BATCH = 2000


def _refresh(rows, model):
    from dossiers.numbers import InvalidNumber, format_display

    changed = []
    for row in rows:
        try:
            shown = format_display(row.key, kind="application")
        except InvalidNumber:
            continue  # a key the reader no longer takes keeps what it showed
        if shown != row.display:
            row.display = shown
            changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, ["display"])
            changed = []
    model.objects.bulk_update(changed, ["display"])


def refresh(apps, schema_editor):
    Application = apps.get_model("dossiers", "Application")
    PriorityClaim = apps.get_model("dossiers", "PriorityClaim")
    _refresh(
        Application.objects.filter(office__code__in=OFFICES)
        .only("pk", "key", "display")
        .iterator(),
        Application,
    )
    _refresh(
        PriorityClaim.objects.filter(office_code__in=OFFICES)
        .only("pk", "key", "display")
        .iterator(),
        PriorityClaim,
    )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0013_application_keys_found_through_lookup")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
