from django.contrib import admin

from .models import Program, Session, Slot


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["workshop", "published_at", "updated_at"]


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    raw_id_fields = ["submission"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """For inspection; chairs change the program through its builder (which checks and logs)."""

    list_display = ["title", "workshop", "kind", "starts_at", "ends_at", "room", "sequence"]
    list_filter = ["workshop", "kind"]
    search_fields = ["title", "room"]
    inlines = [SlotInline]
