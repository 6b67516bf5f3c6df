from django.db import models
from django.db.models import Q

from ..enums import CONFIDENCE_SCALE, RECOMMENDATION_SCALE, ReviewState


class Review(models.Model):
    """The review of one assignment: scores per criterion (``ReviewScore``), a recommendation,
    a confidence, text for the authors and a note only chairs read."""

    assignment = models.OneToOneField(
        "reviews.Assignment", on_delete=models.CASCADE, related_name="review"
    )
    state = models.CharField(max_length=10, choices=ReviewState, default=ReviewState.DRAFT)
    recommendation = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    weaknesses = models.TextField(blank=True)
    comments = models.TextField("comments to the authors", blank=True)
    confidential_note = models.TextField("confidential note to the chairs", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on at every save of its edit page: a page loaded before refuses to "
        "overwrite it (workshops.concurrency).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=True)
                | Q(recommendation__gte=1, recommendation__lte=len(RECOMMENDATION_SCALE)),
                name="review_recommendation_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True)
                | Q(confidence__gte=1, confidence__lte=len(CONFIDENCE_SCALE)),
                name="review_confidence_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(state=ReviewState.DRAFT)
                | Q(
                    state=ReviewState.SUBMITTED,
                    recommendation__isnull=False,
                    confidence__isnull=False,
                    submitted_at__isnull=False,
                ),
                name="review_submitted_complete",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="review_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Review by {self.assignment}"

    @property
    def is_submitted(self) -> bool:
        return self.state == ReviewState.SUBMITTED

    @property
    def recommendation_label(self) -> str:
        return RECOMMENDATION_SCALE[self.recommendation - 1] if self.recommendation else ""

    @property
    def confidence_label(self) -> str:
        return CONFIDENCE_SCALE[self.confidence - 1] if self.confidence else ""


class ReviewScore(models.Model):
    """One criterion's score: the 1-based level of the criterion's scale."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "workshops.ReviewCriterion", on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(value__gte=1), name="score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"

    @property
    def label(self) -> str:
        scale = self.criterion.scale
        return scale[self.value - 1] if 1 <= self.value <= len(scale) else str(self.value)


class ReviewVersion(models.Model):
    """A submitted version of a review, kept at every submit: what the reviewer said then.

    ``snapshot`` holds the recommendation, confidence, texts, scores by criterion id and
    custom answers by question id, as they were submitted.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    submitted_at = models.DateTimeField()
    # Submitted after the paper's author response arrived (chairs and ACs see what changed).
    after_response = models.BooleanField(default=False)

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="review_version_unique"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.review}"
