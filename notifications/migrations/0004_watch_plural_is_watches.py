from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_invitation_kind"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="watch",
            options={"ordering": ["-created_at", "-pk"], "verbose_name_plural": "watches"},
        ),
    ]
