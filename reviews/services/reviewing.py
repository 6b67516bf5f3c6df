"""Writing reviews: drafts, submission, edits until the deadline; scores checked against scales."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from activity.models import Kind
from activity.services import name_of, record
from workshops.concurrency import EditConflict, bump, claim
from workshops.models import ReviewCriterion

from ..enums import CONFIDENCE_SCALE, RECOMMENDATION_SCALE, ReviewState
from ..models import Assignment, Review, ReviewScore
from ..permissions import forget_rights, paper_rights
from . import ReviewFlowError, review_versions
from . import questions as custom_questions

TEXT_FIELDS = ("summary", "strengths", "weaknesses", "comments", "confidential_note")


class ReviewError(ReviewFlowError):
    pass


@dataclass
class ReviewInput:
    recommendation: int | None = None
    confidence: int | None = None
    summary: str = ""
    strengths: str = ""
    weaknesses: str = ""
    comments: str = ""
    confidential_note: str = ""


def criteria_locked(workshop) -> bool:
    """Criteria cannot change once a review was submitted (scores would lose their meaning)."""
    return Review.objects.filter(
        assignment__submission__workshop=workshop, state=ReviewState.SUBMITTED
    ).exists()


def _check_level(value, scale, what: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ReviewError(f"{what}: not a level of the scale.") from None
    if not 1 <= level <= len(scale):
        raise ReviewError(f"{what}: choose a level between 1 and {len(scale)}.")
    return level


def _snapshot(review) -> tuple:
    """What a save may change: the review's fields and its scores."""
    names = (*TEXT_FIELDS, "recommendation", "confidence", "state")
    scores = ReviewScore.objects.filter(review=review).order_by("criterion_id")
    return (
        *(getattr(review, name) for name in names),
        tuple(scores.values_list("criterion_id", "value")),
    )


def save_review(
    *,
    assignment: Assignment,
    user,
    data: ReviewInput,
    scores: dict[int, int | None],
    submit: bool,
    version: int | None = None,
    now=None,
    answers: dict | None = None,
) -> Review:
    """Save ``user``'s review of ``assignment``; a submitted review stays submitted.

    Refused (ReviewError, nothing written) when ``user`` is not the assigned reviewer, the phase
    does not allow reviewing, the deadline passed, or a value lies outside its scale.
    ``version`` is the version of the review the form showed (0: none yet); a review saved
    since (in another tab) raises :class:`EditConflict` and nothing is written.
    ``answers`` ({question id: form value}) answers the workshop's custom questions
    (``reviews.services.questions``); required ones are needed to submit, not for a draft.
    """
    submission = assignment.submission
    if assignment.reviewer_id != user.pk:
        raise ReviewError("This paper is not assigned to you.")
    rights = paper_rights(user, submission, now=now)
    if not rights.can_review or rights.assignment_id != assignment.pk:
        raise ReviewError("Reviews cannot be written for this paper now.")
    if not rights.review_open:
        raise ReviewError("The review deadline has passed.")

    criteria = {c.pk: c for c in ReviewCriterion.objects.filter(workshop=submission.workshop)}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise ReviewError("A score refers to a criterion of another workshop.")
    levels = {
        cid: _check_level(value, criteria[cid].scale, criteria[cid].name)
        for cid, value in scores.items()
    }
    recommendation = _check_level(data.recommendation, RECOMMENDATION_SCALE, "Recommendation")
    confidence = _check_level(data.confidence, CONFIDENCE_SCALE, "Confidence")
    # Custom questions (reviews.services.questions).
    questions = custom_questions.questions_of(submission.workshop)
    answer_values = custom_questions.check_answers(questions, answers or {})

    with transaction.atomic():
        review, created = Review.objects.select_for_update().get_or_create(assignment=assignment)
        if not created and claim(Review, review.pk, version, move_on=False) is None:
            raise EditConflict(
                "Your review was saved from another window or tab after you opened this "
                "page: these changes were not saved.",
                version=review.version,
                saved_at=review.updated_at,
                current=review,
            )
        before = (_snapshot(review), custom_questions.answers_snapshot(review))
        was_submitted = review.state == ReviewState.SUBMITTED
        old_levels = {"recommendation": review.recommendation, "confidence": review.confidence}
        if answers is None:  # a caller without the questions keeps the stored answers
            answer_values = dict(before[1])
        final = submit or review.state == ReviewState.SUBMITTED
        if final:
            missing = [c.name for cid, c in criteria.items() if levels.get(cid) is None]
            if recommendation is None:
                missing.append("overall recommendation")
            if confidence is None:
                missing.append("confidence")
            missing += custom_questions.missing_required(questions, answer_values)
            if missing:
                raise ReviewError("To submit, give: " + ", ".join(missing) + ".")
        review.recommendation = recommendation
        review.confidence = confidence
        for name in TEXT_FIELDS:
            setattr(review, name, getattr(data, name) or "")
        if final and review.state != ReviewState.SUBMITTED:
            review.state = ReviewState.SUBMITTED
            review.submitted_at = now or timezone.now()
        review.save()
        ReviewScore.objects.filter(review=review).exclude(
            criterion_id__in=[cid for cid, v in levels.items() if v is not None]
        ).delete()
        for cid, level in levels.items():
            if level is not None:
                ReviewScore.objects.update_or_create(
                    review=review, criterion_id=cid, defaults={"value": level}
                )
        if answers is not None:
            custom_questions.write_answers(review, answer_values)
        after = (_snapshot(review), custom_questions.answers_snapshot(review))
        if not created and after != before:
            review.version = bump(Review, review.pk)
        if final and (not was_submitted or after != before):
            # Every submitted version is kept (chairs and area chairs compare them).
            review_versions.store_version(review, submission=submission, when=now or timezone.now())
            new_levels = {"recommendation": recommendation, "confidence": confidence}
            record(
                workshop=submission.workshop_id,
                kind=Kind.REVIEW,
                action="edited" if was_submitted else "submitted",
                actor=user,
                submission=submission,
                message=f"Review {'edited' if was_submitted else 'submitted'} by "
                f"{name_of(user)} ({assignment.label})",
                changes={
                    k: (old_levels[k] if was_submitted else None, v)
                    for k, v in new_levels.items()
                    if not was_submitted or old_levels[k] != v
                },
            )
    forget_rights(user)
    return review
