from django.contrib import admin

from .models import Authorship, Submission, SubmissionActivity, SubmissionFile


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["user"]


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    extra = 0
    readonly_fields = [
        "kind",
        "version",
        "file",
        "sha256",
        "size",
        "pages",
        "uploaded_by",
        "uploaded_at",
        "warnings",
    ]
    can_delete = False


class SubmissionActivityInline(admin.TabularInline):
    model = SubmissionActivity
    extra = 0
    readonly_fields = ["created_at", "actor", "action", "from_state", "to_state", "message"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "workshop", "submission_type", "state", "submitted_at"]
    list_filter = ["state", "workshop", "submission_type"]
    search_fields = ["title", "number", "authors__name", "authors__email"]
    inlines = [AuthorshipInline, SubmissionFileInline, SubmissionActivityInline]
    autocomplete_fields = ["created_by"]
    # State changes go through submissions.services.state.set_state (mail, log), not the admin.
    readonly_fields = ["state", "submitted_at", "withdrawn_at", "revision", "form_token"]


@admin.register(SubmissionFile)
class SubmissionFileAdmin(admin.ModelAdmin):
    list_display = ["submission", "kind", "version", "size", "pages", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["submission__title", "sha256"]
