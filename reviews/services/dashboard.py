"""Read-only aggregates for the chairs' dashboard, in a constant number of queries."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count
from django.utils import timezone

from submissions.enums import SubmissionState
from workshops.enums import MemberRole
from workshops.models import Membership, ReviewCriterion

from ..enums import MetaReviewState, ReviewState
from ..models import Assignment, Decision, MetaReview, Review, ReviewScore
from ..permissions import papers_for_manager, reviews_due


@dataclass
class PaperRow:
    pk: int
    number: int
    title: str
    state: str
    assigned: int = 0
    submitted: int = 0
    recommendations: list[int] = field(default_factory=list)
    confidences: list[int] = field(default_factory=list)
    criteria_means: dict[int, float] = field(default_factory=dict)
    decision: str = ""
    decision_label: str = ""
    released: bool = False
    # The area chair's recommendation (a submitted meta-review), as a label.
    ac_recommendation: str = ""

    def get_state_display(self) -> str:
        """The human label ("Submitted"), like ``Submission.get_state_display``."""
        return SubmissionState(self.state).label

    @property
    def missing(self) -> int:
        return max(self.assigned - self.submitted, 0)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.recommendations) if self.recommendations else None

    @property
    def spread(self) -> int | None:
        return (
            max(self.recommendations) - min(self.recommendations) if self.recommendations else None
        )

    @property
    def stdev(self) -> float | None:
        return statistics.pstdev(self.recommendations) if len(self.recommendations) > 1 else None

    @property
    def confidence(self) -> float | None:
        return statistics.fmean(self.confidences) if self.confidences else None


SORTS = {
    "number": lambda r: r.number,
    "mean": lambda r: (r.mean is None, -(r.mean or 0), r.number),
    "spread": lambda r: (r.spread is None, -(r.spread or 0), r.number),
    "reviews": lambda r: (r.submitted, r.number),
    "missing": lambda r: (-r.missing, r.number),
}


def paper_rows(workshop, user, *, sort: str = "number", state: str = "", missing_only=False):
    from ..enums import DecisionOutcome

    rows = {
        s.pk: PaperRow(pk=s.pk, number=s.number, title=s.title, state=s.state)
        for s in papers_for_manager(user, workshop).only("id", "number", "title", "state")
    }
    for sid, n in (
        Assignment.objects.active()
        .filter(submission__workshop=workshop)
        .values("submission_id")
        .annotate(n=Count("id"))
        .values_list("submission_id", "n")
    ):
        if sid in rows:
            rows[sid].assigned = n
    for sid, rec, conf in Review.objects.filter(
        assignment__submission__workshop=workshop, state=ReviewState.SUBMITTED
    ).values_list("assignment__submission_id", "recommendation", "confidence"):
        if sid in rows:
            rows[sid].submitted += 1
            rows[sid].recommendations.append(rec)
            rows[sid].confidences.append(conf)
    for sid, cid, mean in (
        ReviewScore.objects.filter(
            review__assignment__submission__workshop=workshop,
            review__state=ReviewState.SUBMITTED,
        )
        .values("review__assignment__submission_id", "criterion_id")
        .annotate(mean=Avg("value"))
        .values_list("review__assignment__submission_id", "criterion_id", "mean")
    ):
        if sid in rows:
            rows[sid].criteria_means[cid] = mean
    for sid, outcome, released in Decision.objects.filter(
        submission__workshop=workshop
    ).values_list("submission_id", "outcome", "released_at"):
        if sid in rows:
            rows[sid].decision = outcome
            rows[sid].decision_label = DecisionOutcome(outcome).label
            rows[sid].released = released is not None
    for sid, recommendation in (
        MetaReview.objects.filter(
            assignment__submission__workshop=workshop, state=MetaReviewState.SUBMITTED
        )
        .order_by("-assignment_id")
        .values_list("assignment__submission_id", "recommendation")
    ):
        if sid in rows:
            rows[sid].ac_recommendation = DecisionOutcome(recommendation).label
    result = list(rows.values())
    if state:
        result = [r for r in result if r.state == state]
    if missing_only:
        result = [r for r in result if r.missing]
    result.sort(key=SORTS.get(sort, SORTS["number"]))
    return result


@dataclass
class ReviewerRow:
    pk: int
    name: str
    email: str
    assigned: int = 0
    submitted: int = 0
    late: int = 0
    declined: int = 0


def reviewer_rows(workshop, *, user=None, now=None) -> list[ReviewerRow]:
    """Each reviewer's load; with ``user``, papers ``user`` may not see are left out of the
    counts (they would tell a conflicted chair who reviews their paper)."""
    from ..enums import AssignmentState
    from ..permissions import excluded_submission_ids

    now = now or timezone.now()
    default_due = reviews_due(workshop)
    rows = {
        m.user_id: ReviewerRow(pk=m.user_id, name=str(m.user), email=m.user.email)
        for m in Membership.objects.filter(
            workshop=workshop, role=MemberRole.REVIEWER
        ).select_related("user")
    }
    assignments = Assignment.objects.filter(submission__workshop=workshop)
    if user is not None:
        assignments = assignments.exclude(submission_id__in=excluded_submission_ids(user, workshop))
    for uid, state, due, review_state in assignments.values_list(
        "reviewer_id", "state", "due_at", "review__state"
    ):
        row = rows.get(uid)
        if row is None:
            continue
        if state == AssignmentState.DECLINED:
            row.declined += 1
            continue
        row.assigned += 1
        if review_state == ReviewState.SUBMITTED:
            row.submitted += 1
        elif (due or default_due) and (due or default_due) < now:
            row.late += 1
    return sorted(rows.values(), key=lambda r: (r.name.lower(), r.pk))


def criteria_of(workshop):
    return list(ReviewCriterion.objects.filter(workshop=workshop))


def topic_match(reviewer_topic_ids: set[int], paper_topic_ids: set[int]) -> int:
    return len(reviewer_topic_ids & paper_topic_ids)


def topics_by_paper(submission_ids) -> dict[int, set[int]]:
    from submissions.models import Submission

    result = defaultdict(set)
    for sid, tid in Submission.topics.through.objects.filter(
        submission_id__in=list(submission_ids)
    ).values_list("submission_id", "topic_id"):
        result[sid].add(tid)
    return result
