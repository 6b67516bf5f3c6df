"""Dense-scale assignment: every pair scored, never stored whole.

When every (paper, reviewer) pair has a score (NeurIPS 2025: 21,575 x 20,518,
442 million pairs) the full network does not fit a naive build.  This is
column generation on the flow network:

1. stream the score matrix once, in blocks of papers, keeping the best
   ``candidates_per_paper`` reviewers of each paper and the best
   ``candidates_per_reviewer`` papers of each reviewer;
2. solve exactly on those candidates and compute the flow's node potentials;
3. stream all pairs again and compute each pair's reduced cost
   ``cost(p, r) + pi(p) - pi(r)``.  A pair with a negative reduced cost could
   improve the solution, so it is added (at most ``additions_per_paper`` per
   paper and round, most negative first) and step 2 is repeated.

When a pricing pass finds no negative reduced cost, the potentials are
feasible for the *full* residual graph, so the dual bound holds for all 442
million pairs and the restricted optimum is the global optimum.  While the
candidates are too thin to meet the demands, big-M artificial arcs keep the
restricted network feasible and pricing brings in the pairs that replace
them.  If even all pairs cannot meet the demands, pricing is run on the
coverage objective instead (minimum cut first, then the lexicographic
coverage dual), so the reported coverage is the best achievable over all
pairs.

The potentials used are the smallest optimal ones (see
:func:`~.network.solve_network`): they give popular reviewers the highest
prices, which keeps the number of pairs flagged by pricing low.

The cost model, tie-break and result are those of :func:`~.solver.solve`, so
``solve_dense`` returns the same objective as ``solve`` on the full pair list.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .diagnosis import explain_shortfall, prechecks_from_counts
from .network import INT64_BUDGET, solve_network, source_side
from .problem import AssignmentProblem, Residual, pair_keys, prepare
from .result import AssignmentResult, PricingRound
from .solver import (
    BLOCKING_CODES,
    DEFAULT_SCALE,
    DEFAULT_TIE_BREAK_LEVELS,
    CostModel,
    FlowOutcome,
    _network,
    best_coverage,
    build_result,
)

ScoreBlock = Callable[[int, int], np.ndarray]
BLOCK_ELEMENTS = 1 << 23


@dataclass(frozen=True, eq=False)
class Candidates:
    """Sorted, unique candidate pairs with their scores."""

    keys: np.ndarray
    score: np.ndarray

    @classmethod
    def merge(cls, keys: np.ndarray, score: np.ndarray) -> Candidates:
        order = np.argsort(keys, kind="stable")
        keys, score = keys[order], score[order]
        first = np.r_[True, keys[1:] != keys[:-1]]
        return cls(keys[first], score[first])

    def add(self, keys: np.ndarray, score: np.ndarray) -> Candidates:
        return Candidates.merge(
            np.concatenate([self.keys, keys]), np.concatenate([self.score, score])
        )

    def contains(self, keys: np.ndarray) -> np.ndarray:
        return _sorted_contains(self.keys, keys)


def _sorted_contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    position = np.clip(np.searchsorted(sorted_keys, keys), 0, sorted_keys.size - 1)
    return sorted_keys[position] == keys


class BlockStream:
    """Blocks of consecutive papers, with excluded pairs (conflicts, locked) masked."""

    def __init__(
        self,
        score_block: ScoreBlock,
        *,
        n_papers: int,
        n_reviewers: int,
        excluded_keys: np.ndarray,
        block_rows: int,
    ) -> None:
        self.score_block = score_block
        self.n_papers = n_papers
        self.n_reviewers = n_reviewers
        self.excluded_keys = excluded_keys
        self.block_rows = block_rows

    def __iter__(self):
        for start in range(0, self.n_papers, self.block_rows):
            stop = min(start + self.block_rows, self.n_papers)
            block = np.asarray(self.score_block(start, stop))
            if block.dtype not in (np.float32, np.float64):
                block = block.astype(np.float64)
            if block.shape != (stop - start, self.n_reviewers):
                raise ValueError(
                    f"score_block({start}, {stop}) returned shape {block.shape}, "
                    f"expected {(stop - start, self.n_reviewers)}"
                )
            yield start, block, self.excluded_in(start, stop)

    def excluded_in(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(
            self.excluded_keys, [start * self.n_reviewers, stop * self.n_reviewers]
        )
        keys = self.excluded_keys[lo:hi]
        return (keys // self.n_reviewers - start).astype(np.int64), keys % self.n_reviewers


class ReviewerTop:
    """Running best ``size`` papers of every reviewer across streamed blocks."""

    def __init__(self, n_reviewers: int, size: int) -> None:
        self.size = size
        self.score = np.full((size, n_reviewers), -np.inf)
        self.paper = np.full((size, n_reviewers), -1, dtype=np.int64)

    def update(self, start: int, block: np.ndarray) -> None:
        if self.size == 0:
            return
        rows = block.shape[0]
        if rows > self.size:
            top = np.argpartition(block, rows - self.size, axis=0)[rows - self.size :]
        else:
            top = np.broadcast_to(np.arange(rows)[:, None], block.shape)
        score = np.concatenate([self.score, np.take_along_axis(block, top, axis=0)])
        paper = np.concatenate([self.paper, top + start])
        keep = np.argpartition(score, score.shape[0] - self.size, axis=0)[-self.size :]
        self.score = np.take_along_axis(score, keep, axis=0)
        self.paper = np.take_along_axis(paper, keep, axis=0)

    def pairs(self, n_reviewers: int) -> tuple[np.ndarray, np.ndarray]:
        valid = self.paper >= 0
        reviewer = np.broadcast_to(np.arange(n_reviewers), self.paper.shape)
        return pair_keys(self.paper[valid], reviewer[valid], n_reviewers), self.score[valid]


def select_candidates(
    stream: BlockStream,
    *,
    per_paper: int,
    per_reviewer: int,
    locked_keys: np.ndarray,
) -> tuple[Candidates, np.ndarray]:
    """First pass: best reviewers per paper plus best papers per reviewer.

    Also returns the scores of the locked pairs, read on the way.
    """
    n_reviewers = stream.n_reviewers
    per_paper = min(per_paper, n_reviewers)
    reviewer_top = ReviewerTop(n_reviewers, min(per_reviewer, stream.n_papers))
    keys, scores = [], []
    locked_score = np.zeros(locked_keys.size)
    for start, block, (rows, cols) in stream:
        if not np.all(np.isfinite(block)):
            raise ValueError(f"score block starting at paper {start} has non-finite scores")
        block_keys = pair_keys(rows + start, cols, n_reviewers)
        is_locked = _sorted_contains(locked_keys, block_keys)
        locked_score[np.searchsorted(locked_keys, block_keys[is_locked])] = block[
            rows[is_locked], cols[is_locked]
        ]
        block[rows, cols] = -np.inf
        if per_paper:
            top = np.argpartition(block, n_reviewers - per_paper, axis=1)[:, -per_paper:]
            top_score = np.take_along_axis(block, top, axis=1)
            paper = np.broadcast_to(np.arange(start, start + block.shape[0])[:, None], top.shape)
            valid = np.isfinite(top_score)
            keys.append(pair_keys(paper[valid], top[valid], n_reviewers))
            scores.append(top_score[valid].astype(np.float64))
        reviewer_top.update(start, block)
    top_keys, top_score = reviewer_top.pairs(n_reviewers)
    finite = np.isfinite(top_score)
    keys.append(top_keys[finite])
    scores.append(top_score[finite])
    return Candidates.merge(np.concatenate(keys), np.concatenate(scores)), locked_score


@dataclass
class Pricing:
    """Reduced-cost pricing of all pairs against the potentials of a restricted solve."""

    model: CostModel
    potentials: np.ndarray
    n_papers: int
    coverage_phase: bool
    per_paper: int
    truncated: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def paper_potential(self) -> np.ndarray:
        return self.potentials[: self.n_papers]

    def reviewer_potential(self, n_reviewers: int) -> np.ndarray:
        return self.potentials[self.n_papers : self.n_papers + n_reviewers]

    def flag(self, start: int, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Superset of the block's pairs with a negative reduced cost."""
        pi_paper = self.paper_potential()[start : start + block.shape[0]]
        pi_reviewer = self.reviewer_potential(block.shape[1])
        if self.coverage_phase:
            return self._flag_coverage(block, pi_paper, pi_reviewer)
        # cost < 0 needs K * round(s * scale) > pi_p - pi_r, hence
        # s > (pi_p - pi_r) / (K * scale) - 0.5 / scale; checked in block precision
        # with a margin that covers its rounding, then exactly in integers.
        unit = float(self.model.multiplier) * self.model.scale
        paper_threshold = pi_paper / unit - 0.5 / self.model.scale
        reviewer_threshold = pi_reviewer / unit
        precision = np.finfo(block.dtype).eps
        margin = (
            8
            * precision
            * (
                1
                + np.abs(paper_threshold).max(initial=0)
                + np.abs(reviewer_threshold).max(initial=0)
            )
        )
        threshold = (
            paper_threshold.astype(block.dtype)[:, None]
            - reviewer_threshold.astype(block.dtype)[None, :]
        )
        threshold -= block.dtype.type(margin)
        np.subtract(block, threshold, out=threshold)
        return self._largest_excess(threshold)

    def _largest_excess(self, excess: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions with a positive excess; in rows with very many of them only
        the largest few, which is enough to add ``per_paper`` pairs per paper.

        A row cut this way is marked in ``self.truncated`` so that the caller
        can re-examine it fully if its shortlist holds no improving pair (the
        convergence proof must see every pair).
        """
        positive = excess > 0
        counts = positive.sum(axis=1)
        limit = 4 * self.per_paper + 16
        crowded = counts > limit
        self.truncated = np.flatnonzero(crowded)
        rows, cols = np.nonzero(positive & ~crowded[:, None])
        if self.truncated.size == 0 or limit >= excess.shape[1]:
            self.truncated = np.zeros(0, np.int64)
            return np.nonzero(positive)
        top = np.argpartition(excess[self.truncated], excess.shape[1] - limit, axis=1)
        top = top[:, -limit:]
        return (
            np.concatenate([rows, np.repeat(self.truncated, limit)]),
            np.concatenate([cols, top.ravel()]),
        )

    def _flag_coverage(self, block, pi_paper, pi_reviewer) -> tuple[np.ndarray, np.ndarray]:
        """Pair costs are 0 here, so every pair with pi(p) < pi(r) improves the
        coverage; keep only the best-scoring ``per_paper`` of them per paper."""
        useful = pi_paper[:, None] < pi_reviewer[None, :]
        rows = np.flatnonzero(useful.any(axis=1))
        if rows.size == 0:
            return rows, rows
        masked = np.where(useful[rows], block[rows], -np.inf)
        keep = min(self.per_paper, block.shape[1])
        self.truncated = rows[useful[rows].sum(axis=1) > keep]
        top = np.argpartition(masked, block.shape[1] - keep, axis=1)[:, -keep:]
        valid = np.isfinite(np.take_along_axis(masked, top, axis=1))
        return np.broadcast_to(rows[:, None], top.shape)[valid], top[valid]

    def reduced_costs(self, paper: np.ndarray, reviewer: np.ndarray, score: np.ndarray):
        pi_paper = self.potentials[paper]
        pi_reviewer = self.potentials[self.n_papers + reviewer]
        cost = 0 if self.coverage_phase else self.model.costs(paper, reviewer, score)
        return cost + pi_paper - pi_reviewer

    def select(self, paper, reviewer, score, reduced) -> np.ndarray:
        """At most ``per_paper`` pairs per paper: most negative reduced cost first
        (best score first in the coverage phase, where all are equally useful)."""
        primary = -score if self.coverage_phase else reduced
        order = np.lexsort((reviewer, primary, paper))
        sorted_paper = paper[order]
        first = np.searchsorted(sorted_paper, sorted_paper)
        rank = np.arange(sorted_paper.size) - first
        return order[rank < self.per_paper]


def price_all_pairs(
    stream: BlockStream, pricing: Pricing, candidates: Candidates
) -> tuple[np.ndarray, np.ndarray]:
    """Stream every pair; return keys and scores of the improving pairs to add."""
    found_keys, found_score = [], []
    for start, block, (rows, cols) in stream:
        block[rows, cols] = -np.inf
        pricing.truncated = np.zeros(0, np.int64)
        flag_rows, flag_cols = pricing.flag(start, block)
        keys, score, paper = _improving(pricing, candidates, start, block, flag_rows, flag_cols)
        recheck = np.setdiff1d(pricing.truncated + start, paper)
        if recheck.size:
            full_rows, full_cols = np.nonzero(
                np.isin(np.arange(block.shape[0]), recheck - start)[:, None] & np.isfinite(block)
            )
            extra = _improving(pricing, candidates, start, block, full_rows, full_cols)
            keys, score = np.concatenate([keys, extra[0]]), np.concatenate([score, extra[1]])
        found_keys.append(keys)
        found_score.append(score)
    if not found_keys:
        return np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(found_keys), np.concatenate(found_score)


def _improving(pricing, candidates, start, block, flag_rows, flag_cols):
    """Exact integer check of flagged positions; the best ``per_paper`` per paper."""
    n_reviewers = block.shape[1]
    score = block[flag_rows, flag_cols].astype(np.float64)
    paper = flag_rows.astype(np.int64) + start
    reviewer = flag_cols.astype(np.int64)
    keys = pair_keys(paper, reviewer, n_reviewers)
    keep = np.isfinite(score) & ~candidates.contains(keys)
    paper, reviewer, score, keys = paper[keep], reviewer[keep], score[keep], keys[keep]
    reduced = pricing.reduced_costs(paper, reviewer, score)
    negative = reduced < 0
    paper, reviewer, score, keys, reduced = (
        array[negative] for array in (paper, reviewer, score, keys, reduced)
    )
    chosen = pricing.select(paper, reviewer, score, reduced)
    return keys[chosen], score[chosen], np.unique(paper)


def big_m(costs: np.ndarray, size: int) -> int:
    """Penalty of the artificial arcs: far above any pair cost, within int64 range
    (``size`` bounds both the node count and the total flow)."""
    largest = int(np.abs(costs).max(initial=1))
    ceiling = INT64_BUDGET // (8 * (size + 1))
    return max(1, min(1000 * largest * 2, ceiling))


def _restricted(base: Residual, candidates: Candidates) -> Residual:
    n_reviewers = base.n_reviewers
    return Residual(
        n_papers=base.n_papers,
        n_reviewers=n_reviewers,
        paper=(candidates.keys // n_reviewers).astype(np.int32),
        reviewer=(candidates.keys % n_reviewers).astype(np.int32),
        score=candidates.score,
        demand=base.demand,
        min_load=base.min_load,
        max_load=base.max_load,
        locked_paper_count=base.locked_paper_count,
        locked_reviewer_count=base.locked_reviewer_count,
    )


def _full_prechecks(problem: AssignmentProblem, base: Residual, excluded_keys: np.ndarray):
    """Prechecks over all pairs, counting only the excluded ones explicitly."""
    n_reviewers = base.n_reviewers
    paper = excluded_keys // n_reviewers
    reviewer = excluded_keys % n_reviewers
    usable_reviewer = base.max_load[reviewer] > 0
    usable_paper = base.demand[paper] > 0
    paper_candidates = int((base.max_load > 0).sum()) - np.bincount(
        paper[usable_reviewer], minlength=base.n_papers
    )
    reviewer_candidates = int((base.demand > 0).sum()) - np.bincount(
        reviewer[usable_paper], minlength=n_reviewers
    )
    return prechecks_from_counts(
        problem,
        base,
        paper_candidates=paper_candidates,
        reviewer_candidates=reviewer_candidates,
    )


def _pair_arrays(pairs) -> tuple[np.ndarray, np.ndarray]:
    if pairs is None:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    paper, reviewer = pairs
    return np.asarray(paper), np.asarray(reviewer)


def solve_dense(
    *,
    n_papers: int,
    n_reviewers: int,
    score_block: ScoreBlock,
    demand: int | np.ndarray,
    min_load: int | np.ndarray,
    max_load: int | np.ndarray,
    conflicts: tuple[np.ndarray, np.ndarray] | None = None,
    locked: tuple[np.ndarray, np.ndarray] | None = None,
    candidates_per_paper: int = 20,
    candidates_per_reviewer: int = 10,
    additions_per_paper: int = 10,
    block_rows: int | None = None,
    scale: float = DEFAULT_SCALE,
    tie_break_levels: int = DEFAULT_TIE_BREAK_LEVELS,
    max_rounds: int = 50,
    paper_labels: tuple[str, ...] | None = None,
    reviewer_labels: tuple[str, ...] | None = None,
) -> AssignmentResult:
    """Optimal assignment when every pair is scored, with a global optimality proof.

    ``score_block(start, stop)`` must return the scores of papers
    ``start..stop-1`` against all reviewers as a ``(stop - start, n_reviewers)``
    float32/float64 array, the same values on every call; the solver may write
    into the returned array.  ``conflicts`` and ``locked`` are (paper, reviewer)
    index arrays.  ``result.pricing`` lists the rounds.
    """
    started = time.perf_counter()
    conflict_paper, conflict_reviewer = _pair_arrays(conflicts)
    locked_paper, locked_reviewer = _pair_arrays(locked)
    problem = AssignmentProblem(
        n_papers=n_papers,
        n_reviewers=n_reviewers,
        pair_paper=np.zeros(0, np.int32),
        pair_reviewer=np.zeros(0, np.int32),
        pair_score=np.zeros(0),
        demand=demand,
        min_load=min_load,
        max_load=max_load,
        locked_paper=locked_paper,
        locked_reviewer=locked_reviewer,
        conflict_paper=conflict_paper,
        conflict_reviewer=conflict_reviewer,
        paper_labels=paper_labels,
        reviewer_labels=reviewer_labels,
    )
    base = prepare(problem)
    locked_keys = np.sort(pair_keys(problem.locked_paper, problem.locked_reviewer, n_reviewers))
    excluded_keys = np.unique(
        np.concatenate(
            [
                pair_keys(problem.conflict_paper, problem.conflict_reviewer, n_reviewers),
                locked_keys,
            ]
        )
    )
    stream = BlockStream(
        score_block,
        n_papers=n_papers,
        n_reviewers=n_reviewers,
        excluded_keys=excluded_keys,
        block_rows=block_rows or max(1, BLOCK_ELEMENTS // max(n_reviewers, 1)),
    )
    model = CostModel(
        scale=scale,
        tie_break_levels=tie_break_levels,
        n_reviewers=n_reviewers,
        total_demand=base.total_demand,
    )
    issues = _full_prechecks(problem, base, excluded_keys)
    candidates, locked_score = select_candidates(
        stream,
        per_paper=candidates_per_paper,
        per_reviewer=candidates_per_reviewer,
        locked_keys=locked_keys,
    )
    selected = time.perf_counter()
    search = ColumnGeneration(
        stream=stream,
        base=base,
        model=model,
        additions_per_paper=additions_per_paper,
        max_rounds=max_rounds,
    )
    outcome, residual, rounds, converged = search.run(
        candidates, exact=not any(issue.code in BLOCKING_CODES for issue in issues)
    )
    report = None
    if not outcome.feasible:
        report = explain_shortfall(
            problem, residual, chosen=outcome.chosen, known=issues, find_groups=False
        )
    finished = time.perf_counter()
    timings = {
        "candidate_selection": selected - started,
        "solves": sum(r.solve_seconds for r in rounds),
        "pricing": sum(r.pricing_seconds for r in rounds),
        "total": finished - started,
    }
    result = build_result(
        problem,
        residual,
        model,
        outcome,
        report=report,
        timings=timings,
        pricing=tuple(rounds),
        locked_score=locked_score,
        extra_stats={
            "rounds": len(rounds),
            "pairs_added": sum(r.added for r in rounds),
            "initial_candidates": rounds[0].candidates if rounds else 0,
            "pricing_converged": converged,
        },
    )
    return result if converged else replace(result, is_optimal=False)


@dataclass
class ColumnGeneration:
    """Alternate restricted solves and full pricing passes until nothing improves."""

    stream: BlockStream
    base: Residual
    model: CostModel
    additions_per_paper: int
    max_rounds: int

    def _penalty(self, costs: np.ndarray) -> int:
        return big_m(costs, self._n_nodes + self.base.total_demand)

    def run(
        self, candidates: Candidates, *, exact: bool
    ) -> tuple[FlowOutcome, Residual, list[PricingRound], bool]:
        """Returns the final outcome, its candidates, the rounds and whether pricing
        converged (``False`` only when ``max_rounds`` stopped it).

        Phases: "score" prices against the score network at fixed coverage
        targets, with big-M artificial arcs so that a thin candidate set is
        still feasible; pricing then brings in the pairs that make them
        unnecessary.  A solution still using them after pricing converged is
        not an assignment (the big-M was too small or the targets cannot be
        met).  In that case "cut" first adds
        pairs crossing the minimum cut of the coverage flow until the coverage
        is provably maximal over all pairs, then, only if some minimum loads
        stay unmet, "coverage" prices against the full lexicographic dual.
        """
        full_targets = (self.base.total_demand, self.base.total_min_load)
        self._n_nodes = self.base.n_papers + self.base.n_reviewers + 3
        targets = full_targets if exact else None
        phase = "score" if exact else "cut"
        use_penalty = True
        rounds: list[PricingRound] = []
        while True:
            residual = _restricted(self.base, candidates)
            costs = self.model.costs(residual.paper, residual.reviewer, residual.score)
            solve_started = time.perf_counter()
            if phase == "score":
                network = _network(
                    residual,
                    costs,
                    coverage=targets[0],
                    min_coverage=targets[1],
                    penalty=self._penalty(costs) if use_penalty else 0,
                )
                solution = solve_network(network)
                potentials = solution.potentials
            else:
                network, solution = best_coverage(residual, costs)
                potentials = solution.potentials
                if phase == "cut":
                    potentials = (~source_side(network, solution.flows)).astype(np.int64)
            chosen = solution.flows[: network.n_pairs] > 0
            solve_seconds = time.perf_counter() - solve_started
            if (
                len(rounds) >= self.max_rounds
                and phase == "score"
                and not solution.flows[network.artificial_arcs].any()
            ):
                outcome = FlowOutcome(network, solution, targets == full_targets, chosen)
                return outcome, residual, rounds, False
            pricing = Pricing(
                model=self.model,
                potentials=potentials,
                n_papers=self.base.n_papers,
                coverage_phase=phase != "score",
                per_paper=self.additions_per_paper,
            )
            keys, score = price_all_pairs(self.stream, pricing, candidates)
            rounds.append(
                PricingRound(
                    candidates=int(candidates.keys.size),
                    added=int(keys.size),
                    objective_scaled=int(self.model.scaled(residual.score[chosen]).sum()),
                    solve_seconds=solve_seconds,
                    pricing_seconds=time.perf_counter() - solve_started - solve_seconds,
                    phase=phase,
                )
            )
            if keys.size and len(rounds) < self.max_rounds:
                candidates = candidates.add(keys, score)
                continue
            if phase == "score" and solution.flows[network.artificial_arcs].any():
                phase = "cut"  # even all pairs cannot meet the targets
                continue
            if phase == "score":
                outcome = FlowOutcome(network, solution, targets == full_targets, chosen)
                return outcome, residual, rounds, keys.size == 0
            flows = solution.flows
            coverage = int(flows[network.source_arcs].sum())
            min_coverage = int(flows[network.min_arcs].sum())
            if phase == "cut" and min_coverage < self.base.total_min_load:
                phase = "coverage"
                continue
            # The candidates now reach these targets: no artificial arcs needed.
            targets, phase, use_penalty = (coverage, min_coverage), "score", False
