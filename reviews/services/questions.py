"""Custom review questions: answers checked and written with the review, shown by audience,
and the lock of a question once it has answers (an answer never loses its question)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from workshops.custom_fields import (
    LOCKED_MESSAGE,
    clean_value,
    delete_definition,
    save_definition,
)

from ..models import ReviewAnswer, ReviewQuestion
from ..models.questions import AUDIENCES
from . import ReviewFlowError


class QuestionLocked(ReviewFlowError):
    """The question has answers: it cannot change or be deleted."""


def questions_of(workshop) -> list[ReviewQuestion]:
    return list(ReviewQuestion.objects.filter(workshop=workshop))


def locked_question_ids(workshop) -> set[int]:
    return set(
        ReviewAnswer.objects.filter(question__workshop=workshop)
        .values_list("question_id", flat=True)
        .distinct()
    )


def check_answers(questions, answers: dict) -> dict[int, object]:
    """The stored values of ``answers`` ({question id: form value}); refused (ReviewFlowError)
    when an answer refers to another workshop's question or does not fit its question."""
    by_id = {q.pk: q for q in questions}
    if set(answers) - set(by_id):
        raise ReviewFlowError("An answer refers to a question of another workshop.")
    values = {}
    for qid, raw in answers.items():
        try:
            values[qid] = clean_value(by_id[qid], raw)
        except ValidationError as exc:
            raise ReviewFlowError(" ".join(exc.messages)) from None
    return values


def missing_required(questions, values: dict) -> list[str]:
    return [q.label for q in questions if q.required and values.get(q.pk) is None]


def answers_snapshot(review) -> tuple:
    return tuple(
        ReviewAnswer.objects.filter(review=review)
        .order_by("question_id")
        .values_list("question_id", "value")
    )


def write_answers(review, values: dict) -> None:
    """Store ``values`` ({question id: stored value or None}) as the review's answers."""
    empty = [qid for qid, value in values.items() if value is None]
    if empty:
        ReviewAnswer.objects.filter(review=review, question_id__in=empty).delete()
    for qid, value in values.items():
        if value is not None:
            ReviewAnswer.objects.update_or_create(
                review=review, question_id=qid, defaults={"value": value}
            )


def answers_prefetch(audience: str) -> Prefetch:
    """Prefetch of the answers ``audience`` ("authors", "committee", "chairs") may read, as
    ``review.shown_answers`` (one query for any number of reviews)."""
    return Prefetch(
        "answers",
        queryset=ReviewAnswer.objects.filter(question__visibility__in=AUDIENCES[audience])
        .select_related("question")
        .order_by("question__order", "question_id"),
        to_attr="shown_answers",
    )


def answers_by_review(reviews, audience: str = "chairs") -> dict[int, dict[int, str]]:
    """{review id: {question id: answer text}} of ``reviews`` for ``audience``, in one query:
    what an export writes per review (columns from ``questions_for(workshop, audience)``)."""
    result: dict[int, dict[int, str]] = {r.pk: {} for r in reviews}
    answers = ReviewAnswer.objects.filter(
        review__in=list(result), question__visibility__in=AUDIENCES[audience]
    ).select_related("question")
    for answer in answers:
        result[answer.review_id][answer.question_id] = answer.text
    return result


def questions_for(workshop, audience: str = "chairs") -> list[ReviewQuestion]:
    return list(
        ReviewQuestion.objects.filter(workshop=workshop, visibility__in=AUDIENCES[audience])
    )


# --- The chairs' editor -----------------------------------------------------------------------


def _refuse_if_locked(question) -> None:
    if ReviewAnswer.objects.filter(question=question).exists():
        raise QuestionLocked(LOCKED_MESSAGE.format(label=question.label))


def update_question(form, question, *, by=None) -> ReviewQuestion:
    """Save the chair's ``form`` of ``question``; refused when it has answers (nothing saved)."""
    return save_definition(
        form, question, by=by, what="review question", refuse_if_locked=_refuse_if_locked
    )


def delete_question(question, *, by=None) -> None:
    delete_definition(question, by=by, what="review question", refuse_if_locked=_refuse_if_locked)
