from django.contrib import admin

from .models import (
    ImportantDate,
    Membership,
    Person,
    ReviewCriterion,
    SubmissionType,
    Topic,
    Workshop,
)


class DateInline(admin.TabularInline):
    model = ImportantDate
    extra = 0


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0
    fields = ["name", "parent", "order"]


class SubmissionTypeInline(admin.TabularInline):
    model = SubmissionType
    extra = 0


class CriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["role", "name", "title", "affiliation", "website", "order"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "acronym",
        "year",
        "colocated_with",
        "format",
        "anonymity",
        "is_archival",
        "is_published",
        "is_demo",
    ]
    list_filter = ["year", "format", "anonymity", "is_archival", "is_published", "is_demo"]
    search_fields = ["name", "acronym", "slug", "colocated_with", "venue"]
    prepopulated_fields = {"slug": ["acronym", "year"]}
    inlines = [
        DateInline,
        SubmissionTypeInline,
        TopicInline,
        CriterionInline,
        PersonInline,
        MembershipInline,
    ]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "workshop", "order"]
    list_filter = ["workshop"]
    search_fields = ["name"]


@admin.register(ImportantDate)
class ImportantDateAdmin(admin.ModelAdmin):
    list_display = ["workshop", "kind", "original_at", "extended_at", "note"]
    list_filter = ["kind", "workshop"]


@admin.register(SubmissionType)
class SubmissionTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "workshop",
        "page_limit",
        "references_excluded",
        "appendices_excluded",
        "extra_pages_allowance",
    ]
    list_filter = ["workshop"]
    search_fields = ["name"]


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "workshop", "order"]
    list_filter = ["workshop"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "title", "affiliation", "workshop"]
    list_filter = ["role", "workshop"]
    search_fields = ["name", "affiliation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workshop", "role", "created_at"]
    list_filter = ["role", "workshop"]
    search_fields = ["user__email", "user__full_name", "workshop__name"]
    autocomplete_fields = ["user"]
