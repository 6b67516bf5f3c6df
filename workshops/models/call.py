"""What a call for papers asks for: topics, dates, submission types and review criteria."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from ..enums import DEADLINE_KINDS, DateKind


class Topic(models.Model):
    """A topic of the call; one level of nesting ("Backdoor attacks" > "Clean-label attacks")."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="topics"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "parent", "name"], name="topic_unique_name"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="topic_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.workshop_id != self.workshop_id:
            raise ValidationError({"parent": "A topic's parent must belong to the same workshop."})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "Topics nest one level deep only."})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": "A topic with sub-topics cannot become a sub-topic."})


class ImportantDate(models.Model):
    """A date of the call with its original value and an optional extension.

    Stored in UTC; shown in the workshop's time zone. Extensions are kept beside the original so
    pages can show both, as calls do ("~~January 25~~ February 3, extended").
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="dates"
    )
    kind = models.CharField(max_length=24, choices=DateKind)
    original_at = models.DateTimeField("date", null=True, blank=True, help_text="Empty means TBD.")
    extended_at = models.DateTimeField("extended to", null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text='e.g. "December 15 or 16".')

    class Meta:
        ordering = ["original_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "kind"], name="date_unique_kind"),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True) | Q(extended_at__gt=F("original_at")),
                name="date_extension_after_original",
                violation_error_message="An extension must be later than the original date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.effective_at or 'TBD'}"

    def clean(self):
        if self.extended_at and not self.original_at:
            raise ValidationError({"extended_at": "Set the original date before an extension."})
        if self.extended_at and self.original_at and self.extended_at <= self.original_at:
            raise ValidationError(
                {"extended_at": "An extension must be later than the original date."}
            )

    @property
    def effective_at(self):
        return self.extended_at or self.original_at

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def is_deadline(self) -> bool:
        return self.kind in DEADLINE_KINDS

    @property
    def sort_index(self) -> int:
        return DateKind.values.index(self.kind)


class SubmissionType(models.Model):
    """A kind of paper the call accepts, with its page limit."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="submission_types"
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    page_limit = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    references_excluded = models.BooleanField("references excluded from the limit", default=True)
    appendices_excluded = models.BooleanField("appendices excluded from the limit", default=False)
    extra_pages_allowance = models.PositiveSmallIntegerField(
        "pages allowed beyond the limit",
        default=0,
        help_text="Room for the excluded references/appendices when checking the PDF's page count.",
    )
    camera_ready_page_limit = models.PositiveSmallIntegerField(
        "camera-ready page limit",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Most pages in the final PDF, allowance included; empty means the same as "
        "for review.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="subtype_unique_name"),
            models.CheckConstraint(
                condition=Q(page_limit__gte=1),
                name="subtype_page_limit_positive",
                violation_error_message="The page limit must be at least 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.page_limit} page{'s' if self.page_limit != 1 else ''})"

    @property
    def max_pdf_pages(self) -> int:
        """The most pages a PDF of this type may have, allowance included."""
        return self.page_limit + self.extra_pages_allowance

    @property
    def limit_description(self) -> str:
        """ "up to 8 pages, excluding references (at most 10 pages in the PDF)": the one wording
        of the limit, on the call page, the submission form and the page-limit error."""
        excluded = [
            label
            for label, flag in (
                ("references", self.references_excluded),
                ("appendices", self.appendices_excluded),
            )
            if flag
        ]
        text = f"up to {self.page_limit} page{'s' if self.page_limit != 1 else ''}"
        if excluded:
            text += f", excluding {' and '.join(excluded)}"
        if self.extra_pages_allowance:
            text += f" (at most {self.max_pdf_pages} pages in the PDF)"
        return text


def default_scale() -> list[str]:
    return ["Poor", "Fair", "Good", "Very good", "Excellent"]


class ReviewCriterion(models.Model):
    """A criterion reviewers score (soundness, novelty, relevance...), on a labelled scale.

    ``scale`` lists the level labels from lowest to highest; a score is the 1-based level.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    scale = models.JSONField(default=default_scale)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "review criteria"
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="criterion_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if (
            not isinstance(self.scale, list)
            or len(self.scale) < 2
            or not all(isinstance(x, str) and x.strip() for x in self.scale)
        ):
            raise ValidationError({"scale": "A scale needs at least two labelled levels."})

    @property
    def max_score(self) -> int:
        return len(self.scale)
