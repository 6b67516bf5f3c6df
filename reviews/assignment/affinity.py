"""Combine assignment signals into one score per (paper, reviewer) pair.

``score = w_bid * bid + w_topic * topic + w_text * text + w_imported * imported``

* **bid** – the reviewer's bid, mapped by :data:`BID_VALUES`: eager 1,
  willing 0.5, neutral (or no bid) 0, not willing -1.  Not-willing pairs stay
  candidates with a penalty; conflicts are handled separately.
* **topic** – overlap of the paper's topics with the reviewer's expertise
  topics, both given as sparse 0/1 incidence matrices (Jaccard by default).
* **text** – TF-IDF cosine similarity of the paper's title and abstract with
  the reviewer's own abstracts (sublinear tf, English stop words, fitted on
  the given texts only, nothing downloaded), computed by chunks of papers,
  keeping the ``top_n`` most similar reviewers per paper.
* **imported** – any external affinity, e.g. OpenReview/TPMS scores.

Every signal is sparse: a pair absent from a signal contributes 0, and the
candidate pairs are the union of the pairs that appear in any signal.  The
per-signal values are kept so the interface can say *why* a pair scored what
it did (:meth:`Affinity.explain`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .problem import AssignmentProblem, is_sorted, pair_keys, unique_keys

BID_VALUES = {"eager": 1.0, "willing": 0.5, "neutral": 0.0, "not_willing": -1.0}
SIGNALS = ("bid", "topic", "text", "imported")


@dataclass(frozen=True, eq=False)
class SparsePairs:
    """Values of one signal on some pairs."""

    paper: np.ndarray
    reviewer: np.ndarray
    value: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "paper", np.asarray(self.paper, dtype=np.int32).reshape(-1))
        object.__setattr__(self, "reviewer", np.asarray(self.reviewer, dtype=np.int32).reshape(-1))
        object.__setattr__(self, "value", np.asarray(self.value, dtype=np.float64).reshape(-1))
        if not self.paper.size == self.reviewer.size == self.value.size:
            raise ValueError("paper, reviewer and value must have the same length")


@dataclass(frozen=True)
class SignalWeights:
    bid: float = 1.0
    topic: float = 0.5
    text: float = 1.0
    imported: float = 1.0

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in SIGNALS], dtype=np.float64)


def bid_values(bids: Sequence[str]) -> np.ndarray:
    """Map bid labels (eager, willing, neutral, not_willing) to numbers."""
    try:
        return np.array([BID_VALUES[bid.strip().lower().replace(" ", "_")] for bid in bids])
    except KeyError as error:
        raise ValueError(
            f"unknown bid {error.args[0]!r}; expected one of {list(BID_VALUES)}"
        ) from None


def topic_overlap(
    paper_topics: sp.spmatrix, reviewer_topics: sp.spmatrix, *, method: str = "jaccard"
) -> SparsePairs:
    """Overlap of topic sets for every pair sharing at least one topic.

    ``method="jaccard"``: |P ∩ R| / |P ∪ R|.  ``method="paper"``: |P ∩ R| / |P|,
    the share of the paper's topics the reviewer covers.
    """
    papers = sp.csr_matrix(paper_topics, dtype=np.float64)
    reviewers = sp.csr_matrix(reviewer_topics, dtype=np.float64)
    papers.data[:] = 1.0
    reviewers.data[:] = 1.0
    shared = (papers @ reviewers.T).tocoo()
    paper_sizes = np.asarray(papers.sum(axis=1)).ravel()
    reviewer_sizes = np.asarray(reviewers.sum(axis=1)).ravel()
    if method == "jaccard":
        union = paper_sizes[shared.row] + reviewer_sizes[shared.col] - shared.data
        value = shared.data / union
    elif method == "paper":
        value = shared.data / paper_sizes[shared.row]
    else:
        raise ValueError("method must be 'jaccard' or 'paper'")
    return SparsePairs(shared.row, shared.col, value)


def _joined(texts: Sequence[str] | Sequence[Sequence[str]]) -> list[str]:
    return [text if isinstance(text, str) else "\n".join(text) for text in texts]


def text_affinity(
    paper_texts: Sequence[str],
    reviewer_texts: Sequence[str] | Sequence[Sequence[str]],
    *,
    top_n: int = 50,
    chunk_size: int = 1000,
    min_similarity: float = 0.0,
    max_df: float = 0.5,
) -> SparsePairs:
    """TF-IDF cosine similarity, the ``top_n`` most similar reviewers per paper.

    ``paper_texts`` are title + abstract; each reviewer text is their expertise
    (a string or a list of their abstracts).  Terms in more than ``max_df`` of
    the documents carry little signal and are dropped.  Similarities are
    computed for ``chunk_size`` papers at a time, so memory stays at one
    chunk x reviewers block plus the sparse TF-IDF matrices.
    """
    reviewer_texts = _joined(reviewer_texts)
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", max_df=max_df, dtype=np.float32
    )
    vectorizer.fit(list(paper_texts) + reviewer_texts)
    papers = vectorizer.transform(paper_texts).tocsr()
    reviewers_t = vectorizer.transform(reviewer_texts).T.tocsr()
    n_reviewers = reviewers_t.shape[1]
    keep = min(top_n, n_reviewers)
    rows, cols, values = [], [], []
    for start in range(0, papers.shape[0], chunk_size):
        block = (papers[start : start + chunk_size] @ reviewers_t).toarray()
        if keep < n_reviewers:
            top = np.argpartition(block, n_reviewers - keep, axis=1)[:, -keep:]
        else:
            top = np.broadcast_to(np.arange(n_reviewers), block.shape)
        similarity = np.take_along_axis(block, top, axis=1)
        mask = similarity > min_similarity
        rows.append(np.nonzero(mask)[0] + start)
        cols.append(top[mask])
        values.append(similarity[mask])
    if not rows:
        return SparsePairs(np.zeros(0), np.zeros(0), np.zeros(0))
    return SparsePairs(np.concatenate(rows), np.concatenate(cols), np.concatenate(values))


@dataclass(frozen=True, eq=False)
class Affinity:
    """Candidate pairs, sorted by (paper, reviewer), with per-signal values."""

    n_papers: int
    n_reviewers: int
    paper: np.ndarray
    reviewer: np.ndarray
    signals: np.ndarray  # (pairs, 4) raw values in SIGNALS order
    weights: SignalWeights

    @property
    def score(self) -> np.ndarray:
        return self.signals @ self.weights.vector()

    def not_willing_mask(self) -> np.ndarray:
        return self.signals[:, 0] == BID_VALUES["not_willing"]

    def index_of(self, paper: int, reviewer: int) -> int | None:
        keys = pair_keys(self.paper, self.reviewer, self.n_reviewers)
        wanted = paper * self.n_reviewers + reviewer
        position = int(np.searchsorted(keys, wanted))
        return position if position < keys.size and keys[position] == wanted else None

    def explain(self, paper: int, reviewer: int) -> dict:
        """Contribution of each signal to the pair's score, largest first."""
        index = self.index_of(paper, reviewer)
        values = self.signals[index] if index is not None else np.zeros(len(SIGNALS))
        weights = self.weights.vector()
        parts = [
            {
                "signal": name,
                "value": float(value),
                "weight": float(weight),
                "contribution": float(value * weight),
            }
            for name, value, weight in zip(SIGNALS, values, weights, strict=True)
        ]
        parts.sort(key=lambda part: -abs(part["contribution"]))
        return {
            "paper": paper,
            "reviewer": reviewer,
            "candidate": index is not None,
            "score": float(values @ weights),
            "contributions": parts,
        }

    def to_problem(
        self,
        *,
        demand: int | np.ndarray,
        min_load: int | np.ndarray,
        max_load: int | np.ndarray,
        **kwargs,
    ) -> AssignmentProblem:
        return AssignmentProblem(
            n_papers=self.n_papers,
            n_reviewers=self.n_reviewers,
            pair_paper=self.paper,
            pair_reviewer=self.reviewer,
            pair_score=self.score,
            demand=demand,
            min_load=min_load,
            max_load=max_load,
            **kwargs,
        )


