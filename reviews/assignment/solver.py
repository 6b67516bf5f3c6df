"""Optimal reviewer assignment as one exact min-cost-flow solve.

Demands, minimum loads, maximum loads and conflicts go into a single network
(see :mod:`reviews.assignment.network`), solved by OR-tools, and the result is
certified optimal by a dual bound computed from node potentials.

Scores become integer costs: ``cost = -K * round(score * scale) + tie(p, r)``.
The tie-break ``tie(p, r) = ((r - p) mod n_reviewers) * T // n_reviewers`` lies
in ``[0, T)`` (``T = tie_break_levels``) and ``K = (T - 1) * demand + 1`` exceeds
the largest possible total tie-break, so the tie-break only ever decides
between assignments of *equal* integer-scaled score.  Among those, reviewers
whose index comes soonest after the paper's index (cyclically) are preferred,
which spreads equal-score choices over reviewers instead of piling them on
low indices.  Any remaining tie is settled by the deterministic solver on the
canonical (paper, reviewer) order of the arcs, so the output depends only on
the problem content, never on the order the candidates were listed in.

When the demands and loads cannot all be met, the solver still returns the
best partial assignment: most filled reviewer slots first, then most minimum
load met, then highest score (each stage an exact flow), together with an
:class:`~reviews.assignment.diagnosis.InfeasibilityReport`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .diagnosis import explain_shortfall, locked_warnings, prechecks
from .network import FlowSolution, Network, build_network, solve_network
from .problem import AssignmentProblem, Residual, pair_keys, prepare
from .result import AssignmentResult, PricingRound

DEFAULT_SCALE = 10_000
DEFAULT_TIE_BREAK_LEVELS = 8
BLOCKING_CODES = frozenset(
    {
        "capacity_shortfall",
        "min_load_excess",
        "paper_too_few_candidates",
        "reviewer_too_few_candidates",
    }
)


@dataclass(frozen=True)
class CostModel:
    """Integer scaling of scores and the deterministic tie-break (module docstring)."""

    scale: float
    tie_break_levels: int
    n_reviewers: int
    total_demand: int

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError("scale must be positive")
        if self.tie_break_levels < 1:
            raise ValueError("tie_break_levels must be at least 1")

    @property
    def multiplier(self) -> int:
        return (self.tie_break_levels - 1) * self.total_demand + 1

    @property
    def max_total_tie_break(self) -> int:
        return (self.tie_break_levels - 1) * self.total_demand

    def scaled(self, score: np.ndarray) -> np.ndarray:
        return np.rint(np.asarray(score, dtype=np.float64) * self.scale).astype(np.int64)

    def tie_break(self, paper: np.ndarray, reviewer: np.ndarray) -> np.ndarray:
        if self.tie_break_levels == 1:
            return np.zeros(np.shape(paper), dtype=np.int64)
        offset = np.mod(reviewer.astype(np.int64) - paper.astype(np.int64), self.n_reviewers)
        return offset * self.tie_break_levels // self.n_reviewers

    def costs(self, paper: np.ndarray, reviewer: np.ndarray, score: np.ndarray) -> np.ndarray:
        largest = float(np.abs(score).max(initial=0.0)) * self.scale * self.multiplier
        if largest + self.tie_break_levels >= 2.0**62:
            raise OverflowError(
                "scores are too large for the integer scaling; use a smaller `scale` "
                "or fewer tie-break levels"
            )
        return -self.multiplier * self.scaled(score) + self.tie_break(paper, reviewer)

    def score_bound(self, dual_cost: int) -> int:
        """Largest integer-scaled score compatible with a lower bound on the cost."""
        return (self.max_total_tie_break - dual_cost) // self.multiplier


@dataclass(frozen=True, eq=False)
class FlowOutcome:
    """Score-optimal flow on a residual instance, possibly after coverage relaxation."""

    network: Network
    solution: FlowSolution
    feasible: bool
    chosen: np.ndarray
    coverage_solution: FlowSolution | None = None
    coverage_network: Network | None = None


def _network(
    residual: Residual,
    costs: np.ndarray,
    *,
    coverage: int = 0,
    min_coverage: int = 0,
    priorities: bool = False,
    penalty: int = 0,
) -> Network:
    return build_network(
        n_papers=residual.n_papers,
        n_reviewers=residual.n_reviewers,
        pair_paper=residual.paper,
        pair_reviewer=residual.reviewer,
        pair_cost=costs,
        demand=residual.demand,
        min_load=residual.min_load,
        max_load=residual.max_load,
        coverage=coverage,
        min_coverage=min_coverage,
        priorities=priorities,
        penalty=penalty,
    )


def best_coverage(residual: Residual, costs: np.ndarray) -> tuple[Network, FlowSolution]:
    """Flow filling the most reviewer slots, then the most minimum load."""
    network = _network(residual, costs, priorities=True)
    solution = solve_network(network)
    if solution is None:  # the bypass arc makes this network always feasible
        raise RuntimeError("coverage network unexpectedly infeasible")
    return network, solution


def solve_flow(residual: Residual, costs: np.ndarray, *, try_exact: bool = True) -> FlowOutcome:
    """Exact solve when feasible, else the lexicographic best partial solve."""
    if try_exact:
        network = _network(
            residual,
            costs,
            coverage=residual.total_demand,
            min_coverage=residual.total_min_load,
        )
        solution = solve_network(network)
        if solution is not None:
            chosen = solution.flows[: network.n_pairs] > 0
            return FlowOutcome(network, solution, True, chosen)
    coverage_network, coverage_solution = best_coverage(residual, costs)
    flows = coverage_solution.flows
    network = _network(
        residual,
        costs,
        coverage=int(flows[coverage_network.source_arcs].sum()),
        min_coverage=int(flows[coverage_network.min_arcs].sum()),
    )
    solution = solve_network(network)
    if solution is None:
        raise RuntimeError("score network infeasible at the best achievable coverage")
    chosen = solution.flows[: network.n_pairs] > 0
    return FlowOutcome(
        network,
        solution,
        False,
        chosen,
        coverage_solution=coverage_solution,
        coverage_network=coverage_network,
    )


def solve(
    problem: AssignmentProblem,
    *,
    scale: float = DEFAULT_SCALE,
    tie_break_levels: int = DEFAULT_TIE_BREAK_LEVELS,
) -> AssignmentResult:
    """Assign reviewers to papers maximising the total score, with a proof.

    ``scale`` sets the integer resolution of scores (``1 / scale``); see the
    module docstring for the tie-break rule.
    """
    started = time.perf_counter()
    residual = prepare(problem)
    model = CostModel(
        scale=scale,
        tie_break_levels=tie_break_levels,
        n_reviewers=problem.n_reviewers,
        total_demand=residual.total_demand,
    )
    costs = model.costs(residual.paper, residual.reviewer, residual.score)
    issues = prechecks(problem, residual)
    prepared = time.perf_counter()
    outcome = solve_flow(
        residual, costs, try_exact=not any(issue.code in BLOCKING_CODES for issue in issues)
    )
    solved = time.perf_counter()
    report = None
    if not outcome.feasible:
        report = explain_shortfall(problem, residual, chosen=outcome.chosen, known=issues)
    timings = {
        "prepare": prepared - started,
        **outcome.solution.timings,
        "total": time.perf_counter() - started,
        "solve_and_proof": solved - prepared,
    }
    return build_result(problem, residual, model, outcome, report=report, timings=timings)


def locked_scores(problem: AssignmentProblem) -> np.ndarray:
    """Scores of the locked pairs, taken from the candidates (0 when not listed)."""
    scores = np.zeros(problem.locked_paper.size, dtype=np.float64)
    if not problem.locked_paper.size or not problem.n_pairs:
        return scores
    keys = pair_keys(problem.pair_paper, problem.pair_reviewer, problem.n_reviewers)
    order = np.argsort(keys, kind="stable")
    wanted = pair_keys(problem.locked_paper, problem.locked_reviewer, problem.n_reviewers)
    position = np.clip(np.searchsorted(keys[order], wanted), 0, keys.size - 1)
    found = keys[order][position] == wanted
    scores[found] = problem.pair_score[order][position[found]]
    return scores


def build_result(
    problem: AssignmentProblem,
    residual: Residual,
    model: CostModel,
    outcome: FlowOutcome,
    *,
    report=None,
    timings: dict[str, float] | None = None,
    pricing: tuple[PricingRound, ...] = (),
    locked_score: np.ndarray | None = None,
    extra_stats: dict | None = None,
) -> AssignmentResult:
    chosen = outcome.chosen
    paper, reviewer, score = (
        residual.paper[chosen],
        residual.reviewer[chosen],
        residual.score[chosen],
    )
    if locked_score is None:
        locked_score = locked_scores(problem)
    solution = outcome.solution
    objective_scaled = int(model.scaled(score).sum())
    bound_scaled = model.score_bound(solution.dual_cost)
    locked_total = float(locked_score.sum())
    stats = {
        "candidates": int(residual.paper.size),
        "bellman_ford_rounds": solution.bellman_ford_rounds,
        "min_reduced_cost": solution.min_reduced_cost,
        "cost_multiplier": model.multiplier,
        "tie_break_levels": model.tie_break_levels,
        **(extra_stats or {}),
    }
    return AssignmentResult(
        paper=paper,
        reviewer=reviewer,
        score=score,
        locked_paper=problem.locked_paper,
        locked_reviewer=problem.locked_reviewer,
        locked_score=locked_score,
        paper_load=np.bincount(paper, minlength=problem.n_papers) + residual.locked_paper_count,
        reviewer_load=np.bincount(reviewer, minlength=problem.n_reviewers)
        + residual.locked_reviewer_count,
        objective=float(score.sum()) + locked_total,
        objective_scaled=objective_scaled,
        dual_bound_scaled=bound_scaled,
        dual_bound=bound_scaled / model.scale + locked_total,
        scale=float(model.scale),
        scaling_tolerance=0.5 * residual.total_demand / model.scale,
        is_optimal=solution.proven and bound_scaled == objective_scaled,
        is_feasible=outcome.feasible,
        infeasibility=report,
        warnings=tuple(locked_warnings(problem, residual)),
        timings=dict(timings or {}),
        stats=stats,
        pricing=pricing,
    )
