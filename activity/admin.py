"""The site admin's view of the activity log: read-only, entries are written by the services."""

from django.contrib import admin

from .models import Entry

FIELDS = [
    "workshop",
    "submission",
    "created_at",
    "actor",
    "kind",
    "action",
    "from_state",
    "to_state",
    "message",
    "changes",
]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workshop", "kind", "action", "submission", "actor"]
    list_filter = ["kind", "workshop"]
    search_fields = ["submission__title", "message", "action", "actor__email", "actor__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["workshop", "submission", "actor"]
    readonly_fields = FIELDS
    fields = FIELDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
