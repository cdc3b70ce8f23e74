"""Stored display forms of ZA applications follow the number reader again.

The reader now shows ZA applications in CIPC's form, the filing year, a slash and a 5-digit
serial: ZA 2022/08038 (was ZA 202208038). Only the display changes: keys stay as they are.
"""

from django.db import migrations

from dossiers.migrations._display_refresh import displays_refresh

OFFICES = ("ZA",)


def refresh(apps, schema_editor):
    displays_refresh(apps, OFFICES)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0015_refresh_mx_ar_co_displays")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
