from django.contrib import admin

from .models import (
    Assignment,
    Bid,
    Comment,
    Conflict,
    Decision,
    DecisionRelease,
    DecisionTemplate,
    Review,
    ReviewerInvitation,
    ReviewerProfile,
    ReviewScore,
    ReviewSettings,
)


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    list_display = ["workshop", "phase", "follow_dates", "others_reviews"]
    list_filter = ["phase"]


@admin.register(ReviewerInvitation)
class ReviewerInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "workshop", "state", "times_sent", "responded_at"]
    list_filter = ["state", "workshop"]
    search_fields = ["email", "name"]
    readonly_fields = ["token"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "workshop", "min_papers", "max_papers"]
    list_filter = ["workshop"]
    search_fields = ["user__email", "user__full_name"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["submission", "user", "source", "dismissed_at"]
    list_filter = ["source", "submission__workshop"]
    search_fields = ["user__email", "submission__title"]
    raw_id_fields = ["submission", "user", "created_by", "dismissed_by"]


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ["submission", "reviewer", "preference"]
    list_filter = ["preference", "submission__workshop"]
    raw_id_fields = ["submission", "reviewer"]


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["submission", "ordinal", "reviewer", "state", "source", "due_at"]
    list_filter = ["state", "source", "submission__workshop"]
    search_fields = ["reviewer__email", "submission__title"]
    raw_id_fields = ["submission", "reviewer", "created_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["assignment", "state", "recommendation", "confidence", "submitted_at"]
    list_filter = ["state", "assignment__submission__workshop"]
    raw_id_fields = ["assignment"]
    inlines = [ReviewScoreInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["submission", "author", "created_at"]
    raw_id_fields = ["submission", "author"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["submission", "outcome", "released_at"]
    list_filter = ["outcome", "submission__workshop"]
    raw_id_fields = ["submission", "decided_by", "release"]


@admin.register(DecisionRelease)
class DecisionReleaseAdmin(admin.ModelAdmin):
    list_display = ["pk", "workshop", "created_by", "created_at", "notified_at"]


@admin.register(DecisionTemplate)
class DecisionTemplateAdmin(admin.ModelAdmin):
    list_display = ["workshop", "outcome", "subject"]