def combine_signals(
    *,
    n_papers: int,
    n_reviewers: int,
    bid: SparsePairs | None = None,
    topic: SparsePairs | None = None,
    text: SparsePairs | None = None,
    imported: SparsePairs | None = None,
    weights: SignalWeights | None = None,
) -> Affinity:
    """Union of the pairs of all signals, each signal aligned on it (0 if absent)."""
    given = {"bid": bid, "topic": topic, "text": text, "imported": imported}
    keyed = {
        name: _sorted_signal(name, pairs, n_papers, n_reviewers)
        for name, pairs in given.items()
        if pairs is not None
    }
    all_keys = unique_keys(
        np.concatenate([keys for keys, _ in keyed.values()] or [np.zeros(0, np.int64)])
    )
    signals = np.zeros((all_keys.size, len(SIGNALS)))
    for name, (keys, values) in keyed.items():
        signals[np.searchsorted(all_keys, keys), SIGNALS.index(name)] = values
    return Affinity(
        n_papers=n_papers,
        n_reviewers=n_reviewers,
        paper=(all_keys // n_reviewers).astype(np.int32),
        reviewer=(all_keys % n_reviewers).astype(np.int32),
        signals=signals,
        weights=weights or SignalWeights(),
    )


def _sorted_signal(
    name: str, pairs: SparsePairs, n_papers: int, n_reviewers: int
) -> tuple[np.ndarray, np.ndarray]:
    """The signal's pair keys in ascending order with their values, after validation.

    Sorting each signal once makes the duplicate check a linear scan and lets the
    alignment on the union use cache-friendly binary searches on sorted keys.
    """
    if pairs.paper.size and (pairs.paper.max() >= n_papers or pairs.reviewer.max() >= n_reviewers):
        raise ValueError(f"{name} signal refers to an unknown paper or reviewer")
    keys = pair_keys(pairs.paper, pairs.reviewer, n_reviewers)
    values = pairs.value
    if not is_sorted(keys):
        order = np.argsort(keys)
        keys, values = keys[order], values[order]
    if np.any(keys[1:] == keys[:-1]):
        raise ValueError(f"{name} signal lists a pair twice")
    return keys, values
