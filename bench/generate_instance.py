"""Synthetic reviewer-assignment instances with realistic structure.

Papers and reviewers get Dirichlet topic mixtures; the affinity of a pair is
the dot product of their mixtures (rescaled to roughly [0, 1]) plus Gaussian
noise.  Defaults follow a typical conference: 3 reviewers per paper, at most 6
papers per reviewer, 1% random conflicts.

Scores are produced on the fly: ``TopicInstance.score_block(start, stop)``
returns the dense block of papers ``start..stop-1``.  Drawing 442 million
fresh Gaussians per pass would dominate the benchmark, so the noise of paper
``p`` is a window of a fixed table of 2**25 seeded Gaussians starting at a
pseudo-random offset derived from ``p`` (marginally Gaussian, deterministic,
independent of how the rows are blocked).  Sparse instances keep the ``m`` best-scoring
non-conflicted reviewers per paper.

Usage::

    python bench/generate_instance.py --papers 200 --reviewers 100 \
        --candidates 50 --out /tmp/instance
"""

from __future__ import annotations

import argparse
import csv
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

NEURIPS_2025 = (21_575, 20_518)
NOISE_TABLE_SIZE = 1 << 25
_TABLE_LOCK = threading.Lock()


@dataclass
class TopicInstance:
    n_papers: int
    n_reviewers: int
    n_topics: int = 40
    concentration: float = 0.1
    noise: float = 0.05
    conflict_rate: float = 0.01
    demand: int = 3
    max_load: int = 6
    min_load: int = 0
    seed: int = 0
    paper_topics: np.ndarray = field(init=False, repr=False)
    reviewer_topics: np.ndarray = field(init=False, repr=False)
    _table: np.ndarray | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        rng = np.random.default_rng([self.seed, 0])
        alpha = np.full(self.n_topics, self.concentration)
        self.paper_topics = rng.dirichlet(alpha, self.n_papers).astype(np.float32)
        self.reviewer_topics = rng.dirichlet(alpha, self.n_reviewers).astype(np.float32)
        # Rescale so that a perfect topic match scores about 1.
        self._gain = np.float32(1.0 / np.sqrt(np.mean(np.sum(self.paper_topics**2, axis=1))))
        self._gain *= np.float32(1.0 / np.sqrt(np.mean(np.sum(self.reviewer_topics**2, axis=1))))

    def score_block(self, start: int, stop: int) -> np.ndarray:
        """Dense float32 scores of papers start..stop-1 against all reviewers.

        Thread-safe (the noise table is built once, under a lock), so blocks
        can be produced concurrently.
        """
        block = self.paper_topics[start:stop] @ self.reviewer_topics.T
        block *= self._gain
        if self.noise:
            table = self._noise_table()
            offsets = (np.arange(start, stop, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(
                NOISE_TABLE_SIZE
            )
            for row, offset in enumerate(offsets.astype(np.int64)):
                block[row] += table[offset : offset + self.n_reviewers]
        return block

    def _noise_table(self) -> np.ndarray:
        with _TABLE_LOCK:
            if self._table is None:
                rng = np.random.default_rng([self.seed, 1])
                size = NOISE_TABLE_SIZE + self.n_reviewers
                self._table = self.noise * rng.standard_normal(size, dtype=np.float32)
        return self._table

    def conflicts(self) -> tuple[np.ndarray, np.ndarray]:
        """About ``conflict_rate`` of all pairs, uniformly at random, sorted."""
        rng = np.random.default_rng([self.seed, 2])
        total = self.n_papers * self.n_reviewers
        count = int(round(total * self.conflict_rate))
        # Sort-based dedup: numpy's hash-based np.unique is slow on millions of keys.
        keys = np.sort(rng.integers(0, total, size=count, dtype=np.int64))
        keys = keys[np.diff(keys, prepend=-1) != 0]
        return (keys // self.n_reviewers).astype(np.int32), (keys % self.n_reviewers).astype(
            np.int32
        )

    def sparse_candidates(
        self, per_paper: int, *, block_rows: int = 512
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``per_paper`` best non-conflicted reviewers of every paper, sorted."""
        conflict_paper, conflict_reviewer = self.conflicts()
        papers, reviewers, scores = [], [], []
        for start in range(0, self.n_papers, block_rows):
            stop = min(start + block_rows, self.n_papers)
            block = self.score_block(start, stop)
            lo, hi = np.searchsorted(conflict_paper, [start, stop])
            block[conflict_paper[lo:hi] - start, conflict_reviewer[lo:hi]] = -np.inf
            top = np.argpartition(block, self.n_reviewers - per_paper, axis=1)[:, -per_paper:]
            top.sort(axis=1)
            papers.append(np.repeat(np.arange(start, stop, dtype=np.int32), per_paper))
            reviewers.append(top.ravel().astype(np.int32))
            scores.append(np.take_along_axis(block, top, axis=1).ravel().astype(np.float64))
        return np.concatenate(papers), np.concatenate(reviewers), np.concatenate(scores)


def write_csvs(instance: TopicInstance, per_paper: int, out: Path) -> None:
    """Scores, conflicts and loads CSVs in the format read by reviews.assignment.csvio."""
    out.mkdir(parents=True, exist_ok=True)
    paper, reviewer, score = instance.sparse_candidates(per_paper)
    emails = [f"reviewer{r}@example.org" for r in range(instance.n_reviewers)]
    with open(out / "scores.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["paper", "reviewer", "score"])
        for p, r, s in zip(paper, reviewer, score, strict=True):
            writer.writerow([f"P{p}", emails[r], f"{s:.6f}"])
    conflict_paper, conflict_reviewer = instance.conflicts()
    with open(out / "conflicts.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["paper", "reviewer"])
        for p, r in zip(conflict_paper, conflict_reviewer, strict=True):
            writer.writerow([f"P{p}", emails[r]])
    with open(out / "loads.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reviewer", "min_load", "max_load"])
        for email in emails:
            writer.writerow([email, instance.min_load, instance.max_load])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--reviewers", type=int, default=100)
    parser.add_argument("--candidates", type=int, default=50, help="candidates per paper")
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    instance = TopicInstance(args.papers, args.reviewers, n_topics=args.topics, seed=args.seed)
    write_csvs(instance, args.candidates, args.out)
    print(f"wrote {args.out}/scores.csv, conflicts.csv, loads.csv")


if __name__ == "__main__":
    main()
