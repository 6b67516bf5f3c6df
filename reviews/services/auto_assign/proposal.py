"""Reading a proposal: its quality after hand edits, the CSV export, what a chair may see."""

from __future__ import annotations

import csv
import io

from workshops.enums import MemberRole
from workshops.models import Membership

from ...enums import BidPreference
from ...models import (
    AssignmentRun,
    ProposedPair,
)
from ...permissions import excluded_submission_ids
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


def proposal_csv(run: AssignmentRun, *, for_user=None) -> str:
    """The proposal as CSV: paper number, reviewer e-mail, score, locked, edited by hand.

    ``for_user`` (the chair downloading it) leaves out the papers that user must not see
    (conflicts and own papers, ``excluded_submission_ids``), like the run's page does. Without
    it (the administrator's management command) every pair is written.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["paper", "reviewer_email", "score", "locked", "edited_by_chair"])
    pairs = ProposedPair.objects.filter(run=run)
    if for_user is not None:
        pairs = pairs.exclude(submission_id__in=excluded_submission_ids(for_user, run.workshop))
    for number, email, score, locked, edited in pairs.order_by(
        "submission__number", "-score", "reviewer__email"
    ).values_list("submission__number", "reviewer__email", "score", "is_locked", "edited_by_chair"):
        writer.writerow([number, email, f"{score:.6g}", int(locked), int(edited)])
    return out.getvalue()


def hidden_submission_ids(user, workshop) -> set[int]:
    """Papers whose reviewers ``user`` must not see nor change: conflicts and own papers (the
    rights vocabulary's ``excluded_submission_ids``)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(excluded_submission_ids(user, workshop))


def committee_choices(workshop, role: str = MemberRole.REVIEWER) -> list[tuple[int, str]]:
    """The members a run of ``role`` assigns (reviewers, or area chairs), by name."""
    return [
        (pk, name or email)
        for pk, name, email in Membership.objects.filter(workshop=workshop, role=role)
        .order_by("user__full_name", "user__email")
        .values_list("user_id", "user__full_name", "user__email")
    ]
