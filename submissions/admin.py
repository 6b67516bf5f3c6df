from django.contrib import admin

from .models import Authorship, Submission, SubmissionFile


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
    ]
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "workshop", "submission_type", "state", "submitted_at"]
    list_filter = ["state", "workshop", "submission_type"]
    search_fields = ["title", "number", "authors__name", "authors__email"]
    inlines = [AuthorshipInline, SubmissionFileInline]
    autocomplete_fields = ["created_by"]


@admin.register(SubmissionFile)
class SubmissionFileAdmin(admin.ModelAdmin):
    list_display = ["submission", "kind", "version", "size", "pages", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["submission__title", "sha256"]
