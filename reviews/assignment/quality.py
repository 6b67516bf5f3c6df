"""Human-oriented summary of an assignment's quality."""

from __future__ import annotations

import numpy as np

from .problem import AssignmentProblem, pair_keys
from .result import AssignmentResult


def _not_willing_count(
    problem: AssignmentProblem, result: AssignmentResult, mask: np.ndarray
) -> int:
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != (problem.n_pairs,):
        raise ValueError("bid_not_willing_mask must flag each candidate pair")
    flagged = pair_keys(problem.pair_paper[mask], problem.pair_reviewer[mask], problem.n_reviewers)
    paper, reviewer, _, _ = result.all_pairs()
    return int(np.isin(pair_keys(paper, reviewer, problem.n_reviewers), flagged).sum())


def quality_summary(
    problem: AssignmentProblem,
    result: AssignmentResult,
    *,
    bid_not_willing_mask: np.ndarray | None = None,
) -> dict:
    """Totals a programme chair looks at before accepting an assignment.

    ``bid_not_willing_mask`` flags candidate pairs (aligned with
    ``problem.pair_*``) whose reviewer bid "not willing".  Locked pairs count.
    """
    paper, reviewer, score, _ = result.all_pairs()
    n_pairs = int(paper.size)
    per_paper_total = np.bincount(paper, weights=score, minlength=problem.n_papers)
    per_paper_count = np.bincount(paper, minlength=problem.n_papers)
    served = np.flatnonzero(per_paper_count > 0)
    summary: dict = {
        "assigned_pairs": n_pairs,
        "locked_pairs": int(result.locked_paper.size),
        "total_affinity": float(score.sum()),
        "mean_affinity": float(score.mean()) if n_pairs else 0.0,
        "papers_fully_covered": int((per_paper_count >= problem.demand).sum()),
        "papers_short": int((per_paper_count < problem.demand).sum()),
        "reviewers_at_min_load": int((result.reviewer_load == problem.min_load).sum()),
        "reviewers_at_max_load": int((result.reviewer_load == problem.max_load).sum()),
        "reviewers_unused": int((result.reviewer_load == 0).sum()),
        "objective": result.objective,
        "dual_bound": result.dual_bound,
        "is_optimal": result.is_optimal,
        "is_feasible": result.is_feasible,
        "worst_served_paper": None,
    }
    if served.size:
        mean = per_paper_total[served] / per_paper_count[served]
        worst = int(served[np.lexsort((served, mean))[0]])
        summary["worst_served_paper"] = {
            "paper": worst,
            "label": problem.paper_label(worst),
            "mean_affinity": float(per_paper_total[worst] / per_paper_count[worst]),
            "reviewers": int(per_paper_count[worst]),
        }
    if bid_not_willing_mask is not None:
        summary["not_willing_pairs"] = _not_willing_count(problem, result, bid_not_willing_mask)
    if result.infeasibility is not None:
        summary["infeasibility"] = result.infeasibility.messages()
    return summary
