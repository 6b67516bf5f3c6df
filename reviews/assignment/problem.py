"""Input of the reviewer-assignment solver: plain numpy arrays, no database objects.

A problem lists the *candidate* (paper, reviewer) pairs with their score.  A pair
that is absent can never be assigned, which is how conflicts of interest are
usually expressed; explicit conflict pairs are accepted as well and removed from
the candidates.  Locked (already made) assignments are kept as they are: they
count toward the paper's demand and the reviewer's load, so a re-run only fills
the gaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

INDEX_DTYPE = np.int32


def _empty_index() -> np.ndarray:
    return np.zeros(0, dtype=INDEX_DTYPE)


def _per_entity(name: str, values: int | np.ndarray, size: int) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 0:
        array = np.full(size, int(array), dtype=np.int64)
    if array.shape != (size,):
        raise ValueError(f"{name} must be a scalar or have shape ({size},), got {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        if not np.all(np.equal(np.mod(array, 1), 0)):
            raise ValueError(f"{name} must contain integers")
    array = array.astype(np.int64)
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must be non-negative")
    return array


def _indices(name: str, values: Sequence[int] | np.ndarray, upper: int) -> np.ndarray:
    array = np.asarray(values)
    if array.size == 0:
        return _empty_index()
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-d integer array")
    if array.min() < 0 or array.max() >= upper:
        raise ValueError(f"{name} contains an index outside [0, {upper})")
    return array.astype(INDEX_DTYPE)


def pair_keys(paper: np.ndarray, reviewer: np.ndarray, n_reviewers: int) -> np.ndarray:
    """Encode pairs as one sortable int64 key, ``paper * n_reviewers + reviewer``."""
    return paper.astype(np.int64) * n_reviewers + reviewer.astype(np.int64)


def is_sorted(keys: np.ndarray) -> bool:
    return bool(np.all(keys[1:] >= keys[:-1]))


def unique_keys(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct int64 keys.

    Sort-based on purpose: ``np.unique`` (hash-based in numpy 2.x) is over ten
    times slower than a sort on millions of pair keys.
    """
    keys = np.asarray(keys, dtype=np.int64)
    if not is_sorted(keys):
        keys = np.sort(keys)
    if keys.size == 0:
        return keys
    return keys[np.r_[True, keys[1:] != keys[:-1]]]


