from django.conf import settings
from django.db import models

from ..enums import MemberRole


class Membership(models.Model):
    """A user's role in a workshop. Rights are derived from these rows (see permissions.py)."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.workshop}"
