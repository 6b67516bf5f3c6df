"""Read-only aggregates for the chairs' dashboard, in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    Max,
    Min,
    OrderBy,
    Q,
    StdDev,
    Value,
    When,
)
from django.db.models.functions import Greatest, Lower
from django.utils import timezone

from submissions.enums import SubmissionState
from workshops.enums import MemberRole
from workshops.models import Membership, ReviewCriterion

from ..enums import AssignmentState, DecisionOutcome, MetaReviewState, ReviewState
from ..models import Assignment, MetaReview, ReviewScore
from ..permissions import papers_for_manager, reviews_due


@dataclass
class PaperRow:
    """One paper of the dashboard with its figures, computed once (in the database) and
    formatted once: the template prints strings, it runs no filter per cell."""

    pk: int
    number: int
    title: str
    state: str
    assigned: int = 0
    submitted: int = 0
    mean: float | None = None
    spread: int | None = None
    stdev: float | None = None
    confidence: float | None = None
    criteria_means: dict[int, float] = field(default_factory=dict)
    decision: str = ""
    decision_label: str = ""
    released: bool = False
    # The area chair's recommendation (a submitted meta-review), as a label.
    ac_recommendation: str = ""
    criteria_list: list[str] = field(default_factory=list)
    url: str = ""

    def get_state_display(self) -> str:
        """The human label ("Submitted"), like ``Submission.get_state_display``."""
        return SubmissionState(self.state).label

    @property
    def missing(self) -> int:
        return max(self.assigned - self.submitted, 0)

    @property
    def mean_text(self) -> str:
        return _fixed(self.mean, 2)

    @property
    def spread_text(self) -> str:
        return "—" if self.spread is None else str(self.spread)

    @property
    def stdev_text(self) -> str:
        return _fixed(self.stdev, 2)

    @property
    def confidence_text(self) -> str:
        return _fixed(self.confidence, 1)


def _fixed(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _nulls_last(name: str) -> list:
    """Highest first, papers without the figure last (in both directions), then by number."""
    return [OrderBy(F(name), descending=True, nulls_last=True), "number"]


# Sort keys of the dashboard, as ``order_by`` arguments of ``paper_queryset``.
SORTS = {
    "number": ["number"],
    "title": [Lower("title"), "number"],
    "state": ["state", "number"],
    "mean": _nulls_last("mean"),
    "spread": _nulls_last("spread"),
    "confidence": _nulls_last("confidence"),
    "reviews": ["submitted", "number"],
    "missing": [OrderBy(F("missing"), descending=True), "number"],
    # By the outcome's label, undecided papers last.
    "decision": [
        OrderBy(
            Case(
                *[When(decision__outcome=o.value, then=Value(o.label)) for o in DecisionOutcome],
                default=Value(None),
                output_field=CharField(),
            ),
            nulls_last=True,
        ),
        "number",
    ],
}


def paper_queryset(workshop, user, *, state: str = "", missing_only=False):
    """The papers ``user`` manages, each annotated with its review figures (one query; sorted
    and paginated by the database). ``submitted`` counts submitted reviews, ``assigned``
    active assignments; the mean, spread, standard deviation and mean confidence are over the
    submitted reviews' recommendations and confidences."""
    done = Q(assignments__review__state=ReviewState.SUBMITTED)
    papers = (
        papers_for_manager(user, workshop)
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__state=AssignmentState.ACTIVE)),
            submitted=Count("assignments__review", filter=done),
            mean=Avg("assignments__review__recommendation", filter=done),
            spread=Max("assignments__review__recommendation", filter=done)
            - Min("assignments__review__recommendation", filter=done),
            stdev=StdDev("assignments__review__recommendation", filter=done),
            confidence=Avg("assignments__review__confidence", filter=done),
        )
        .annotate(missing=Greatest(F("assigned") - F("submitted"), Value(0)))
        .values(
            "pk",
            "number",
            "title",
            "state",
            "assigned",
            "submitted",
            "mean",
            "spread",
            "stdev",
            "confidence",
            "missing",
            "decision__outcome",
            "decision__released_at",
        )
    )
    if state:
        papers = papers.filter(state=state)
    if missing_only:
        papers = papers.filter(missing__gt=0)
    return papers


