from django.contrib import admin

from . import services
from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipient",
        "workshop",
        "template_role",
        "state",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "template_role", "workshop"]
    search_fields = ["recipient", "subject", "idempotency_key"]
    readonly_fields = ["created_at", "sent_at", "attempts", "idempotency_key"]
    actions = ["resend"]

    @admin.action(description="Resend the selected e-mails")
    def resend(self, request, queryset):
        for email in queryset:
            services.resend(email)
