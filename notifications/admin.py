from django.contrib import admin

from .models import DocumentRequest, Notification, RequestJoin, Watch


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["user", "application", "scope", "direction", "delivery", "created_at"]
    list_select_related = ["user", "application"]
    raw_id_fields = ["user", "application"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "text", "email", "sent_at", "attempts", "read_at"]
    list_filter = ["kind", "email"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "application", "document", "request"]
    search_fields = ["user__email", "text"]


class RequestJoinInline(admin.TabularInline):
    model = RequestJoin
    raw_id_fields = ["user"]
    extra = 0


@admin.register(DocumentRequest)
class DocumentRequestAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "application",
        "requesting_office",
        "provider_office",
        "state",
        "updated_at",
    ]
    list_filter = ["state", "provider_office"]
    list_select_related = ["application", "requesting_office", "provider_office"]
    raw_id_fields = ["application", "fulfilled_by", "changed_by"]
    inlines = [RequestJoinInline]
