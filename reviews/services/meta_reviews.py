"""Meta-reviews: an area chair's recommendation, text for the authors and note for the chairs.

``save_meta_review`` is the one door that writes a meta-review: only the paper's area chair,
only while the paper's decision is not released, refused when the page was loaded before the
last save (``version``), logged. Authors read the submitted text after the release, signed
"Area chair" (``released_meta_reviews``); the confidential note is for the chairs only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.models import Kind
from activity.services import name_of, record
from workshops.concurrency import EditConflict, claim

from ..enums import DecisionOutcome, MetaReviewState, outcomes_for
from ..models import AreaChairAssignment, MetaReview
from ..permissions import forget_rights, paper_rights
from . import ReviewFlowError

# How authors (and decision letters) sign the meta-review: never a name.
AUTHOR_SIGNATURE = "Area chair"


class MetaReviewError(ReviewFlowError):
    pass


@dataclass
class MetaReviewInput:
    recommendation: str = ""
    comments: str = ""
    confidential_note: str = ""


FIELDS = ("recommendation", "comments", "confidential_note")


def meta_review_conflict(meta_review) -> EditConflict:
    return EditConflict(
        "This meta-review was saved from another window or tab after you opened this page: "
        "these changes were not saved.",
        version=meta_review.version if meta_review else 0,
        saved_at=meta_review.updated_at if meta_review else None,
        current=meta_review,
    )


def save_meta_review(
    *,
    submission,
    user,
    data: MetaReviewInput,
    submit: bool,
    version: int | None = None,
) -> MetaReview:
    """Save ``user``'s meta-review of ``submission``; a submitted one stays submitted.

    Refused (:class:`MetaReviewError`, nothing written) when ``user`` is not the paper's area
    chair, the phase does not allow it, the decision was released, or the recommendation is not
    an outcome of the workshop. ``version`` is the version the form showed (0: none yet); a
    save since raises :class:`EditConflict`."""
    rights = paper_rights(user, submission)
    if not rights.is_area_chair or not rights.area_chair_assignment_id:
        raise MetaReviewError("You are not the area chair of this paper.")
    if rights.decision_released:
        raise MetaReviewError(
            "The decision on this paper was sent to the authors: the meta-review is closed."
        )
    if not rights.can_meta_review:
        raise MetaReviewError("Meta-reviews cannot be written in the current phase.")
    recommendation = data.recommendation or ""
    if recommendation and recommendation not in outcomes_for(submission.workshop):
        raise MetaReviewError("Recommend one of the workshop's outcomes.")
    values = {
        "recommendation": recommendation,
        "comments": (data.comments or "").strip(),
        "confidential_note": (data.confidential_note or "").strip(),
    }
    with transaction.atomic():
        assignment = (
            AreaChairAssignment.objects.select_for_update()
            .filter(pk=rights.area_chair_assignment_id, area_chair=user, submission=submission)
            .first()
        )
        if assignment is None:  # unassigned meanwhile
            raise MetaReviewError("You are not the area chair of this paper.")
        meta = MetaReview.objects.filter(assignment=assignment).first()
        created = False
        if meta is None:
            if version:  # the page showed one that was removed since
                raise meta_review_conflict(None)
            try:
                with transaction.atomic():
                    meta = MetaReview.objects.create(assignment=assignment)
            except IntegrityError:
                raise meta_review_conflict(
                    MetaReview.objects.filter(assignment=assignment).first()
                ) from None
            created = True
        before = {name: getattr(meta, name) for name in FIELDS}
        was_submitted = meta.is_submitted
        final = submit or was_submitted
        if final and not recommendation:
            raise MetaReviewError("To submit, choose a recommendation.")
        changed = before != values or (final and not was_submitted)
        if not created:
            claimed = claim(MetaReview, meta.pk, version, move_on=changed)
            if claimed is None:
                raise meta_review_conflict(MetaReview.objects.filter(pk=meta.pk).first())
            meta.version = claimed
        for name, value in values.items():
            setattr(meta, name, value)
        if final and not was_submitted:
            meta.state = MetaReviewState.SUBMITTED
            meta.submitted_at = timezone.now()
        meta.save()
        if changed or created:
            action = (
                "meta_review_submitted"
                if final and not was_submitted
                else ("meta_review_edited" if was_submitted else "meta_review_draft")
            )
            label = DecisionOutcome(recommendation).label if recommendation else "none"
            verb = {
                "meta_review_submitted": "submitted",
                "meta_review_edited": "edited",
                "meta_review_draft": "draft saved",
            }[action]
            changes = {
                name: (None if created else before[name], values[name])
                for name in FIELDS
                if created or before[name] != values[name]
            }
            if final and not was_submitted:
                changes["state"] = (MetaReviewState.DRAFT, MetaReviewState.SUBMITTED)
            record(
                workshop=submission.workshop_id,
                kind=Kind.REVIEW,
                action=action,
                actor=user,
                submission=submission,
                message=f"Meta-review {verb} by {name_of(user)} (area chair); "
                f"recommendation: {label}",
                changes=changes,
            )
    forget_rights(user)
    return meta


def meta_review_of(user, submission) -> MetaReview | None:
    """``user``'s own meta-review of ``submission`` (None before the first save)."""
    return MetaReview.objects.filter(
        assignment__submission=submission, assignment__area_chair=user
    ).first()


def submitted_meta_reviews(submission) -> list[MetaReview]:
    """The submitted meta-reviews' texts for the authors (decision letters, which are only
    written for a decision being released): no confidential note, no area chair account."""
    return submitted_meta_reviews_of([submission.pk]).get(submission.pk, [])


def submitted_meta_reviews_of(submission_ids) -> dict[int, list[MetaReview]]:
    """``submitted_meta_reviews`` of many papers in one query: {paper id: meta-reviews}."""
    found: dict[int, list[MetaReview]] = {}
    for meta_review in (
        MetaReview.objects.filter(
            assignment__submission_id__in=list(submission_ids), state=MetaReviewState.SUBMITTED
        )
        .exclude(comments="")
        .select_related("assignment")
        .only("id", "comments", "submitted_at", "assignment_id", "assignment__submission_id")
        .order_by("assignment_id")
    ):
        found.setdefault(meta_review.assignment.submission_id, []).append(meta_review)
    return found


def released_meta_reviews(submission) -> list[MetaReview]:
    """The submitted meta-reviews of a paper as authors may read them once its decision is
    released: the text only, never the confidential note, never the area chair's account."""
    return list(
        MetaReview.objects.filter(
            assignment__submission=submission,
            state=MetaReviewState.SUBMITTED,
            assignment__submission__decision__released_at__isnull=False,
        )
        .exclude(comments="")
        .only("id", "comments", "submitted_at", "assignment_id")
        .order_by("assignment_id")
    )


def meta_reviews_text(meta_reviews) -> list[str]:
    """The lines of the decision letter's ``{reviews}`` for the meta-reviews, signed "Area
    chair"."""
    lines: list[str] = []
    for meta in meta_reviews:
        lines += [f"--- Meta-review ({AUTHOR_SIGNATURE}) ---", meta.comments.strip(), ""]
    return lines
