from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiKey, Office, User
from .service_models import OfficeService, office_service_test


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "accesses", "provides", "shares_with_all", "is_active"]
    list_filter = ["accesses", "provides", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["shares_with"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "office", "role", "is_operator", "is_active", "last_login"]
    list_filter = ["office", "role", "is_operator", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name"]}),
        ("Office", {"fields": ["office", "role", "is_operator"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "office", "role", "password1", "password2"]},
        )
    ]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "office",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["office"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


class OfficeServiceForm(forms.ModelForm):
    base_url = forms.URLField(
        label="base URL", max_length=300, required=False, assume_scheme="https"
    )
    # Write-only: the stored credential is never sent back to the browser.
    token = forms.CharField(
        label="credential",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave blank to keep the stored one.",
    )

    class Meta:
        model = OfficeService
        fields = ["office", "mode", "base_url", "token"]

    def clean_token(self):
        return self.cleaned_data["token"] or (self.instance.token if self.instance.pk else "")


@admin.register(OfficeService)
class OfficeServiceAdmin(admin.ModelAdmin):
    form = OfficeServiceForm
    list_display = ["office", "mode", "base_url", "credential", "checked_at", "check_result"]
    list_filter = ["mode"]
    readonly_fields = ["checked_at", "check_result", "changes_until"]
    actions = ["test_connection"]

    @admin.display(description="credential")
    def credential(self, obj):
        return obj.token_hint

    @admin.action(description="Test connection")
    def test_connection(self, request, queryset):
        for row in queryset.select_related("office"):
            result = office_service_test(row)
            level = messages.SUCCESS if result.startswith("ok") else messages.WARNING
            self.message_user(request, f"{row.office.code}: {result}", level)
