"""Reading a proposal: its quality after hand edits, the CSV export, what a chair may see."""

from __future__ import annotations

import csv
import io

from django.db.models import Q

from submissions.models import Authorship
from workshops.enums import MemberRole
from workshops.models import Membership

from ...enums import BidPreference
from ...models import (
    AssignmentRun,
    Conflict,
    ProposedPair,
)
from .params import RunParams

# ---------------------------------------------------------------------------------------------
# Reading a proposal (page, CSV export, quality after hand edits)


def proposal_quality(run: AssignmentRun, pairs: list[dict]) -> dict:
    """The quality summary recomputed from the current pairs (after hand edits)."""
    params = RunParams.from_json(run.params)
    limits = (run.result or {}).get("limits", {})
    k = params.reviewers_per_paper
    per_paper: dict[int, list[float]] = {}
    per_reviewer: dict[int, int] = {}
    not_willing = 0
    for pair in pairs:
        per_paper.setdefault(pair["submission_id"], []).append(pair["score"])
        per_reviewer[pair["reviewer_id"]] = per_reviewer.get(pair["reviewer_id"], 0) + 1
        if (pair["explanation"] or {}).get("bid_preference") == BidPreference.NOT_WILLING:
            not_willing += 1
    scores = [p["score"] for p in pairs]
    worst = None
    if per_paper:
        worst_id = min(per_paper, key=lambda s: (sum(per_paper[s]) / len(per_paper[s]), s))
        worst = {
            "submission_id": worst_id,
            "mean_affinity": sum(per_paper[worst_id]) / len(per_paper[worst_id]),
            "reviewers": len(per_paper[worst_id]),
        }
    at_min = at_max = 0
    for reviewer_id, (low, high) in limits.items():
        load = per_reviewer.get(int(reviewer_id), 0)
        at_min += load == low
        at_max += load == high
    return {
        "assigned_pairs": len(pairs),
        "total_affinity": float(sum(scores)),
        "mean_affinity": float(sum(scores) / len(scores)) if scores else 0.0,
        "worst_served": worst,
        "not_willing_pairs": not_willing,
        "reviewers_at_min_load": at_min,
        "reviewers_at_max_load": at_max,
        "papers_short": max(
            int((run.result or {}).get("n_papers", len(per_paper)))
            - sum(1 for s in per_paper.values() if len(s) >= k),
            0,
        ),
        "reviewers_per_paper": k,
    }


def proposal_csv(run: AssignmentRun) -> str:
    """The proposal as CSV: paper number, reviewer e-mail, score, locked, edited by hand."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["paper", "reviewer_email", "score", "locked", "edited_by_chair"])
    for number, email, score, locked, edited in (
        ProposedPair.objects.filter(run=run)
        .order_by("submission__number", "-score", "reviewer__email")
        .values_list(
            "submission__number", "reviewer__email", "score", "is_locked", "edited_by_chair"
        )
    ):
        writer.writerow([number, email, f"{score:.6g}", int(locked), int(edited)])
    return out.getvalue()


def hidden_submission_ids(user, workshop) -> set[int]:
    """Papers whose reviewers ``user`` must not see: conflicts and own papers."""
    if user is None or not user.is_authenticated:
        return set()
    conflicted = set(
        Conflict.objects.active()
        .filter(user=user, submission__workshop=workshop)
        .values_list("submission_id", flat=True)
    )
    authored = set(
        Authorship.objects.filter(
            Q(user=user) | Q(email__iexact=user.email), submission__workshop=workshop
        ).values_list("submission_id", flat=True)
    )
    return conflicted | authored


def committee_choices(workshop) -> list[tuple[int, str]]:
    return [
        (pk, name or email)
        for pk, name, email in Membership.objects.filter(
            workshop=workshop, role=MemberRole.REVIEWER
        )
        .order_by("user__full_name", "user__email")
        .values_list("user_id", "user__full_name", "user__email")
    ]
