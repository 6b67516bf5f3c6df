from django.conf import settings
from django.db import models

from ..enums import BidPreference


class Bid(models.Model):
    """A reviewer's preference for a paper; no row means neutral."""

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="bids"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bids"
    )
    preference = models.CharField(
        max_length=12, choices=BidPreference, default=BidPreference.NEUTRAL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="bid_unique"),
            models.CheckConstraint(
                condition=models.Q(preference__in=BidPreference.values), name="bid_preference_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.submission}: {self.get_preference_display()}"
