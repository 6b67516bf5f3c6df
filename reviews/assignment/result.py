"""Output of the reviewer-assignment solver."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .diagnosis import InfeasibilityReport, Issue


@dataclass(frozen=True)
class PricingRound:
    """One round of the dense mode: solve on the candidates, then price all pairs."""

    candidates: int
    added: int
    objective_scaled: int
    solve_seconds: float
    pricing_seconds: float
    phase: str = "score"


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """Chosen pairs plus the evidence that they are optimal.

    ``paper``/``reviewer``/``score`` are the new pairs, sorted by (paper,
    reviewer); locked pairs are listed separately and included in the loads and
    in ``objective``.  ``objective_scaled`` is the integer-scaled score of the new
    pairs and ``dual_bound_scaled`` the upper bound on it proven by the
    min-cost-flow potentials; they are equal when ``is_optimal``.  Against the
    unscaled float scores the result is optimal within ``scaling_tolerance``:
    no assignment scores more than ``dual_bound + scaling_tolerance``.
    """

    paper: np.ndarray
    reviewer: np.ndarray
    score: np.ndarray
    locked_paper: np.ndarray
    locked_reviewer: np.ndarray
    locked_score: np.ndarray
    paper_load: np.ndarray
    reviewer_load: np.ndarray
    objective: float
    objective_scaled: int
    dual_bound_scaled: int
    dual_bound: float
    scale: float
    scaling_tolerance: float
    is_optimal: bool
    is_feasible: bool
    infeasibility: InfeasibilityReport | None = None
    warnings: tuple[Issue, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int | float | str] = field(default_factory=dict)
    pricing: tuple[PricingRound, ...] = ()

    @property
    def n_assigned(self) -> int:
        return int(self.paper.shape[0])

    def all_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Locked and new pairs together as (paper, reviewer, score, is_locked)."""
        paper = np.concatenate([self.locked_paper, self.paper])
        reviewer = np.concatenate([self.locked_reviewer, self.reviewer])
        score = np.concatenate([self.locked_score, self.score])
        locked = np.r_[np.ones(self.locked_paper.size, bool), np.zeros(self.paper.size, bool)]
        order = np.lexsort((reviewer, paper))
        return paper[order], reviewer[order], score[order], locked[order]