def rows_for(values, criteria=()) -> list[PaperRow]:
    """``PaperRow`` objects for the values of ``paper_queryset`` (a page of them), with the
    mean score per criterion of ``criteria`` (one more query)."""
    rows = []
    for v in values:
        outcome = v["decision__outcome"] or ""
        rows.append(
            PaperRow(
                pk=v["pk"],
                number=v["number"],
                title=v["title"],
                state=v["state"],
                assigned=v["assigned"],
                submitted=v["submitted"],
                mean=v["mean"],
                spread=v["spread"],
                # One review has no spread to speak of.
                stdev=v["stdev"] if v["submitted"] > 1 else None,
                confidence=v["confidence"],
                decision=outcome,
                decision_label=DecisionOutcome(outcome).label if outcome else "",
                released=v["decision__released_at"] is not None,
            )
        )
    if rows and criteria:
        by_pk = {r.pk: r for r in rows}
        for sid, cid, mean in (
            ReviewScore.objects.filter(
                review__assignment__submission_id__in=list(by_pk),
                review__state=ReviewState.SUBMITTED,
                criterion__in=list(criteria),
            )
            .values("review__assignment__submission_id", "criterion_id")
            .annotate(mean=Avg("value"))
            .values_list("review__assignment__submission_id", "criterion_id", "mean")
        ):
            by_pk[sid].criteria_means[cid] = mean
        for row in rows:
            row.criteria_list = [_fixed(row.criteria_means.get(c.pk), 2) for c in criteria]
    if rows:
        # The area chair's recommendation: a submitted meta-review of the page's papers.
        by_pk = {r.pk: r for r in rows}
        for sid, recommendation in (
            MetaReview.objects.filter(
                assignment__submission_id__in=list(by_pk), state=MetaReviewState.SUBMITTED
            )
            .order_by("-assignment_id")
            .values_list("assignment__submission_id", "recommendation")
        ):
            by_pk[sid].ac_recommendation = DecisionOutcome(recommendation).label
    return rows


def paper_rows(workshop, user, *, sort: str = "number", state: str = "", missing_only=False):
    """Every paper of ``paper_queryset`` as a row, sorted by ``sort`` (a key of ``SORTS``)."""
    papers = paper_queryset(workshop, user, state=state, missing_only=missing_only)
    order = SORTS.get(sort, SORTS["number"])
    return rows_for(papers.order_by(*order), criteria_of(workshop))


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
    # Counted by the database, one row per reviewer (not one per assignment).
    taken = Q(state__in=[s for s in AssignmentState.values if s != AssignmentState.DECLINED])
    done = Q(review__state=ReviewState.SUBMITTED)
    not_done = Q(review__isnull=True) | Q(
        review__state__in=[s for s in ReviewState.values if s != ReviewState.SUBMITTED]
    )
    overdue = Q(due_at__lt=now)
    if default_due is not None and default_due < now:
        overdue |= Q(due_at__isnull=True)  # no date of its own: the workshop's has passed
    for uid, declined, assigned, submitted, late in (
        assignments.order_by()
        .values("reviewer_id")
        .annotate(
            declined=Count("pk", filter=Q(state=AssignmentState.DECLINED)),
            assigned=Count("pk", filter=taken),
            submitted=Count("pk", filter=taken & done),
            late=Count("pk", filter=taken & not_done & overdue),
        )
        .values_list("reviewer_id", "declined", "assigned", "submitted", "late")
    ):
        row = rows.get(uid)
        if row is not None:
            row.declined, row.assigned, row.submitted, row.late = (
                declined,
                assigned,
                submitted,
                late,
            )
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
