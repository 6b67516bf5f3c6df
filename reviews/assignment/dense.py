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
   paper and round, most negative first, plus a few nearly improving pairs,
   see ``NEAR_SLACK``) and step 2 is repeated.

Each pass costs about as much as producing the scores: blocks are small
enough to stay in cache, are produced and processed by ``workers`` threads,
and a pricing pass settles a paper with one row maximum of ``score +
reviewer price`` unless that maximum reaches the paper's threshold.

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

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from .diagnosis import explain_shortfall, prechecks_from_counts
from .network import INT64_BUDGET, solve_network, source_side
from .problem import (
    AssignmentProblem,
    Residual,
    pair_keys,
    prepare,
    sorted_contains,
    unique_keys,
)
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
T = TypeVar("T")
# About 2 million scores per block (8 MB in float32): a block and its temporaries
# stay in the last-level cache, which makes the passes over it several times
# faster than on blocks of tens of megabytes.
BLOCK_ELEMENTS = 1 << 21
EMPTY_KEYS = np.zeros(0, np.int64)
# While a pricing pass finds improving pairs, it also adds up to NEAR_PER_PAPER
# pairs per paper whose reduced cost is non-negative but below NEAR_SLACK (in
# score units): the next potentials shift a little, and these are the pairs
# that would turn improving and cost one more solve and pass.  On the
# NeurIPS-size benchmark this saves one or two rounds for ~10% more candidates.
NEAR_SLACK = 0.1
NEAR_PER_PAPER = 8


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
        return sorted_contains(self.keys, keys)


@dataclass(frozen=True, eq=False)
class Block:
    """Scores of papers ``start..start+rows-1`` against all reviewers, and the
    block-relative positions of its excluded pairs (conflicts, locked)."""

    start: int
    scores: np.ndarray
    excluded_rows: np.ndarray
    excluded_cols: np.ndarray

    def mask_excluded(self) -> None:
        self.scores[self.excluded_rows, self.excluded_cols] = -np.inf

    def paper_index(self, rows: np.ndarray) -> np.ndarray:
        return rows.astype(np.int64) + self.start


