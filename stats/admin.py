"""The usage ledger is evidence: read-only in the Django admin. Reports can be re-queued."""

from django.contrib import admin, messages

from case_portal import jobs
from case_portal.admin import NoHandEdits

from . import export_builds, models
from .models import StatisticsReport, UsageEvent


class ReadOnlyAdmin(NoHandEdits, admin.ModelAdmin):
    """Nobody adds, changes or deletes a counted use by hand, not even a superuser."""


@admin.register(UsageEvent)
class UsageEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "action", "office", "provider_office", "user", "count", "bulk"]
    list_filter = ["action", "office", "bulk", "via_api"]
    list_select_related = ["office", "provider_office", "user"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False  # no COUNT(*) over millions of rows per page


class RollupAdmin(ReadOnlyAdmin):
    """A rollup table: rebuilt from the events (manage.py usage_rollup_rebuild), never edited."""

    date_hierarchy = "month"
    show_full_result_count = False


# Each rollup: (model, columns listed, filters).
for _model, _columns, _filters in [
    (
        models.UsageMonthly,
        ["month", "office_id", "provider_id", "action", "bulk", "total", "events"],
        ["action", "bulk"],
    ),
    (
        models.UsageMonthlyOffice,
        ["month", "office_id", "action", "bulk", "with_provider", "total", "events", "settled"],
        ["action", "bulk", "with_provider"],
    ),
    (models.UsageMonthlyUser, ["month", "office_id", "user_id", "action", "total"], ["action"]),
    (models.UsageMonthlyActive, ["month", "office_id", "kind", "user_id"], ["kind"]),
    (models.UsageActiveCount, ["month", "office_id", "kind", "n"], ["kind"]),
    (models.UsageRequestWait, ["month", "office_id", "provider_id", "fulfilled", "settled"], []),
]:
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (RollupAdmin,),
            {"list_display": _columns, "list_filter": _filters, "__module__": __name__},
        ),
    )


@admin.register(models.UsageActiveSpan)
class UsageActiveSpanAdmin(ReadOnlyAdmin):
    list_display = ["office_id", "kind", "user_id", "era", "months"]
    list_filter = ["kind"]
    show_full_result_count = False


@admin.register(StatisticsReport)
class StatisticsReportAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "requested_by",
        "office",
        "first_month",
        "last_month",
        "state",
        "created_at",
    ]
    list_filter = ["state"]
    list_select_related = ["requested_by", "office"]
    actions = ["requeue"]

    @admin.action(description="Re-queue the selected reports (failed or stuck)")
    def requeue(self, request, queryset):
        ids = []
        for report in queryset:
            if report.state == StatisticsReport.State.FAILED:
                if jobs.retry(StatisticsReport, report.pk):
                    ids.append(report.pk)
            elif report.state in (StatisticsReport.State.QUEUED, StatisticsReport.State.BUILDING):
                ids.append(report.pk)  # the claim makes a duplicate message harmless
        jobs.enqueue_builds(export_builds.JOB, ids)
        self.message_user(
            request, f"{len(ids)} report(s) sent to be built again.", messages.SUCCESS
        )
