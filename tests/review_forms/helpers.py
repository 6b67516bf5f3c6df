"""Questions and answers built directly, for the tests of the custom questions and fields."""

from reviews.models import ReviewAnswer, ReviewQuestion
from submissions.models import SubmissionField


def question(workshop, label, kind="text", **kwargs):
    kwargs.setdefault("order", ReviewQuestion.objects.filter(workshop=workshop).count() + 1)
    if kind in ("choice", "multiple"):
        kwargs.setdefault("choices", ["Alpha", "Beta", "Gamma"])
    return ReviewQuestion.objects.create(workshop=workshop, label=label, kind=kind, **kwargs)


def answer(review, q, value):
    return ReviewAnswer.objects.create(review=review, question=q, value=value)


def field(workshop, label, kind="text", **kwargs):
    kwargs.setdefault("order", SubmissionField.objects.filter(workshop=workshop).count() + 1)
    if kind == "choice":
        kwargs.setdefault("choices", ["Yes", "No"])
    return SubmissionField.objects.create(workshop=workshop, label=label, kind=kind, **kwargs)