class BlockStream:
    """Blocks of consecutive papers, produced and processed by a pool of threads.

    ``map`` runs ``score_block`` and the per-block work in ``workers`` threads
    (numpy releases the GIL in its heavy loops, so two threads use two cores)
    and yields the results in block order, with at most ``2 * workers`` blocks
    in flight so that memory stays bounded.
    """

    def __init__(
        self,
        score_block: ScoreBlock,
        *,
        n_papers: int,
        n_reviewers: int,
        excluded_keys: np.ndarray,
        block_rows: int,
        workers: int = 1,
    ) -> None:
        self.score_block = score_block
        self.n_papers = n_papers
        self.n_reviewers = n_reviewers
        self.excluded_keys = excluded_keys
        self.block_rows = block_rows
        self.workers = max(1, int(workers))

    def starts(self) -> range:
        return range(0, self.n_papers, self.block_rows)

    def load(self, start: int) -> Block:
        stop = min(start + self.block_rows, self.n_papers)
        scores = np.asarray(self.score_block(start, stop))
        if scores.dtype not in (np.float32, np.float64):
            scores = scores.astype(np.float64)
        if scores.shape != (stop - start, self.n_reviewers):
            raise ValueError(
                f"score_block({start}, {stop}) returned shape {scores.shape}, "
                f"expected {(stop - start, self.n_reviewers)}"
            )
        if not scores.flags.writeable:
            scores = scores.copy()
        rows, cols = self.excluded_in(start, stop)
        return Block(start, scores, rows, cols)

    def excluded_in(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(
            self.excluded_keys, [start * self.n_reviewers, stop * self.n_reviewers]
        )
        keys = self.excluded_keys[lo:hi]
        return keys // self.n_reviewers - start, keys % self.n_reviewers

    def map(self, work: Callable[[Block], T]) -> Iterator[T]:
        if self.workers == 1:
            for start in self.starts():
                yield work(self.load(start))
            return
        with ThreadPoolExecutor(self.workers) as pool:
            pending: deque[Future] = deque()
            for start in self.starts():
                pending.append(pool.submit(lambda start=start: work(self.load(start))))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


class ReviewerTop:
    """Running best ``size`` papers of every reviewer across streamed blocks.

    Blocks only report the entries at or above the reviewer's current
    ``threshold`` (the ``size``-th best score seen so far, ``-inf`` until
    ``size`` were seen), so after the first blocks almost nothing passes and
    no per-column selection is needed.  The threshold only rises, so a worker
    reading a slightly stale one merely reports a few entries too many.
    """

    def __init__(self, n_reviewers: int, size: int) -> None:
        self.size = size
        self.n_reviewers = n_reviewers
        self.threshold = np.full(n_reviewers, -np.inf)
        self._paper: list[np.ndarray] = []
        self._reviewer: list[np.ndarray] = []
        self._score: list[np.ndarray] = []
        self._pooled = 0
        self._lock = threading.Lock()

    def entries(self, block: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(paper, reviewer, score) of the block entries that may enter a top list."""
        scores = block.scores
        threshold = self.threshold
        if scores.shape[0] > self.size and np.isneginf(threshold).any():
            kth = np.partition(scores, scores.shape[0] - self.size, axis=0)[-self.size]
            threshold = np.maximum(threshold, kth)
        rows, cols = np.nonzero(scores >= _rounded_down(threshold, scores.dtype))
        return block.paper_index(rows), cols.astype(np.int64), scores[rows, cols]

    def add(self, paper: np.ndarray, reviewer: np.ndarray, score: np.ndarray) -> None:
        with self._lock:
            self._paper.append(paper)
            self._reviewer.append(reviewer)
            self._score.append(score.astype(np.float64))
            self._pooled += paper.size
            if self._pooled > 2 * self.size * self.n_reviewers + 4096:
                self._compact()

    def _compact(self) -> None:
        paper = np.concatenate(self._paper)
        reviewer = np.concatenate(self._reviewer)
        score = np.concatenate(self._score)
        order = np.lexsort((paper, -score, reviewer))
        sorted_reviewer = reviewer[order]
        rank = np.arange(order.size) - np.searchsorted(sorted_reviewer, sorted_reviewer)
        keep = order[rank < self.size]
        self._paper, self._reviewer, self._score = [paper[keep]], [reviewer[keep]], [score[keep]]
        self._pooled = keep.size
        last = order[rank == self.size - 1]
        threshold = np.full(self.n_reviewers, -np.inf)
        threshold[reviewer[last]] = score[last]
        self.threshold = np.maximum(self.threshold, threshold)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        if self.size == 0 or not self._paper:
            return EMPTY_KEYS, np.zeros(0)
        self._compact()
        return pair_keys(self._paper[0], self._reviewer[0], self.n_reviewers), self._score[0]


def _rounded_down(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``values`` in ``dtype``, never rounded up (so ``>=`` tests keep a superset)."""
    converted = values.astype(dtype)
    too_big = converted > values
    converted[too_big] = np.nextafter(converted[too_big], dtype.type(-np.inf))
    return converted


@dataclass(frozen=True, eq=False)
class BlockSelection:
    keys: np.ndarray
    score: np.ndarray
    locked_keys: np.ndarray
    locked_score: np.ndarray


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

    def work(block: Block) -> BlockSelection:
        scores = block.scores
        if not np.isfinite(scores).all():
            raise ValueError(f"score block starting at paper {block.start} has non-finite scores")
        excluded = pair_keys(
            block.paper_index(block.excluded_rows), block.excluded_cols, n_reviewers
        )
        is_locked = sorted_contains(locked_keys, excluded)
        locked = (
            excluded[is_locked],
            scores[block.excluded_rows[is_locked], block.excluded_cols[is_locked]],
        )
        block.mask_excluded()
        keys, score = _paper_top(block, per_paper, n_reviewers)
        if reviewer_top.size:
            reviewer_top.add(*reviewer_top.entries(block))
        return BlockSelection(keys, score, *locked)

    keys, scores, locked_found, locked_found_score = [], [], [], []
    for selection in stream.map(work):
        keys.append(selection.keys)
        scores.append(selection.score)
        locked_found.append(selection.locked_keys)
        locked_found_score.append(selection.locked_score)
    locked_score = np.zeros(locked_keys.size)
    if locked_found:
        found = np.concatenate(locked_found)
        locked_score[np.searchsorted(locked_keys, found)] = np.concatenate(locked_found_score)
    top_keys, top_score = reviewer_top.pairs()
    finite = np.isfinite(top_score)
    keys.append(top_keys[finite])
    scores.append(top_score[finite])
    return Candidates.merge(np.concatenate(keys), np.concatenate(scores)), locked_score


def _paper_top(block: Block, per_paper: int, n_reviewers: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys and scores of the ``per_paper`` best (non-excluded) reviewers of each paper."""
    if not per_paper:
        return EMPTY_KEYS, np.zeros(0)
    scores = block.scores
    top = np.argpartition(scores, n_reviewers - per_paper, axis=1)[:, -per_paper:]
    top_score = np.take_along_axis(scores, top, axis=1)
    valid = np.isfinite(top_score)
    rows = np.broadcast_to(np.arange(scores.shape[0])[:, None], top.shape)[valid]
    keys = pair_keys(block.paper_index(rows), top[valid], n_reviewers)
    return keys, top_score[valid].astype(np.float64)


@dataclass(frozen=True, eq=False)
class Pricing:
    """Reduced-cost pricing of all pairs against the potentials of a restricted solve.

    Immutable and read-only during a pass, so blocks can be priced concurrently.
    """

    model: CostModel
    potentials: np.ndarray
    n_papers: int
    n_reviewers: int
    coverage_phase: bool
    per_paper: int
    candidates: Candidates
    slack: float = 0.0
    near_per_paper: int = 0

    def paper_potential(self) -> np.ndarray:
        return self.potentials[: self.n_papers]

    def reviewer_potential(self) -> np.ndarray:
        return self.potentials[self.n_papers : self.n_papers + self.n_reviewers]

    def thresholds(self, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        """``(a, b)`` in ``dtype`` such that every pair with a negative reduced
        cost has ``score + b[reviewer] > a[paper]``.

        cost < 0 needs ``K * round(s * scale) > pi_p - pi_r`` (the tie-break is
        non-negative), hence ``s + pi_r / (K * scale) > pi_p / (K * scale) -
        0.5 / scale``; the margin covers the rounding of the comparison in
        block precision, the exact integer test follows on the flagged pairs.
        """
        unit = float(self.model.multiplier) * self.model.scale
        paper = self.paper_potential() / unit - 0.5 / self.model.scale
        paper -= self.slack_cost() / unit
        reviewer = self.reviewer_potential() / unit
        precision = float(np.finfo(dtype).eps)
        margin = (
            8 * precision * (1 + np.abs(paper).max(initial=0) + np.abs(reviewer).max(initial=0))
        )
        return _rounded_down(paper - margin, np.dtype(dtype)), reviewer.astype(dtype)

    def price(self, block: Block, thresholds: tuple[np.ndarray, np.ndarray]) -> PricedBlock:
        """Improving pairs of one block (at most ``per_paper`` per paper)."""
        block.mask_excluded()
        if self.coverage_phase:
            rows, cols, truncated = self._flag_coverage(block)
        else:
            rows, cols, truncated = self._flag(block, *thresholds)
        found = self._improving(block, rows, cols)
        recheck = np.setdiff1d(truncated, found.papers - block.start, assume_unique=True)
        if recheck.size:
            rows, cols = np.nonzero(np.isfinite(block.scores[recheck]))
            found = found.join(self._improving(block, recheck[rows], cols))
        return found

    def _flag(
        self, block: Block, paper_threshold: np.ndarray, reviewer_threshold: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Superset of the block's pairs with a negative reduced cost.

        Rows whose best ``score + b`` stays below their threshold (nearly all
        once the potentials are close to optimal) are settled by one row
        maximum; only the others are searched.  In rows with very many flagged
        pairs only the largest few are kept, which is enough to add
        ``per_paper`` pairs; such rows are returned as truncated so that they
        are re-examined fully if their shortlist holds no improving pair (the
        convergence proof must see every pair).
        """
        scores = block.scores
        rows_in_block = slice(block.start, block.start + scores.shape[0])
        a = paper_threshold[rows_in_block]
        shifted = _scratch(scores.shape, scores.dtype)
        np.add(scores, reviewer_threshold, out=shifted)
        hot = np.flatnonzero(shifted.max(axis=1) > a)
        if hot.size == 0:
            return EMPTY_KEYS, EMPTY_KEYS, EMPTY_KEYS
        excess = shifted[hot]
        excess -= a[hot, None]
        positive = excess > 0
        counts = np.count_nonzero(positive, axis=1)
        limit = 4 * self.per_paper + 16
        crowded = counts > limit
        if not crowded.any() or limit >= scores.shape[1]:
            rows, cols = np.nonzero(positive)
            return hot[rows], cols, EMPTY_KEYS
        sparse_rows = np.flatnonzero(~crowded)
        rows, cols = np.nonzero(positive[sparse_rows])
        top = np.argpartition(excess[crowded], scores.shape[1] - limit, axis=1)[:, -limit:]
        truncated = hot[crowded]
        return (
            np.concatenate([hot[sparse_rows[rows]], np.repeat(truncated, limit)]),
            np.concatenate([cols, top.ravel()]),
            truncated,
        )

    def _flag_coverage(self, block: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pair costs are 0 here, so every pair with pi(p) < pi(r) improves the
        coverage; keep only the best-scoring ``per_paper`` of them per paper."""
        scores = block.scores
        pi_paper = self.paper_potential()[block.start : block.start + scores.shape[0]]
        useful = pi_paper[:, None] < self.reviewer_potential()[None, :]
        rows = np.flatnonzero(useful.any(axis=1))
        if rows.size == 0:
            return EMPTY_KEYS, EMPTY_KEYS, EMPTY_KEYS
        masked = np.where(useful[rows], scores[rows], -np.inf)
        keep = min(self.per_paper, scores.shape[1])
        truncated = rows[useful[rows].sum(axis=1) > keep]
        top = np.argpartition(masked, scores.shape[1] - keep, axis=1)[:, -keep:]
        valid = np.isfinite(np.take_along_axis(masked, top, axis=1))
        return np.broadcast_to(rows[:, None], top.shape)[valid], top[valid], truncated

    def _improving(self, block: Block, rows: np.ndarray, cols: np.ndarray) -> PricedBlock:
        """Exact integer check of flagged positions: the best ``per_paper``
        improving pairs per paper, and the best ``near_per_paper`` of those
        with a reduced cost in ``[0, slack)``."""
        score = block.scores[rows, cols].astype(np.float64)
        paper = block.paper_index(rows)
        reviewer = cols.astype(np.int64)
        keys = pair_keys(paper, reviewer, self.n_reviewers)
        keep = np.isfinite(score) & ~self.candidates.contains(keys)
        paper, reviewer, score, keys = paper[keep], reviewer[keep], score[keep], keys[keep]
        reduced = self.reduced_costs(paper, reviewer, score)
        negative = reduced < 0
        chosen = self.select(*(array[negative] for array in (paper, reviewer, score, reduced)))
        near = ~negative & (reduced < self.slack_cost())
        chosen_near = self.select(
            *(array[near] for array in (paper, reviewer, score, reduced)),
            per_paper=self.near_per_paper,
        )
        return PricedBlock(
            keys[negative][chosen],
            score[negative][chosen],
            unique_keys(paper[negative]),
            keys[near][chosen_near],
            score[near][chosen_near],
        )

    def slack_cost(self) -> int:
        """The slack in integer cost units (reduced costs are multiples of these)."""
        if self.coverage_phase or not self.near_per_paper:
            return 0
        return int(self.slack * self.model.scale * self.model.multiplier)

    def reduced_costs(self, paper: np.ndarray, reviewer: np.ndarray, score: np.ndarray):
        pi_paper = self.potentials[paper]
        pi_reviewer = self.potentials[self.n_papers + reviewer]
        cost = 0 if self.coverage_phase else self.model.costs(paper, reviewer, score)
        return cost + pi_paper - pi_reviewer

    def select(self, paper, reviewer, score, reduced, per_paper: int | None = None) -> np.ndarray:
        """At most ``per_paper`` pairs per paper: most negative reduced cost first
        (best score first in the coverage phase, where all are equally useful)."""
        primary = -score if self.coverage_phase else reduced
        order = np.lexsort((reviewer, primary, paper))
        sorted_paper = paper[order]
        first = np.searchsorted(sorted_paper, sorted_paper)
        rank = np.arange(sorted_paper.size) - first
        return order[rank < (self.per_paper if per_paper is None else per_paper)]


@dataclass(frozen=True, eq=False)
class PricedBlock:
    """Pairs found by pricing: improving ones (``keys``, ``score``), the papers
    that have any, and nearly improving ones (``near_*``, see ``Pricing.slack``)."""

    keys: np.ndarray
    score: np.ndarray
    papers: np.ndarray
    near_keys: np.ndarray
    near_score: np.ndarray

    def join(self, other: PricedBlock) -> PricedBlock:
        return PricedBlock(
            *(
                np.concatenate([getattr(self, name), getattr(other, name)])
                for name in ("keys", "score", "papers", "near_keys", "near_score")
            )
        )


_thread_scratch = threading.local()


def _scratch(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A per-thread reusable work array: a fresh multi-megabyte allocation per
    block would cost page faults on every pass."""
    size = int(np.prod(shape))
    buffer = getattr(_thread_scratch, "buffer", None)
    if buffer is None or buffer.dtype != dtype or buffer.size < size:
        buffer = np.empty(size, dtype=dtype)
        _thread_scratch.buffer = buffer
    return buffer[:size].reshape(shape)


def price_all_pairs(stream: BlockStream, pricing: Pricing) -> PricedBlock:
    """Stream every pair; the improving (and nearly improving) pairs to add."""
    thresholds: dict[np.dtype, tuple[np.ndarray, np.ndarray]] = {}
    lock = threading.Lock()

    def work(block: Block) -> PricedBlock:
        dtype = block.scores.dtype
        with lock:
            if dtype not in thresholds:
                thresholds[dtype] = pricing.thresholds(dtype)
        return pricing.price(block, thresholds[dtype])

    found = PricedBlock(EMPTY_KEYS, np.zeros(0), EMPTY_KEYS, EMPTY_KEYS, np.zeros(0))
    for block in stream.map(work):
        found = found.join(block)
    return found


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
    workers: int = 1,
) -> AssignmentResult:
    """Optimal assignment when every pair is scored, with a global optimality proof.

    ``score_block(start, stop)`` must return the scores of papers
    ``start..stop-1`` against all reviewers as a ``(stop - start, n_reviewers)``
    float32/float64 array, the same values on every call; the solver may write
    into the returned array.  ``conflicts`` and ``locked`` are (paper, reviewer)
    index arrays.  ``result.pricing`` lists the rounds.

    ``workers > 1`` produces and prices blocks in that many threads; then
    ``score_block`` is called concurrently and must be thread-safe.
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
    excluded_keys = unique_keys(
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
        workers=workers,
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
    near_slack: float = NEAR_SLACK
    near_per_paper: int = NEAR_PER_PAPER

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
                n_reviewers=self.base.n_reviewers,
                coverage_phase=phase != "score",
                per_paper=self.additions_per_paper,
                candidates=candidates,
                slack=self.near_slack,
                near_per_paper=self.near_per_paper,
            )
            found = price_all_pairs(self.stream, pricing)
            keys = found.keys
            if keys.size:
                keys = np.concatenate([keys, found.near_keys])
                score = np.concatenate([found.score, found.near_score])
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
