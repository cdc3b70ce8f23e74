from django.contrib import admin

from .models import UsageEvent


@admin.register(UsageEvent)
class UsageEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "action", "office", "provider_office", "user", "count", "bulk"]
    list_filter = ["action", "office", "bulk"]
    date_hierarchy = "occurred_at"
