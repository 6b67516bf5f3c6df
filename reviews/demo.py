"""Demo review data, loaded by ``manage.py load_demo`` after the submissions' demo data.

Idempotent: rows are keyed by (paper, reviewer) and only created when missing. For every demo
workshop that has submissions and reviewers: review settings in a phase that shows each role
something, reviewer profiles, detected conflicts, bids, assignments, a mix of submitted and
draft reviews, a discussion message and staged (unreleased) decisions. No e-mail is queued.
"""

from __future__ import annotations

import datetime as dt
import statistics

from django.utils import timezone

from submissions.models import Submission
from workshops.enums import MemberRole
from workshops.models import Membership, ReviewCriterion, Workshop

from .enums import (
    BidPreference,
    DecisionOutcome,
    Phase,
    ReviewState,
    outcomes_for,
)
from .models import (
    Assignment,
    Bid,
    Comment,
    Decision,
    Review,
    ReviewerProfile,
    ReviewScore,
    ReviewSettings,
)
from .permissions import REVIEWABLE_STATES, reviews_due
from .services.assignments import AssignmentError, assign
from .services.conflicts import active_conflict_pairs, detect_conflicts

REVIEWS_PER_PAPER = 3
BID_CYCLE = [
    BidPreference.EAGER,
    BidPreference.WILLING,
    BidPreference.NEUTRAL,
    BidPreference.NOT_WILLING,
    BidPreference.WILLING,
]
EXPERTISE = (
    "My recent papers study the robustness of machine learning models: certified defenses "
    "against adversarial examples, data poisoning in federated learning, and the evaluation of "
    "privacy attacks on trained models."
)
REVIEW_TEXTS = [
    (
        "The paper proposes a simple defense and evaluates it on three benchmarks.",
        "Clear writing; the threat model is stated precisely; code is promised.",
        "The evaluation omits adaptive attacks; the baselines are somewhat dated.",
        "Please add an adaptive attack and discuss the computational overhead.",
    ),
    (
        "An empirical study of failure modes with a useful taxonomy.",
        "Broad experiments and an honest discussion of limitations.",
        "The novelty over prior surveys is limited.",
        "A table comparing with the closest related work would help readers.",
    ),
    (
        "A new attack with strong results against deployed systems.",
        "Convincing experiments; responsible disclosure is discussed.",
        "Some proofs in the appendix are sketchy.",
        "Tighten the proof of Lemma 2 and clarify the assumptions.",
    ),
]


def _phase_for(workshop: Workshop, now) -> str:
    if workshop.is_demo:
        return Phase.DISCUSSION
    return Phase.BIDDING if workshop.year >= now.year else Phase.DECISIONS


