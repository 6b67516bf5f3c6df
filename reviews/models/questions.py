"""Custom review questions beyond the criteria, and the reviewers' answers."""

from django.db import models

from workshops.custom_fields import Kind


class QuestionKind(models.TextChoices):
    TEXT = Kind.TEXT.value, Kind.TEXT.label
    CHOICE = Kind.CHOICE.value, Kind.CHOICE.label
    MULTIPLE = Kind.MULTIPLE.value, Kind.MULTIPLE.label
    CHECKBOX = Kind.CHECKBOX.value, Kind.CHECKBOX.label
    SCORE = Kind.SCORE.value, Kind.SCORE.label


class AnswerVisibility(models.TextChoices):
    AUTHORS = "authors", "Authors and committee"
    COMMITTEE = "committee", "Committee only"
    CHAIRS = "chairs", "Chairs only"


# Who reads which answers of a submitted review (the reviewer always reads their own).
AUDIENCES = {
    "authors": (AnswerVisibility.AUTHORS,),
    "committee": (AnswerVisibility.AUTHORS, AnswerVisibility.COMMITTEE),
    "chairs": tuple(AnswerVisibility.values),
}


class ReviewQuestion(models.Model):
    """A question of a workshop's review form, asked besides the criteria's scores.

    Locked once it has answers (``reviews.services.questions``): its answers never lose their
    meaning; new questions can still be added."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="review_questions"
    )
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=QuestionKind, default=QuestionKind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    score_max = models.PositiveSmallIntegerField(
        "highest score", default=5, help_text="For a score: from 1 to this (2 to 10)."
    )
    visibility = models.CharField(
        "who reads the answers",
        max_length=10,
        choices=AnswerVisibility,
        default=AnswerVisibility.COMMITTEE,
    )
    required = models.BooleanField(
        default=False, help_text="Needed to submit the review (a draft may leave it empty)."
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="reviewquestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=AnswerVisibility.values),
                name="reviewquestion_visibility_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ReviewAnswer(models.Model):
    """A reviewer's answer to one question (see ``workshops.custom_fields`` for the values)."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a question with answers cannot be deleted, even outside the chairs' page.
    question = models.ForeignKey(ReviewQuestion, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()

    class Meta:
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="reviewanswer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.text}"

    @property
    def text(self) -> str:
        from workshops.custom_fields import display

        return display(self.question, self.value)