def sorted_contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` occurs in ``sorted_keys`` (ascending).

    A binary search replaces ``np.isin``, which sorts or hashes both sides on
    every call; it is fastest when ``keys`` are sorted too (cache-friendly).
    """
    keys = np.asarray(keys)
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    position = np.searchsorted(sorted_keys, keys)
    np.minimum(position, sorted_keys.size - 1, out=position)
    return sorted_keys[position] == keys


def has_duplicates(keys: np.ndarray) -> bool:
    """Whether a key occurs twice; linear time when the keys are already sorted."""
    ordered = keys if is_sorted(keys) else np.sort(keys)
    return bool(np.any(ordered[1:] == ordered[:-1]))


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """A reviewer-assignment instance.

    ``demand`` is the total number of reviewers each paper needs (locked ones
    included) and ``min_load``/``max_load`` are total reviewer loads (locked ones
    included); scalars are broadcast.  ``pair_*`` are the candidate pairs, each
    pair at most once.  ``conflict_*`` pairs are removed from the candidates;
    ``locked_*`` pairs are kept and never re-proposed.  Optional labels are only
    used to make infeasibility messages readable.
    """

    n_papers: int
    n_reviewers: int
    pair_paper: np.ndarray
    pair_reviewer: np.ndarray
    pair_score: np.ndarray
    demand: np.ndarray
    min_load: np.ndarray
    max_load: np.ndarray
    locked_paper: np.ndarray = field(default_factory=_empty_index)
    locked_reviewer: np.ndarray = field(default_factory=_empty_index)
    conflict_paper: np.ndarray = field(default_factory=_empty_index)
    conflict_reviewer: np.ndarray = field(default_factory=_empty_index)
    paper_labels: tuple[str, ...] | None = None
    reviewer_labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        n_papers, n_reviewers = int(self.n_papers), int(self.n_reviewers)
        if n_papers < 0 or n_reviewers < 0:
            raise ValueError("n_papers and n_reviewers must be non-negative")
        normalised = {
            "n_papers": n_papers,
            "n_reviewers": n_reviewers,
            "pair_paper": _indices("pair_paper", self.pair_paper, n_papers),
            "pair_reviewer": _indices("pair_reviewer", self.pair_reviewer, n_reviewers),
            "pair_score": np.asarray(self.pair_score, dtype=np.float64).reshape(-1),
            "demand": _per_entity("demand", self.demand, n_papers),
            "min_load": _per_entity("min_load", self.min_load, n_reviewers),
            "max_load": _per_entity("max_load", self.max_load, n_reviewers),
            "locked_paper": _indices("locked_paper", self.locked_paper, n_papers),
            "locked_reviewer": _indices("locked_reviewer", self.locked_reviewer, n_reviewers),
            "conflict_paper": _indices("conflict_paper", self.conflict_paper, n_papers),
            "conflict_reviewer": _indices("conflict_reviewer", self.conflict_reviewer, n_reviewers),
        }
        for name, value in normalised.items():
            object.__setattr__(self, name, value)
        self._check_lengths()
        if np.any(self.min_load > self.max_load):
            raise ValueError("min_load must not exceed max_load")
        if not np.all(np.isfinite(self.pair_score)):
            raise ValueError("pair_score must be finite")
        if has_duplicates(pair_keys(self.pair_paper, self.pair_reviewer, n_reviewers)):
            raise ValueError("candidate pairs must be unique")
        if has_duplicates(pair_keys(self.locked_paper, self.locked_reviewer, n_reviewers)):
            raise ValueError("locked pairs must be unique")
        for labels, size, name in (
            (self.paper_labels, n_papers, "paper_labels"),
            (self.reviewer_labels, n_reviewers, "reviewer_labels"),
        ):
            if labels is not None:
                object.__setattr__(self, name, tuple(str(label) for label in labels))
                if len(getattr(self, name)) != size:
                    raise ValueError(f"{name} must have one label per entity")

    def _check_lengths(self) -> None:
        groups = (
            ("pair", self.pair_paper, self.pair_reviewer, self.pair_score),
            ("locked", self.locked_paper, self.locked_reviewer),
            ("conflict", self.conflict_paper, self.conflict_reviewer),
        )
        for name, *arrays in groups:
            if len({array.shape[0] for array in arrays}) != 1:
                raise ValueError(f"{name} arrays must have the same length")

    @property
    def n_pairs(self) -> int:
        return int(self.pair_paper.shape[0])

    def paper_label(self, paper: int) -> str:
        return self.paper_labels[paper] if self.paper_labels else f"#{paper}"

    def reviewer_label(self, reviewer: int) -> str:
        return self.reviewer_labels[reviewer] if self.reviewer_labels else f"#{reviewer}"


@dataclass(frozen=True, eq=False)
class Residual:
    """What is left to decide once locked pairs are accounted for.

    Candidates are conflict-free, exclude locked pairs, and are sorted by
    (paper, reviewer): this canonical order makes the solve independent of the
    order in which the caller listed the pairs.
    """

    n_papers: int
    n_reviewers: int
    paper: np.ndarray
    reviewer: np.ndarray
    score: np.ndarray
    demand: np.ndarray
    min_load: np.ndarray
    max_load: np.ndarray
    locked_paper_count: np.ndarray
    locked_reviewer_count: np.ndarray

    @property
    def total_demand(self) -> int:
        return int(self.demand.sum())

    @property
    def total_min_load(self) -> int:
        return int(self.min_load.sum())

    @property
    def total_max_load(self) -> int:
        return int(self.max_load.sum())


def reduce_by_locked(
    *,
    n_papers: int,
    n_reviewers: int,
    demand: np.ndarray,
    min_load: np.ndarray,
    max_load: np.ndarray,
    locked_paper: np.ndarray,
    locked_reviewer: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Subtract locked pairs from demands and loads (never below zero)."""
    paper_count = np.bincount(locked_paper, minlength=n_papers).astype(np.int64)
    reviewer_count = np.bincount(locked_reviewer, minlength=n_reviewers).astype(np.int64)
    return (
        np.maximum(demand - paper_count, 0),
        np.maximum(min_load - reviewer_count, 0),
        np.maximum(max_load - reviewer_count, 0),
        paper_count,
        reviewer_count,
    )


def prepare(problem: AssignmentProblem) -> Residual:
    """Drop conflicted and locked candidates, reduce demands/loads, sort pairs."""
    n_reviewers = problem.n_reviewers
    keys = pair_keys(problem.pair_paper, problem.pair_reviewer, n_reviewers)
    excluded = np.concatenate(
        [
            pair_keys(problem.conflict_paper, problem.conflict_reviewer, n_reviewers),
            pair_keys(problem.locked_paper, problem.locked_reviewer, n_reviewers),
        ]
    )
    paper, reviewer, score = problem.pair_paper, problem.pair_reviewer, problem.pair_score
    if excluded.size and keys.size:
        keep = ~sorted_contains(unique_keys(excluded), keys)
        keys, paper, reviewer, score = keys[keep], paper[keep], reviewer[keep], score[keep]
    if not is_sorted(keys):
        order = np.argsort(keys, kind="stable")
        paper, reviewer, score = paper[order], reviewer[order], score[order]
    demand, min_load, max_load, paper_count, reviewer_count = reduce_by_locked(
        n_papers=problem.n_papers,
        n_reviewers=n_reviewers,
        demand=problem.demand,
        min_load=problem.min_load,
        max_load=problem.max_load,
        locked_paper=problem.locked_paper,
        locked_reviewer=problem.locked_reviewer,
    )
    return Residual(
        n_papers=problem.n_papers,
        n_reviewers=n_reviewers,
        paper=paper,
        reviewer=reviewer,
        score=score,
        demand=demand,
        min_load=min_load,
        max_load=max_load,
        locked_paper_count=paper_count,
        locked_reviewer_count=reviewer_count,
    )
