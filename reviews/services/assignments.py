"""Assigning reviewers to papers (by hand here; the engine in reviews.assignment proposes)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from activity.models import Kind
from activity.services import name_of, record
from submissions.emails import format_in_zone
from submissions.models import Authorship, Submission
from workshops.enums import MemberRole
from workshops.roles import has_role

from ..enums import AssignmentSource, AssignmentState
from ..models import Assignment, Conflict, ReviewerProfile
from ..permissions import REVIEWABLE_STATES, due_date, forget_rights
from . import ReviewFlowError
from .emails import send, site_url


class AssignmentError(ReviewFlowError):
    pass


class OverMaxError(AssignmentError):
    """The reviewer is at the maximum of their profile; the chair may confirm."""


def is_conflicted(submission, user) -> bool:
    """A recorded conflict, ``user`` is an author (by account or address), or the automatic
    detection finds one now (shared domain, affiliation, co-authorship; then recorded)."""
    from .conflicts import automatic_conflict

    return (
        Conflict.objects.active().filter(submission=submission, user=user).exists()
        or Authorship.objects.filter(
            Q(user=user) | Q(email__iexact=user.email), submission=submission
        ).exists()
        or automatic_conflict(submission, user)
    )


def max_papers(workshop, user) -> int | None:
    """The most papers ``user`` asked to review in ``workshop`` (None: no limit)."""
    return (
        ReviewerProfile.objects.filter(workshop=workshop, user=user)
        .values_list("max_papers", flat=True)
        .first()
    )


def assign(
    *,
    submission,
    reviewer,
    by,
    due_at=None,
    source: str = AssignmentSource.MANUAL,
    notify: bool = True,
    beyond_max: bool = False,
) -> Assignment:
    """Assign ``reviewer`` to ``submission``; refuses conflicts and non-members, and a reviewer
    already at the maximum of their profile unless ``beyond_max`` (the chair confirmed).

    Re-assigning a reviewer who declined re-activates the assignment (same "Reviewer N").
    """
    workshop = submission.workshop
    if not has_role(reviewer, workshop, MemberRole.REVIEWER):
        raise AssignmentError(f"{reviewer} is not a reviewer of {workshop.short_name}.")
    if submission.state not in REVIEWABLE_STATES:
        raise AssignmentError(f"Paper #{submission.number} is not in review.")
    if is_conflicted(submission, reviewer):
        raise AssignmentError(
            f"{reviewer} has a conflict of interest with paper #{submission.number}."
        )
    limit = max_papers(workshop, reviewer)
    if limit is not None and not beyond_max:
        load = (
            Assignment.objects.active()
            .filter(reviewer=reviewer, submission__workshop=workshop)
            .exclude(submission=submission)
            .count()
        )
        if load >= limit:
            raise OverMaxError(
                f"{reviewer} already has {load} paper(s), their maximum is {limit}; "
                "confirm to assign beyond it."
            )
    with transaction.atomic():
        # Lock the paper so two chairs assigning at once cannot take the same ordinal.
        Submission.objects.select_for_update().filter(pk=submission.pk).first()
        existing = Assignment.objects.filter(submission=submission, reviewer=reviewer).first()
        if existing is not None:
            if existing.state == AssignmentState.ACTIVE:
                return existing
            existing.state = AssignmentState.ACTIVE
            existing.decline_reason = ""
            existing.due_at = due_at or existing.due_at
            existing.save(update_fields=["state", "decline_reason", "due_at"])
            assignment = existing
        else:
            top = Assignment.objects.filter(submission=submission).aggregate(m=Max("ordinal"))
            try:
                with transaction.atomic():
                    assignment = Assignment.objects.create(
                        submission=submission,
                        reviewer=reviewer,
                        ordinal=(top["m"] or 0) + 1,
                        # Empty: the workshop's reviews-due date, extensions included.
                        due_at=due_at,
                        source=source,
                        created_by=by,
                    )
            except IntegrityError as exc:
                raise AssignmentError("The assignment changed meanwhile; try again.") from exc
        record(
            workshop=workshop,
            kind=Kind.ASSIGNMENT,
            action="assigned",
            actor=by,
            submission=submission,
            message=f"{name_of(reviewer)} assigned as {assignment.label}"
            + (" (automatic run)" if source != AssignmentSource.MANUAL else ""),
            changes={"reviewer": (None, name_of(reviewer))},
        )
        if notify:
            _notify_assigned(assignment)
    forget_rights(reviewer)
    return assignment


def _notify_assigned(assignment: Assignment) -> None:
    submission = assignment.submission
    workshop = submission.workshop
    url = reverse("reviews:paper", args=[workshop.slug, submission.number])
    send(
        "assigned",
        workshop=workshop,
        recipient=assignment.reviewer.email,
        user=assignment.reviewer,
        subject=f"Review assignment: paper #{submission.number}",
        key=f"assignment:{assignment.pk}",
        context={
            "assignment": assignment,
            "reviewer": assignment.reviewer,
            "paper_number": submission.number,
            "paper_title": submission.title,
            "due_text": format_in_zone(due_date(assignment, workshop), workshop),
            "url": site_url(url),
        },
    )


def unassign(assignment: Assignment, *, by) -> None:
    """Remove an assignment; refused once its review is submitted."""
    review = getattr(assignment, "review", None)
    if review is not None and review.is_submitted:
        raise AssignmentError(
            f"{assignment.label} already submitted a review; it cannot be unassigned."
        )
    reviewer = assignment.reviewer
    submission = assignment.submission
    with transaction.atomic():
        record(
            workshop=submission.workshop_id,
            kind=Kind.ASSIGNMENT,
            action="unassigned",
            actor=by,
            submission=submission,
            message=f"{name_of(reviewer)} unassigned ({assignment.label})",
            changes={"reviewer": (name_of(reviewer), None)},
        )
        assignment.delete()
    forget_rights(reviewer)


def decline(assignment: Assignment, *, by, reason: str = "") -> None:
    """The reviewer declines the paper; the chairs see it and can assign someone else."""
    review = getattr(assignment, "review", None)
    if review is not None and review.is_submitted:
        raise AssignmentError("You already submitted your review.")
    with transaction.atomic():
        assignment.state = AssignmentState.DECLINED
        assignment.decline_reason = reason[:500]
        assignment.save(update_fields=["state", "decline_reason"])
        record(
            workshop=assignment.submission.workshop_id,
            kind=Kind.ASSIGNMENT,
            action="declined",
            actor=by,
            submission=assignment.submission,
            message=f"{name_of(assignment.reviewer)} declined ({assignment.label})"
            + (f": {assignment.decline_reason}" if assignment.decline_reason else ""),
            changes={"state": (AssignmentState.ACTIVE, AssignmentState.DECLINED)},
        )
        _notify_declined(assignment)
    forget_rights(assignment.reviewer)


def _notify_declined(assignment: Assignment) -> None:
    """Tell every chair who may see the paper (not the conflicted ones, not its authors)."""
    from ..permissions import excluded_submission_ids
    from .conflicts import committee_of

    submission = assignment.submission
    workshop = submission.workshop
    url = reverse("reviews:manage_paper", args=[workshop.slug, submission.number])
    chairs = committee_of(workshop).filter(
        pk__in=workshop.memberships.filter(role=MemberRole.CHAIR).values("user_id")
    )
    for chair in chairs:
        if submission.pk in set(excluded_submission_ids(chair, workshop)):
            continue
        send(
            "declined",
            workshop=workshop,
            recipient=chair.email,
            user=chair,
            subject=f"{assignment.label} declined paper #{submission.number}",
            key=f"assignment:{assignment.pk}:declined:{chair.pk}:{timezone.now():%Y%m%d%H%M%S}",
            context={
                "chair": chair,
                "assignment": assignment,
                "reviewer": assignment.reviewer,
                "paper_number": submission.number,
                "paper_title": submission.title,
                "reason": assignment.decline_reason,
                "url": site_url(url),
            },
        )


def set_due(assignment: Assignment, due_at, *, by) -> None:
    before = assignment.due_at
    with transaction.atomic():
        assignment.due_at = due_at
        assignment.save(update_fields=["due_at"])
        if before != due_at:
            record(
                workshop=assignment.submission.workshop_id,
                kind=Kind.ASSIGNMENT,
                action="due_date",
                actor=by,
                submission=assignment.submission,
                message=f"Due date of {name_of(assignment.reviewer)} ({assignment.label}) "
                + ("removed" if due_at is None else "changed"),
                changes={"due_at": (before, due_at)},
            )
    forget_rights(assignment.reviewer)


def loads(workshop) -> dict[int, int]:
    """Active assignments per reviewer id in ``workshop`` (one query)."""
    return dict(
        Assignment.objects.active()
        .filter(submission__workshop=workshop)
        .values("reviewer_id")
        .annotate(n=Count("id"))
        .values_list("reviewer_id", "n")
    )
