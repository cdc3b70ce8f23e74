"""Stored display forms of DE and SG applications follow the number reader again.

The reader now shows a DE check digit of 0 (DE 10 2006 032 425.0, where it showed none) and
keeps an SG check letter apart from the kind; `display` is written when a row is stored, so
rows stored before showed the old form. Only the display changes: keys stay as they are.
"""

from django.db import migrations

from dossiers.migrations._display_refresh import displays_refresh

OFFICES = ("DE", "SG")


def refresh(apps, schema_editor):
    displays_refresh(apps, OFFICES)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0013_application_keys_found_through_lookup")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
