"""Stored display forms of MX, AR and CO applications follow the number reader again.

The reader now shows these applications in their offices' own forms: MX/a/2015/004567 (was
MX 2015004567), AR P20130103456 and CO 15-123456 (was CO 15123456); `display` is written when a
row is stored, so rows stored before showed the old form. Only the display changes: keys stay
as they are (an AR row stored under its earlier key AR0103456 keeps it and is still found).
"""

from django.db import migrations

from dossiers.migrations._display_refresh import displays_refresh

OFFICES = ("MX", "AR", "CO")


def refresh(apps, schema_editor):
    displays_refresh(apps, OFFICES)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_refresh_de_sg_displays")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
