from django.conf import settings
from django.db import models


class CommitteeChange(models.Model):
    """The committee's log: a member added, removed or given another role, by which chair."""

    class Action(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        ROLES = "roles", "Roles changed"

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="committee_changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the account is gone: whom the line is about.
    member = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action)
    detail = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_action_display()}"
