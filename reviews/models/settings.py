from django.db import models

from ..enums import Phase, ResponseReviews, Visibility


class ReviewSettings(models.Model):
    """How a workshop runs its review: the current phase and the chair's policies."""

    workshop = models.OneToOneField(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="review_settings"
    )
    phase = models.CharField(max_length=12, choices=Phase, default=Phase.SUBMISSION)
    follow_dates = models.BooleanField(
        "move the phase by the dates",
        default=False,
        help_text="Bidding opens after the submission deadline, reviewing when bidding closes, "
        "discussion after the reviews are due. Chairs can always move the phase by hand.",
    )
    bidding_closes_at = models.DateTimeField(null=True, blank=True)
    others_reviews = models.CharField(
        "reviewers see the other reviews of their papers",
        max_length=10,
        choices=Visibility,
        default=Visibility.AFTER_OWN,
    )
    late_reviews_until = models.DateTimeField(
        "accept late reviews until",
        null=True,
        blank=True,
        help_text="Reviews are due by the due date; reviewers can still submit or edit them "
        "until this later date. Empty: not after the due date.",
    )
    default_reviews_per_paper = models.PositiveSmallIntegerField(default=3)
    guidelines = models.TextField(
        "reviewer guidelines",
        blank=True,
        help_text="Shown with the reviewer invitation, on the bidding page and beside the review "
        "form. Markdown: **bold**, *italic*, lists and links.",
    )
    # Area chairs.
    area_chairs_per_paper = models.PositiveSmallIntegerField(default=1)
    area_chairs_stage_decisions = models.BooleanField(
        "area chairs may stage decisions",
        default=False,
        help_text="Area chairs stage the decision of their papers; chairs still release them.",
    )
    reviewers_see_area_chair_name = models.BooleanField(
        "reviewers see their area chair's name",
        default=False,
        help_text="Otherwise reviewers see “Area chair”. Authors never see the name.",
    )
    # Author response (an optional phase after reviewing; its deadline is the call's
    # "Author response" date, with its extension and per-paper extensions).
    response_enabled = models.BooleanField("the call has an author response", default=False)
    response_word_limit = models.PositiveIntegerField(default=500)
    response_reviews = models.CharField(
        "authors read during the response",
        max_length=12,
        choices=ResponseReviews,
        default=ResponseReviews.TEXTS,
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on at every save of its edit page: a page loaded before refuses to "
        "overwrite it (workshops.concurrency).",
    )

    class Meta:
        verbose_name_plural = "review settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__in=Phase.values), name="reviewsettings_phase_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Review settings of {self.workshop}"

    @property
    def flags(self):
        from ..phases import flags

        return flags(self.phase)
