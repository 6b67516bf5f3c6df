"""Steps 2-3: candidate pairs, their weighted signals, and the solver's problem."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .loading import Inputs, _unique
from .params import (
    ALL_PAIRS_LIMIT,
    BLOCK_ROWS,
    MIN_CANDIDATES_FACTOR,
    SIGNALS,
    TOP_MATCHES_PER_PAPER,
    RunParams,
    fair_share,
)

# ---------------------------------------------------------------------------------------------
# 2. Scoring


@dataclass(eq=False)
class Candidates:
    """Candidate pairs sorted by key, with each signal's weighted contribution."""

    paper: np.ndarray
    reviewer: np.ndarray
    components: dict[str, np.ndarray]  # weighted contribution per signal
    bid_code: np.ndarray  # -1 where no bid
    score: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.paper.size)


def _lookup(keys: np.ndarray, source_keys: np.ndarray, values: np.ndarray, default=0.0):
    """Values of ``source_keys`` (unsorted, unique) at ``keys``; ``default`` where absent."""
    out = np.full(keys.size, default, dtype=np.asarray(values).dtype if values.size else float)
    if source_keys.size == 0 or keys.size == 0:
        return out
    order = np.argsort(source_keys, kind="stable")
    sorted_keys = source_keys[order]
    pos = np.clip(np.searchsorted(sorted_keys, keys), 0, sorted_keys.size - 1)
    found = sorted_keys[pos] == keys
    out[found] = values[order][pos[found]]
    return out


def _top_per_paper(pairs, k: int):
    """Keep each paper's ``k`` highest-valued pairs of a ``SparsePairs``."""
    from reviews.assignment.affinity import SparsePairs

    if pairs.paper.size == 0:
        return pairs
    order = np.lexsort((-pairs.value, pairs.paper))
    paper = pairs.paper[order]
    starts = np.searchsorted(paper, paper, side="left")
    keep = np.arange(paper.size) - starts < k
    chosen = order[keep]
    return SparsePairs(pairs.paper[chosen], pairs.reviewer[chosen], pairs.value[chosen])


def signal_pairs(inputs: Inputs, *, params: RunParams, all_pairs: bool) -> dict:
    """Each signal's values as the solver's ``affinity.SparsePairs`` (absent pair: 0).

    Bid values, topic overlap (share of the paper's topics the reviewer chose) and TF-IDF text
    affinity come from ``reviews.assignment.affinity``; imported scores are used as given.
    Unless every pair is a candidate (``all_pairs``), topic and text keep each paper's best
    ``TOP_MATCHES_PER_PAPER`` reviewers, computed by blocks of papers so memory stays bounded.
    """
    from reviews.assignment import affinity

    n_r = max(inputs.n_reviewers, 1)
    weights = params.weights
    out = {
        "bid": affinity.SparsePairs(
            inputs.bid_keys // n_r, inputs.bid_keys % n_r, inputs.bid_value
        ),
        "imported": affinity.SparsePairs(
            inputs.imported_keys // n_r, inputs.imported_keys % n_r, inputs.imported_value
        ),
    }
    per_paper = inputs.n_reviewers if all_pairs else TOP_MATCHES_PER_PAPER
    if weights.get("topic") and inputs.paper_topics.nnz and inputs.reviewer_topics.nnz:
        blocks = []
        for start in range(0, inputs.n_papers, BLOCK_ROWS):
            block = affinity.topic_overlap(
                inputs.paper_topics[start : start + BLOCK_ROWS],
                inputs.reviewer_topics,
                method="paper",
            )
            block = _top_per_paper(block, per_paper)
            blocks.append((block.paper.astype(np.int64) + start, block.reviewer, block.value))
        out["topic"] = affinity.SparsePairs(
            *(np.concatenate(parts) for parts in zip(*blocks, strict=True))
        )
    if weights.get("text") and any(text.strip() for text in inputs.reviewer_texts):
        try:
            out["text"] = affinity.text_affinity(
                inputs.paper_texts,
                inputs.reviewer_texts,
                top_n=per_paper,
                max_df=1.0 if inputs.n_papers + inputs.n_reviewers < 50 else 0.5,
            )
        except ValueError:  # nothing but stop words
            pass
    return out


