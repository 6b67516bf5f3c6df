"""The site admin's view of submissions: lists to search and filter, never a second door.

States, numbers and file versions change only through ``submissions.services`` (which check the
transition, log it and mail the authors); here they are read-only. Withdrawal is offered as an
action that goes through ``set_state``.
"""

from django.contrib import admin, messages

from activity.models import Entry

from .enums import SubmissionState
from .models import Authorship, Submission, SubmissionFile
from .services.state import TransitionNotAllowed, set_state

FILE_FIELDS = [
    "submission",
    "kind",
    "version",
    "file",
    "original_name",
    "sha256",
    "size",
    "pages",
    "uploaded_by",
    "uploaded_at",
    "warnings",
]
ACTIVITY_FIELDS = [
    "submission",
    "created_at",
    "actor",
    "kind",
    "action",
    "from_state",
    "to_state",
    "message",
]


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["user"]


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    extra = 0
    readonly_fields = FILE_FIELDS[1:]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SubmissionActivityInline(admin.TabularInline):
    """The paper's entries of the workshop's activity log."""

    model = Entry
    fk_name = "submission"
    extra = 0
    fields = ACTIVITY_FIELDS[1:]
    readonly_fields = ACTIVITY_FIELDS[1:]
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
    # State changes go through submissions.services.state.set_state (checks, log, mail), and
    # numbers are allocated by the service: neither is editable here.
    readonly_fields = [
        "workshop",
        "number",
        "state",
        "created_by",
        "submitted_at",
        "withdrawn_at",
        "revision",
        "form_token",
        "last_form_token",
        "desk_reject_reason",
    ]
    actions = ["withdraw_selected"]

    def has_add_permission(self, request):
        # A submission is created by its authors' form (numbering, mail, activity log).
        return False

    @admin.action(description="Withdraw the selected submissions (authors are e-mailed)")
    def withdraw_selected(self, request, queryset):
        done, refused = [], []
        for submission in queryset.select_related("workshop"):
            if not request.user.has_perm("submissions.manage_submissions", submission):
                refused.append(f"#{submission.number} ({submission.workshop.short_name}): no right")
                continue
            try:
                set_state(
                    submission,
                    SubmissionState.WITHDRAWN,
                    by=request.user,
                    reason="Withdrawn by a site administrator.",
                )
            except TransitionNotAllowed as exc:
                refused.append(f"#{submission.number} ({submission.workshop.short_name}): {exc}")
            else:
                done.append(f"#{submission.number}")
        if done:
            self.message_user(request, f"Withdrawn: {', '.join(done)}.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not withdrawn: " + "; ".join(refused), messages.WARNING)


@admin.register(SubmissionFile)
class SubmissionFileAdmin(admin.ModelAdmin):
    """Versions are never overwritten or deleted: read-only."""

    list_display = ["submission", "kind", "version", "size", "pages", "uploaded_at"]
    list_filter = ["kind", "submission__workshop"]
    search_fields = ["submission__title", "sha256", "original_name"]
    readonly_fields = FILE_FIELDS
    list_select_related = ["submission"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "affiliation", "submission", "order", "is_contact", "user"]
    list_filter = ["is_contact", "submission__workshop", "submission__state"]
    search_fields = [
        "name",
        "email",
        "affiliation",
        "submission__title",
        "user__email",
        "user__full_name",
    ]
    list_select_related = ["submission", "user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["submission"]

    def has_add_permission(self, request):
        return False
