import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from workshops.enums import MemberRole

from ..enums import InvitationState


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ReviewerInvitation(models.Model):
    """An invitation to join a workshop's program committee, answered through a personal link."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="reviewer_invitations"
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    # The role the invitation offers: reviewer or area chair.
    role = models.CharField(
        max_length=10,
        default=MemberRole.REVIEWER,
        choices=[(r.value, r.label) for r in (MemberRole.REVIEWER, MemberRole.AREA_CHAIR)],
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    state = models.CharField(
        max_length=10, choices=InvitationState, default=InvitationState.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewer_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # Accepted from an account none of whose verified addresses is ``email``: that account's
    # address, shown to the chairs ("accepted by x instead of the invited y").
    accepted_as = models.EmailField(blank=True)
    # An author of a paper of the workshop who tried to accept, and was refused.
    refused_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    # A chair allowed an author of the workshop to accept (the override, with who and when).
    author_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_allowed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workshop", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "workshop", Lower("email"), name="invitation_unique_email_per_workshop"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=InvitationState.values),
                name="invitation_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email} → {self.workshop}"


class ReviewerProfile(models.Model):
    """What a committee member can review in one workshop; read by the assignment engine."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="reviewer_profiles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profiles"
    )
    topics = models.ManyToManyField("workshops.Topic", blank=True, related_name="reviewer_profiles")
    max_papers = models.PositiveSmallIntegerField(
        "maximum number of papers", null=True, blank=True, help_text="Empty means no limit."
    )
    min_papers = models.PositiveSmallIntegerField("minimum number of papers", null=True, blank=True)
    # Loads as an area chair (the same topics, expertise and bids serve both roles).
    ac_max_papers = models.PositiveSmallIntegerField(
        "maximum number of papers as area chair",
        null=True,
        blank=True,
        help_text="Empty means no limit.",
    )
    ac_min_papers = models.PositiveSmallIntegerField(
        "minimum number of papers as area chair", null=True, blank=True
    )
    expertise = models.TextField(
        "expertise",
        blank=True,
        help_text="Paste abstracts of your own papers; they help match you with submissions.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="profile_unique_user"),
            models.CheckConstraint(
                condition=models.Q(min_papers__isnull=True)
                | models.Q(max_papers__isnull=True)
                | models.Q(min_papers__lte=models.F("max_papers")),
                name="profile_min_le_max",
                violation_error_message="The minimum cannot exceed the maximum.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workshop}"
