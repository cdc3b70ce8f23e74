"""Rollups learn the number of events (search submissions) and who did which action.

Both need the raw events again. This migration used to re-pool every event into the tail
(UsagePending), a row per event for the next rollup run to fold: on a large ledger, millions of
rows and pages reading them all meanwhile. 0007 rebuilds every rollup set-based instead, so the
step here does nothing (databases that ran it are unaffected).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0005_request_and_package_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="usagemonthly",
            name="events",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RemoveConstraint(
            model_name="usagemonthlyuser",
            name="stats_usagemonthlyuser_key",
        ),
        migrations.AddField(
            model_name="usagemonthlyuser",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "Log in"),
                    ("logout", "Log out"),
                    ("search", "Search"),
                    ("family_view", "Family view"),
                    ("document_view", "Document view"),
                    ("document_download", "Download"),
                    ("upload", "Upload"),
                    ("request_made", "Document request made"),
                    ("request_accepted", "Document request accepted"),
                    ("request_fulfilled", "Document request fulfilled"),
                    ("request_declined", "Document request declined"),
                    ("request_expired", "Document request expired"),
                    ("package_built", "Package built"),
                    ("notification_sent", "Notification sent"),
                    ("api_call", "API call"),
                ],
                default="login",
                max_length=32,
            ),
        ),
        migrations.AddConstraint(
            model_name="usagemonthlyuser",
            constraint=models.UniqueConstraint(
                fields=("month", "office_id", "user_id", "action"),
                name="stats_usagemonthlyuser_action_key",
            ),
        ),
        migrations.AddIndex(
            model_name="usageevent",
            index=models.Index(fields=["action", "occurred_at"], name="stats_usage_action_time"),
        ),
        migrations.CreateModel(
            name="UsageRequestWait",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="First day of the month of fulfilment.")),
                ("office_id", models.IntegerField(help_text="The asking office.")),
                ("provider_id", models.IntegerField(help_text="The office asked.")),
                ("days", models.IntegerField(help_text="Whole days from asking to fulfilment.")),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "office_id", "provider_id", "days"),
                        name="stats_requestwait_key",
                    )
                ],
            },
        ),
    ]