def load(stdout=None, *, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    summary = {"assignments": 0, "reviews": 0, "decisions": 0}
    workshop_ids = (
        Submission.objects.filter(state__in=REVIEWABLE_STATES)
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    for workshop in Workshop.objects.filter(pk__in=list(workshop_ids)).prefetch_related("dates"):
        reviewers = [
            m.user
            for m in Membership.objects.filter(workshop=workshop, role=MemberRole.REVIEWER)
            .select_related("user")
            .order_by("user__email")
        ]
        chair = (
            Membership.objects.filter(workshop=workshop, role=MemberRole.CHAIR)
            .select_related("user")
            .first()
        )
        if not reviewers or chair is None:
            continue
        _load_workshop(workshop, reviewers, chair.user, now, summary)
    if stdout is not None:
        stdout.write(
            f"  {summary['assignments']} assignments, {summary['reviews']} reviews, "
            f"{summary['decisions']} staged decisions\n"
        )
    return summary


def _load_workshop(workshop, reviewers, chair, now, summary) -> None:
    settings, created = ReviewSettings.objects.get_or_create(workshop=workshop)
    if created:
        settings.phase = _phase_for(workshop, now)
        settings.save(update_fields=["phase"])
    papers = list(
        Submission.objects.filter(workshop=workshop, state__in=REVIEWABLE_STATES).order_by("number")
    )
    topics = list(workshop.topics.all())
    for i, reviewer in enumerate(reviewers):
        profile, made = ReviewerProfile.objects.get_or_create(
            workshop=workshop,
            user=reviewer,
            defaults={"max_papers": 6, "min_papers": 1, "expertise": EXPERTISE},
        )
        if made and topics:
            profile.topics.set([topics[i % len(topics)], topics[(i + 2) % len(topics)]])

    detect_conflicts(workshop)
    conflicts = active_conflict_pairs(workshop)

    for p, paper in enumerate(papers):
        for r, reviewer in enumerate(reviewers):
            if (paper.pk, reviewer.pk) in conflicts:
                continue
            Bid.objects.get_or_create(
                submission=paper,
                reviewer=reviewer,
                defaults={"preference": BID_CYCLE[(p + r) % len(BID_CYCLE)]},
            )

    if settings.phase in (Phase.SUBMISSION, Phase.BIDDING):
        return
    criteria = list(ReviewCriterion.objects.filter(workshop=workshop))
    due = reviews_due(workshop) or now + dt.timedelta(days=14)
    for p, paper in enumerate(papers):
        assigned = set(
            Assignment.objects.filter(submission=paper).values_list("reviewer_id", flat=True)
        )
        candidates = [
            reviewers[(p + k) % len(reviewers)]
            for k in range(len(reviewers))
            if (paper.pk, reviewers[(p + k) % len(reviewers)].pk) not in conflicts
            and reviewers[(p + k) % len(reviewers)].pk not in assigned
        ]
        for reviewer in candidates[: max(REVIEWS_PER_PAPER - len(assigned), 0)]:
            try:
                assign(submission=paper, reviewer=reviewer, by=chair, due_at=due, notify=False)
            except AssignmentError:
                continue
            summary["assignments"] += 1
        for k, assignment in enumerate(Assignment.objects.filter(submission=paper)):
            # Two submitted reviews and one draft per paper (all submitted once decided).
            submitted = k < 2 or settings.phase in (Phase.DECISIONS, Phase.NOTIFIED)
            if _review(assignment, criteria, seed=p + k, submitted=submitted, now=now):
                summary["reviews"] += 1
        _discussion(paper, chair)
        if _decision(workshop, paper, chair):
            summary["decisions"] += 1


def _review(assignment, criteria, *, seed: int, submitted: bool, now) -> bool:
    if Review.objects.filter(assignment=assignment).exists():
        return False
    summary, strengths, weaknesses, comments = REVIEW_TEXTS[seed % len(REVIEW_TEXTS)]
    review = Review.objects.create(
        assignment=assignment,
        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
        recommendation=2 + seed % 5,
        confidence=2 + seed % 4,
        summary=summary,
        strengths=strengths,
        weaknesses=weaknesses if submitted else "",
        comments=comments if submitted else "",
        confidential_note="I reviewed an earlier version of this paper." if seed % 4 == 0 else "",
        submitted_at=now if submitted else None,
    )
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(review=review, criterion=c, value=1 + (seed + j) % len(c.scale))
            for j, c in enumerate(criteria)
            if submitted or j == 0
        ]
    )
    return True


def _discussion(paper, chair) -> None:
    first = Assignment.objects.filter(submission=paper).order_by("ordinal").first()
    if first is None or Comment.objects.filter(submission=paper).exists():
        return
    Comment.objects.create(
        submission=paper,
        author=chair,
        body="The reviews disagree on the evaluation. Could you each say whether the missing "
        "adaptive attack is a reason to reject?",
    )
    Comment.objects.create(
        submission=paper,
        author=first.reviewer,
        body="Not a reason to reject for a workshop; I would accept as a poster.",
    )


def _decision(workshop, paper, chair) -> bool:
    if Decision.objects.filter(submission=paper).exists():
        return False
    recommendations = list(
        Review.objects.filter(
            assignment__submission=paper, state=ReviewState.SUBMITTED
        ).values_list("recommendation", flat=True)
    )
    if len(recommendations) < 2:
        return False
    mean = statistics.fmean(recommendations)
    accepts = [o for o in outcomes_for(workshop) if o != DecisionOutcome.REJECT]
    outcome = accepts[0] if mean >= 4.5 else accepts[-1] if mean >= 3.5 else DecisionOutcome.REJECT
    Decision.objects.create(
        submission=paper,
        outcome=outcome,
        decided_by=chair,
        comments="The committee appreciated the topic; please address the reviewers' comments.",
    )
    return True
