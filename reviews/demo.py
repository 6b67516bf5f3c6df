"""Demo review data, loaded by ``manage.py load_demo`` after the submissions' demo data.

Idempotent: rows are keyed by (paper, reviewer) and only created when missing. For every demo
workshop that has submissions and reviewers: review settings in a phase that shows each role
something, reviewer profiles, detected conflicts, bids, assignments, a mix of submitted and
draft reviews, a discussion message and decisions, reviewer invitations (pending, declined,
accepted) and a few outbox rows (sent and failed, keys ``demo:...``; never delivered).

The open demo edition's phase follows its dates ("submission" while its call is open: reviewer
profiles and invitations, but no bids, assignments or reviews yet); past (2023) workshops have
their decisions released and are "notified", so their authors see decisions and reviews. The
complete demo edition is left to ``workshops.demo.cycle``. Nothing is e-mailed.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics

from django.utils import timezone

from submissions.models import Submission
from workshops.demo import seeds
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
from .permissions import REVIEWABLE_STATES, forget_settings, reviews_due
from .services.assignments import AssignmentError, assign
from .services.conflicts import active_conflict_pairs, detect_conflicts
from .services.phases import phase_by_dates

# Demo editions whose whole cycle another loader writes (workshops.demo.cycle and
# workshops.demo.response).
COMPLETE_EDITIONS = [seeds.COMPLETE_EDITION["slug"], seeds.RESPONSE_EDITION["slug"]]

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
# Texts by the review's verdict, so that what a review says agrees with its scores.
REVIEW_TEXTS = {
    "positive": [
        (
            "Clear writing and a precisely stated threat model; the code is promised.",
            "The evaluation would be stronger with one adaptive attack.",
            "A solid workshop paper. Please discuss the computational overhead in the final "
            "version.",
        ),
        (
            "Convincing experiments on realistic settings and an honest limitations section.",
            "A few details of the experimental setup are only in the appendix.",
            "I enjoyed reading this. Moving the setup details into the main text would help.",
        ),
    ],
    "mixed": [
        (
            "A relevant question and a reasonable experimental design.",
            "The baselines are somewhat dated and the gains are within the reported variance.",
            "Please add confidence intervals and compare with the two most recent baselines.",
        ),
        (
            "Broad experiments and a useful taxonomy of failure cases.",
            "The novelty over prior surveys is limited.",
            "A table comparing with the closest related work would help readers judge the "
            "contribution.",
        ),
    ],
    "negative": [
        (
            "The topic fits the workshop well.",
            "The central claim is not supported: the evaluation omits adaptive attacks and the "
            "proofs in the appendix are incomplete.",
            "I encourage the authors to tighten the proof of the main lemma and to evaluate "
            "against an adaptive adversary before resubmitting.",
        ),
        (
            "The problem is important and the writing is mostly clear.",
            "The method is very close to existing work, and the experiments use a single "
            "small data set.",
            "Please position the method against prior work and add at least one larger benchmark.",
        ),
    ],
}
# Recommendations cycle over the whole scale (1 = strong reject ... 6 = strong accept).
RECOMMENDATION_CYCLE = [5, 4, 2, 6, 3, 4, 1, 5]


def _tone(recommendation: int) -> str:
    if recommendation >= 5:
        return "positive"
    return "mixed" if recommendation >= 3 else "negative"


def _score(recommendation: int, levels: int, jitter: int) -> int:
    """A criterion score on a 1..levels scale in line with the recommendation (1..6)."""
    value = round(1 + (recommendation - 1) * (levels - 1) / 5) + jitter
    return min(max(value, 1), levels)


def _summary(paper) -> str:
    """A reviewer's summary of this paper, from the paper's own abstract."""
    sentences = re.split(r"(?<=[.!?])\s+", (paper.abstract or "").strip())
    first = sentences[0] if sentences and sentences[0] else ""
    first = re.sub(r"^(In this (paper|work), )?[Ww]e\b", "The authors", first)
    if not first:
        return f"The paper “{paper.title}” addresses a topic of the workshop."
    return f"{first} The paper is titled “{paper.title}”."


def _is_past(workshop: Workshop, now) -> bool:
    return not workshop.is_demo and workshop.year is not None and workshop.year < now.year


def _phase_for(workshop: Workshop, settings, now) -> str:
    if workshop.is_demo:
        # The open demo edition follows its dates: "submission" while its call is open.
        return phase_by_dates(settings, now)
    return Phase.DECISIONS if _is_past(workshop, now) else Phase.BIDDING


def load(stdout=None, *, now: dt.datetime | None = None, reset: bool = False) -> dict[str, int]:
    now = now or timezone.now()
    summary = {"assignments": 0, "reviews": 0, "decisions": 0}
    if reset:
        _reset_open_edition(now)
    workshop_ids = (
        Submission.objects.filter(state__in=REVIEWABLE_STATES)
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    for workshop in (
        Workshop.objects.filter(pk__in=list(workshop_ids))
        .exclude(slug__in=COMPLETE_EDITIONS)
        .prefetch_related("dates")
    ):
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


def _reset_open_edition(now) -> None:
    """``load_demo --reset``: the open edition back to the phase its dates imply, without the
    bids, assignments, reviews, discussion and staged decisions of later phases (a database
    loaded when the open edition was kept in "discussion" gets the coherent state)."""
    from mail.models import OutgoingEmail

    workshop = (
        Workshop.objects.filter(slug=seeds.DEMO_EDITION["slug"]).prefetch_related("dates").first()
    )
    if workshop is None:
        return
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    settings.workshop = workshop
    phase = phase_by_dates(settings, now)
    if phase != Phase.SUBMISSION:
        return
    papers = Submission.objects.filter(workshop=workshop)
    if Decision.objects.filter(submission__in=papers, release__isnull=False).exists():
        return  # decisions were released: a cycle a chair ran, not demo data to undo
    Decision.objects.filter(submission__in=papers).delete()
    Comment.objects.filter(submission__in=papers).delete()
    Review.objects.filter(assignment__submission__in=papers).delete()
    Assignment.objects.filter(submission__in=papers).delete()
    Bid.objects.filter(submission__in=papers).delete()
    OutgoingEmail.objects.filter(
        idempotency_key__startswith=f"demo:{workshop.slug}:assigned-"
    ).delete()  # the demo's record of assignment e-mails, for assignments that are gone
    ReviewSettings.objects.filter(pk=settings.pk).update(phase=phase)
    forget_settings(workshop)


def _load_workshop(workshop, reviewers, chair, now, summary) -> None:
    settings, created = ReviewSettings.objects.get_or_create(workshop=workshop)
    if created:
        settings.phase = _phase_for(workshop, settings, now)
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

    _invitations_and_outbox(workshop, reviewers, chair, now, settings.phase)
    detect_conflicts(workshop)
    conflicts = active_conflict_pairs(workshop)
    if settings.phase == Phase.SUBMISSION:
        return  # no bids before bidding opens, no assignment before reviewing

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
    if _is_past(workshop, now):
        _release(workshop, chair, now)


def _release(workshop, chair, now) -> None:
    """Release the staged decisions of a past workshop without e-mailing anyone (the release
    is recorded as notified) and move it to "notified"."""
    from submissions.enums import SubmissionState
    from submissions.services import set_state

    from .enums import is_accept
    from .models import DecisionRelease

    staged = list(
        Decision.objects.filter(
            submission__workshop=workshop,
            released_at__isnull=True,
            submission__state__in=REVIEWABLE_STATES,
        ).select_related("submission__workshop")
    )
    if staged:
        # Released a week after the reviews were due, in the workshop's own year.
        when = min((reviews_due(workshop) or workshop.submission_deadline or now), now)
        when = min(when + dt.timedelta(days=7), now)
        release = DecisionRelease.objects.create(
            workshop=workshop, created_by=chair, notified_at=when
        )
        DecisionRelease.objects.filter(pk=release.pk).update(created_at=when)
        for decision in staged:
            submission = decision.submission
            state = (
                SubmissionState.ACCEPTED
                if is_accept(decision.outcome)
                else SubmissionState.REJECTED
            )
            if submission.state != state:
                start = timezone.now()
                set_state(submission, state, by=chair, reason="Decision released", notify=False)
                submission.log_entries.filter(created_at__gte=start).update(created_at=when)
            decision.release = release
            decision.released_at = when
        Decision.objects.bulk_update(staged, ["release", "released_at"])
    ReviewSettings.objects.filter(workshop=workshop).update(phase=Phase.NOTIFIED)


def _invitations_and_outbox(workshop, reviewers, chair, now, phase) -> None:
    """A pending, a declined and an accepted invitation, and sent and failed outbox rows."""
    from mail.models import EmailState, OutgoingEmail

    from .enums import InvitationState
    from .models import ReviewerInvitation

    tag = workshop.slug
    people = [
        (f"pending.reviewer@{tag}.demo.test", "Pat Pending", InvitationState.PENDING, None),
        (f"declined.reviewer@{tag}.demo.test", "Dana Declined", InvitationState.DECLINED, now),
    ]
    if reviewers:
        r = reviewers[0]
        people.append((r.email, r.get_full_name(), InvitationState.ACCEPTED, now))
    for email, name, state, responded in people:
        ReviewerInvitation.objects.get_or_create(
            workshop=workshop,
            email=email,
            defaults={
                "name": name,
                "state": state,
                "responded_at": responded,
                "invited_by": chair,
                "times_sent": 1,
                "last_sent_at": now,
                "user": reviewers[0] if state == InvitationState.ACCEPTED else None,
            },
        )
    rows = [
        (
            "invitation-pending",
            people[0][0],
            "Invitation to the program committee",
            EmailState.SENT,
            "",
        ),
        (
            "invitation-declined",
            people[1][0],
            "Invitation to the program committee",
            EmailState.SENT,
            "",
        ),
        (
            "bounce",
            f"no-such-person@{tag}.demo.test",
            "Invitation to the program committee",
            EmailState.FAILED,
            "SMTPRecipientsRefused: 550 mailbox unavailable",
        ),
    ]
    if phase not in (Phase.SUBMISSION, Phase.BIDDING):  # e-mails of assignments made
        rows += [
            (f"assigned-{r.pk}", r.email, "Review assignment", EmailState.SENT, "")
            for r in reviewers[:2]
        ]
    for key, recipient, subject, state, error in rows:
        OutgoingEmail.objects.get_or_create(
            idempotency_key=f"demo:{tag}:{key}",
            defaults={
                "workshop": workshop,
                "recipient": recipient,
                "subject": f"[{workshop.short_name}] {subject}",
                "body": "A demo e-mail: it was never delivered.",
                "template_role": "reviews.invitation"
                if "invitation" in key or key == "bounce"
                else "reviews.assigned",
                "state": state,
                "error": error,
                "attempts": 1,
                "sent_at": now if state == EmailState.SENT else None,
            },
        )


def _review(assignment, criteria, *, seed: int, submitted: bool, now) -> bool:
    if Review.objects.filter(assignment=assignment).exists():
        return False
    recommendation = RECOMMENDATION_CYCLE[seed % len(RECOMMENDATION_CYCLE)]
    texts = REVIEW_TEXTS[_tone(recommendation)]
    strengths, weaknesses, comments = texts[seed % len(texts)]
    review = Review.objects.create(
        assignment=assignment,
        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
        recommendation=recommendation,
        confidence=2 + seed % 4,
        summary=_summary(assignment.submission),
        strengths=strengths,
        weaknesses=weaknesses if submitted else "",
        comments=comments if submitted else "",
        confidential_note="I reviewed an earlier version of this paper." if seed % 4 == 0 else "",
        submitted_at=now if submitted else None,
    )
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(
                review=review,
                criterion=c,
                value=_score(recommendation, len(c.scale), (seed + j) % 3 - 1),
            )
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
