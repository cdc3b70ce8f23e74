"""The usage ledger is evidence: read-only in the Django admin. Reports can be re-queued."""

from django.contrib import admin, messages

from case_portal import jobs

from . import export_builds
from .models import StatisticsReport, UsageEvent, UsageMonthly, UsageMonthlyUser


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes a counted use by hand, not even a superuser."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UsageEvent)
class UsageEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "action", "office", "provider_office", "user", "count", "bulk"]
    list_filter = ["action", "office", "bulk", "via_api"]
    list_select_related = ["office", "provider_office", "user"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False  # no COUNT(*) over millions of rows per page


@admin.register(UsageMonthly)
class UsageMonthlyAdmin(ReadOnlyAdmin):
    list_display = ["month", "office_id", "provider_id", "action", "bulk", "total", "events"]
    list_filter = ["action", "bulk"]
    date_hierarchy = "month"


@admin.register(UsageMonthlyUser)
class UsageMonthlyUserAdmin(ReadOnlyAdmin):
    list_display = ["month", "office_id", "user_id", "action"]
    list_filter = ["action"]
    date_hierarchy = "month"


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
        jobs.enqueue_on_commit(export_builds.BUILD_TASK, ids, swept_by="reports_requeue")
        self.message_user(
            request, f"{len(ids)} report(s) sent to be built again.", messages.SUCCESS
        )
