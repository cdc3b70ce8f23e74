import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeService",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("mode", models.CharField(choices=[("deposit", "Deposit (documents uploaded to the portal)"), ("web_service", "Web service (documents fetched from the office)")], default="deposit", max_length=12)),
                ("base_url", models.URLField(blank=True, max_length=300, verbose_name="base URL")),
                ("token", models.CharField(blank=True, max_length=300, verbose_name="credential")),
                ("changes_until", models.CharField(blank=True, max_length=64)),
                ("checked_at", models.DateTimeField(blank=True, null=True)),
                ("check_result", models.CharField(blank=True, max_length=200)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("office", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="service", to="offices.office")),
            ],
            options={
                "verbose_name": "office service",
                "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("mode", "web_service"), _negated=True), models.Q(("base_url", ""), _negated=True), _connector="OR"), name="offices_officeservice_web_service_has_url")],
            },
        ),
    ]
