"""Rollups kept at write time (stats/services.py): unsettled rows merged by usage_rollup(),
per-office sums without the office pair (UsageMonthlyOffice), distinct people per month
(UsageMonthlyActive, UsageActiveCount), per-person totals (UsageMonthlyUser); the tail
(UsagePending) is gone.

The rollups are rebuilt from the raw events by 0011_rollups_rebuilt (not here: a rebuild inside
this migration's transaction held every table for the whole ledger).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('offices', '0003_merge_service_requests_worklists'),
        ('stats', '0006_rollups_count_events_and_active_by_action'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='UsageActiveCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='First day of the month.')),
                ('office_id', models.IntegerField(default=0)),
                ('kind', models.CharField(choices=[('any', 'Any use'), ('login', 'Logged in'), ('search', 'Searched'), ('retrieve', 'Retrieved documents')], max_length=8)),
                ('n', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='UsageMonthlyActive',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='First day of the month.')),
                ('office_id', models.IntegerField(default=0)),
                ('kind', models.CharField(choices=[('any', 'Any use'), ('login', 'Logged in'), ('search', 'Searched'), ('retrieve', 'Retrieved documents')], max_length=8)),
                ('user_id', models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='UsageMonthlyOffice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='First day of the month.')),
                ('office_id', models.IntegerField(default=0)),
                ('action', models.CharField(choices=[('login', 'Log in'), ('logout', 'Log out'), ('search', 'Search'), ('family_view', 'Family view'), ('document_view', 'Document view'), ('document_download', 'Download'), ('upload', 'Upload'), ('request_made', 'Document request made'), ('request_accepted', 'Document request accepted'), ('request_fulfilled', 'Document request fulfilled'), ('request_declined', 'Document request declined'), ('request_expired', 'Document request expired'), ('package_built', 'Package built'), ('notification_sent', 'Notification sent'), ('api_call', 'API call')], max_length=32)),
                ('bulk', models.BooleanField(default=False)),
                ('with_provider', models.BooleanField(default=False)),
                ('total', models.BigIntegerField(default=0)),
                ('events', models.BigIntegerField(default=0)),
                ('settled', models.BooleanField(default=True)),
            ],
        ),
        migrations.RemoveField(
            model_name='usagepending',
            name='event',
        ),
        migrations.RemoveConstraint(
            model_name='usagemonthly',
            name='stats_usagemonthly_key',
        ),
        migrations.RemoveConstraint(
            model_name='usagemonthlyuser',
            name='stats_usagemonthlyuser_action_key',
        ),
        migrations.RemoveConstraint(
            model_name='usagerequestwait',
            name='stats_requestwait_key',
        ),
        migrations.AddField(
            model_name='usagemonthly',
            name='settled',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='usagemonthlyuser',
            name='events',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='usagemonthlyuser',
            name='last_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='usagemonthlyuser',
            name='settled',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='usagemonthlyuser',
            name='total',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='usagerequestwait',
            name='settled',
            field=models.BooleanField(default=True),
        ),
        migrations.AddIndex(
            model_name='usageevent',
            index=models.Index(condition=models.Q(('action', 'request_made')), fields=['office', 'provider_office', 'application_id', 'occurred_at'], name='stats_usage_request_made'),
        ),
        migrations.AddIndex(
            model_name='usagemonthly',
            index=models.Index(fields=['month'], name='stats_monthly_month'),
        ),
        migrations.AddIndex(
            model_name='usagemonthly',
            index=models.Index(condition=models.Q(('settled', False)), fields=['id'], name='stats_monthly_unsettled'),
        ),
        migrations.AddIndex(
            model_name='usagemonthlyuser',
            index=models.Index(condition=models.Q(('settled', False)), fields=['id'], name='stats_monthlyuser_unsettled'),
        ),
        migrations.AddIndex(
            model_name='usagerequestwait',
            index=models.Index(fields=['month'], name='stats_requestwait_month'),
        ),
        migrations.AddIndex(
            model_name='usagerequestwait',
            index=models.Index(condition=models.Q(('settled', False)), fields=['id'], name='stats_requestwait_unsettled'),
        ),
        migrations.AddConstraint(
            model_name='usagemonthly',
            constraint=models.UniqueConstraint(condition=models.Q(('settled', True)), fields=('month', 'office_id', 'provider_id', 'action', 'bulk'), name='stats_usagemonthly_settled_key'),
        ),
        migrations.AddConstraint(
            model_name='usagemonthlyuser',
            constraint=models.UniqueConstraint(condition=models.Q(('settled', True)), fields=('month', 'office_id', 'user_id', 'action'), name='stats_usagemonthlyuser_settled_key'),
        ),
        migrations.AddConstraint(
            model_name='usagerequestwait',
            constraint=models.UniqueConstraint(condition=models.Q(('settled', True)), fields=('month', 'office_id', 'provider_id', 'days'), name='stats_requestwait_settled_key'),
        ),
        migrations.AddConstraint(
            model_name='usageactivecount',
            constraint=models.UniqueConstraint(fields=('office_id', 'month', 'kind'), name='stats_activecount_key'),
        ),
        migrations.AddIndex(
            model_name='usagemonthlyactive',
            index=models.Index(fields=['month', 'kind'], name='stats_monthlyactive_month'),
        ),
        migrations.AddConstraint(
            model_name='usagemonthlyactive',
            constraint=models.UniqueConstraint(fields=('office_id', 'month', 'kind', 'user_id'), name='stats_monthlyactive_key'),
        ),
        migrations.AddIndex(
            model_name='usagemonthlyoffice',
            index=models.Index(fields=['office_id', 'month'], name='stats_monthlyoffice_office'),
        ),
        migrations.AddIndex(
            model_name='usagemonthlyoffice',
            index=models.Index(fields=['month'], name='stats_monthlyoffice_month'),
        ),
        migrations.AddIndex(
            model_name='usagemonthlyoffice',
            index=models.Index(condition=models.Q(('settled', False)), fields=['id'], name='stats_monthlyoffice_unsettled'),
        ),
        migrations.AddConstraint(
            model_name='usagemonthlyoffice',
            constraint=models.UniqueConstraint(condition=models.Q(('settled', True)), fields=('month', 'office_id', 'action', 'bulk', 'with_provider'), name='stats_monthlyoffice_settled_key'),
        ),
        migrations.DeleteModel(
            name='UsagePending',
        ),
    ]