def score_candidates(inputs: Inputs, *, params: RunParams, max_load: np.ndarray) -> Candidates:
    """Candidate pairs and their weighted signals (see the module docstring)."""
    started = time.perf_counter()
    n_p, n_r = inputs.n_papers, inputs.n_reviewers
    all_pairs = n_p * n_r <= ALL_PAIRS_LIMIT
    signals = signal_pairs(inputs, params=params, all_pairs=all_pairs)
    signal_keys = {
        name: inputs.keys(pairs.paper, pairs.reviewer) for name, pairs in signals.items()
    }
    if all_pairs:
        keys = np.arange(n_p * n_r, dtype=np.int64)
    else:
        keys = _unique(np.concatenate(list(signal_keys.values())))
        keys = _with_fillers(inputs, keys, params)
    # Locked pairs stay candidates (the solver keeps them and reports their score).
    locked_keys = inputs.keys(inputs.locked_paper, inputs.locked_reviewer)
    keys = _unique(np.concatenate([keys, locked_keys]))
    paper, reviewer = np.divmod(keys, max(n_r, 1))
    # Exclusions: conflicts and the like, reviewers with no room left (unless locked).
    drop = np.isin(keys, inputs.excluded_keys)
    drop |= (max_load[reviewer] <= _locked_load(inputs)[reviewer]) & ~np.isin(keys, locked_keys)
    keys, paper, reviewer = keys[~drop], paper[~drop], reviewer[~drop]

    components = {
        name: float(params.weights.get(name, 0.0))
        * _lookup(keys, signal_keys[name], signals[name].value)
        if name in signals
        else np.zeros(keys.size)
        for name in SIGNALS
    }
    bid_code = _lookup(keys, inputs.bid_keys, inputs.bid_code.astype(np.int64), default=-1)
    score = sum(components[name] for name in SIGNALS)
    return Candidates(
        paper=paper.astype(np.int64),
        reviewer=reviewer.astype(np.int64),
        components=components,
        bid_code=bid_code.astype(np.int64),
        score=np.asarray(score, dtype=np.float64),
        timings={"score": time.perf_counter() - started},
    )


def _locked_load(inputs: Inputs) -> np.ndarray:
    return np.bincount(inputs.locked_reviewer, minlength=inputs.n_reviewers)


def _with_fillers(inputs: Inputs, keys: np.ndarray, params: RunParams) -> np.ndarray:
    """Give papers with too few candidates some zero-score ones (large venues only).

    Fillers are spread cyclically over the committee so that no reviewer is everyone's filler.
    """
    n_p, n_r = inputs.n_papers, inputs.n_reviewers
    if n_r == 0:
        return keys
    wanted = min(MIN_CANDIDATES_FACTOR * params.reviewers_per_paper, n_r)
    counts = np.bincount(keys // n_r, minlength=n_p)
    short = np.flatnonzero(counts < wanted)
    if short.size == 0:
        return keys
    offsets = np.arange(2 * wanted, dtype=np.int64)
    papers = np.repeat(short, offsets.size)
    reviewers = (papers * 7919 + np.tile(offsets, short.size)) % n_r
    return _unique(np.concatenate([keys, inputs.keys(papers, reviewers)]))


# ---------------------------------------------------------------------------------------------
# 3. Problem


def load_limits(inputs: Inputs, params: RunParams) -> tuple[np.ndarray, np.ndarray]:
    """Minimum and maximum total load per reviewer (profiles override the run's defaults)."""
    n_r = inputs.n_reviewers
    default_max = params.max_load
    if default_max is None:
        default_max = fair_share(
            inputs.n_papers, int(inputs.on_committee.sum()), params.reviewers_per_paper
        )
    min_load = np.full(n_r, max(params.min_load, 0), np.int64)
    max_load = np.full(n_r, max(default_max, 0), np.int64)
    if params.use_profile_loads:
        min_load = np.where(inputs.profile_min >= 0, inputs.profile_min, min_load)
        max_load = np.where(inputs.profile_max >= 0, inputs.profile_max, max_load)
    # Former members keep what they have and get nothing new.
    locked = _locked_load(inputs)
    min_load = np.where(inputs.on_committee, min_load, 0)
    max_load = np.where(inputs.on_committee, max_load, locked)
    return np.minimum(min_load, max_load), max_load


def build_problem(
    inputs: Inputs,
    candidates: Candidates,
    *,
    params: RunParams,
    min_load: np.ndarray,
    max_load: np.ndarray,
):
    from reviews.assignment.problem import AssignmentProblem

    return AssignmentProblem(
        n_papers=inputs.n_papers,
        n_reviewers=inputs.n_reviewers,
        pair_paper=candidates.paper,
        pair_reviewer=candidates.reviewer,
        pair_score=candidates.score,
        demand=np.full(inputs.n_papers, params.reviewers_per_paper, np.int64),
        min_load=min_load,
        max_load=max_load,
        locked_paper=inputs.locked_paper,
        locked_reviewer=inputs.locked_reviewer,
        paper_labels=tuple(f"#{n}" for n in inputs.paper_numbers),
        reviewer_labels=tuple(inputs.reviewer_names),
    )


def solve_problem(problem):
    """The solver's exact min-cost-flow solve (an adapter: one place to follow its API)."""
    from reviews.assignment.solver import solve

    return solve(problem)


def quality_of(problem, result, *, not_willing_mask) -> dict:
    try:
        from reviews.assignment.quality import quality_summary
    except ImportError:  # pragma: no cover - the solver package is always there in practice
        return {}
    return quality_summary(problem, result, bid_not_willing_mask=not_willing_mask)
