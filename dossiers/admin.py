"""The operator's Django admin for dossiers: read-mostly, searched by any number spelling,
and whatever it changes goes through the services (withdraw a document, re-queue a package)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render

from case_portal import jobs
from case_portal.admin import NoHandEdits

from . import selectors
from .models import Application, Document, Family, Package, Worklist, WorklistEntry
from .services import documents, packages


def _by_number(queryset, term: str, field: str):
    """Rows whose application (through `field`) is the one a typed number leads to."""
    lines = selectors.applications_find(within=Application.objects.all(), texts=[term])
    ids = [app.pk for line in lines for app in line.matches]
    return queryset.filter(**{f"{field}__in": ids}) if ids else queryset.none()


class ReadMostlyAdmin(NoHandEdits, admin.ModelAdmin):
    """Changed only through the services' admin actions (withdraw, re-queue)."""

    number_field = "pk"  # where the application id is, for the number search

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            results = results | _by_number(queryset, term, self.number_field)
        return results, duplicates


@admin.register(Application)
class ApplicationAdmin(ReadMostlyAdmin):
    list_display = ["display", "office", "filing_date", "status", "published", "family"]
    list_filter = ["office", "status", "published"]
    list_select_related = ["office", "family"]
    search_fields = ["display", "title"]
    raw_id_fields = ["family"]


@admin.register(Family)
class FamilyAdmin(ReadMostlyAdmin):
    list_display = ["pk", "created_at", "updated_at"]
    search_fields = ["=pk"]
    number_field = "members"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=documents.WITHDRAWN_REASON_FIELD.max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(Document)
class DocumentAdmin(ReadMostlyAdmin):
    list_display = ["pk", "application", "category", "date", "pages", "created_at", "withdrawn_at"]
    list_filter = ["category", "application__office"]
    list_select_related = ["application"]
    search_fields = ["original_name", "code"]
    number_field = "application"
    actions = ["withdraw"]

    @admin.action(description="Withdraw the selected documents (asks for a reason)")
    def withdraw(self, request, queryset):
        form = WithdrawForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            done, errors = 0, []
            for document in queryset:
                try:
                    documents.document_withdraw(
                        document=document, user=request.user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except ValidationError as exc:
                    errors.append(f"Document {document.pk}: {' '.join(exc.messages)}")
            self.message_user(request, f"{done} document(s) withdrawn.", messages.SUCCESS)
            for error in errors:
                self.message_user(request, error, messages.WARNING)
            return None
        return render(
            request,
            "admin/dossiers/withdraw.html",
            {
                **self.admin_site.each_context(request),
                "title": "Withdraw documents",
                "documents": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


class WorklistEntryInline(NoHandEdits, admin.TabularInline):
    model = WorklistEntry
    raw_id_fields = ["application"]
    extra = 0


@admin.register(Worklist)
class WorklistAdmin(ReadMostlyAdmin):
    list_display = ["name", "office", "created_by", "created_at"]
    list_filter = ["office"]
    list_select_related = ["office", "created_by"]
    search_fields = ["name", "created_by__email"]
    number_field = "entries__application"
    inlines = [WorklistEntryInline]

    def get_search_results(self, request, queryset, search_term):
        results, _dup = super().get_search_results(request, queryset, search_term)
        return results, True  # through entries: one row per worklist


@admin.register(Package)
class PackageAdmin(ReadMostlyAdmin):
    list_display = ["pk", "worklist", "office", "state", "created_by", "created_at", "error"]
    list_filter = ["state", "office"]
    list_select_related = ["worklist", "office", "created_by"]
    search_fields = ["worklist__name", "created_by__email"]
    number_field = "worklist__entries__application"
    actions = ["requeue"]

    def get_search_results(self, request, queryset, search_term):
        results, _dup = super().get_search_results(request, queryset, search_term)
        return results, True

    @admin.action(description="Re-queue the selected packages (failed or stuck)")
    def requeue(self, request, queryset):
        sent = 0
        for package in queryset:
            if package.state == Package.State.FAILED:
                packages.package_retry(package=package)
                sent += 1
            elif package.state in (Package.State.QUEUED, Package.State.BUILDING):
                # Stuck: send it again now; the build's claim makes a duplicate harmless.
                jobs.enqueue_builds(packages.JOB, [package.pk])
                sent += 1
        self.message_user(request, f"{sent} package(s) sent to be built again.", messages.SUCCESS)
