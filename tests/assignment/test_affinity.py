import numpy as np
import pytest
import scipy.sparse as sp

from reviews.assignment import solve
from reviews.assignment.affinity import (
    BID_VALUES,
    SIGNALS,
    SignalWeights,
    SparsePairs,
    bid_values,
    combine_signals,
    text_affinity,
    topic_overlap,
)


def test_bid_values_are_ordered():
    values = bid_values(["eager", "willing", "neutral", "not willing"])
    assert values.tolist() == [1.0, 0.5, 0.0, -1.0]
    assert np.all(np.diff(values) < 0)
    with pytest.raises(ValueError, match="unknown bid"):
        bid_values(["maybe"])


def test_topic_overlap_jaccard_and_paper_coverage():
    papers = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 0, 1, 0]]))
    reviewers = sp.csr_matrix(np.array([[1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 1]]))
    jaccard = topic_overlap(papers, reviewers)
    found = {
        (p, r): v
        for p, r, v in zip(
            jaccard.paper.tolist(), jaccard.reviewer.tolist(), jaccard.value, strict=True
        )
    }
    assert found == {(0, 0): 0.5, (0, 1): pytest.approx(2 / 3), (1, 1): pytest.approx(1 / 3)}
    coverage = topic_overlap(papers, reviewers, method="paper")
    found = {
        (p, r): v
        for p, r, v in zip(
            coverage.paper.tolist(), coverage.reviewer.tolist(), coverage.value, strict=True
        )
    }
    assert found == {(0, 0): 0.5, (0, 1): 1.0, (1, 1): 1.0}


def test_text_affinity_finds_matching_expertise():
    papers = [
        "Graph neural networks for molecule property prediction",
        "Convex optimization with interior point methods and duality",
        "Speech recognition using transformers on raw audio",
    ]
    reviewers = [
        ["Interior point methods for convex programs", "Lagrangian duality in optimization"],
        ["Message passing graph neural networks", "Predicting molecule properties"],
        ["Audio transformers for automatic speech recognition"],
        ["Medieval history of trade routes"],
    ]
    pairs = text_affinity(papers, reviewers, top_n=2, chunk_size=2)
    best = {}
    for paper, reviewer, value in zip(pairs.paper, pairs.reviewer, pairs.value, strict=True):
        if value > best.get(paper, (None, -1))[1]:
            best[paper] = (reviewer, value)
    assert {paper: reviewer for paper, (reviewer, _) in best.items()} == {0: 1, 1: 0, 2: 2}
    assert np.all(pairs.value <= 1 + 1e-6)
    assert np.bincount(pairs.paper).max() <= 2
    assert 3 not in pairs.reviewer[pairs.value > 0]


def test_text_affinity_is_chunk_independent():
    rng = np.random.default_rng(0)
    words = [f"term{i}" for i in range(60)]
    papers = [" ".join(rng.choice(words, 12)) for _ in range(25)]
    reviewers = [" ".join(rng.choice(words, 30)) for _ in range(9)]
    one = text_affinity(papers, reviewers, top_n=4, chunk_size=25)
    many = text_affinity(papers, reviewers, top_n=4, chunk_size=3)
    assert sorted(zip(one.paper, one.reviewer, strict=True)) == sorted(
        zip(many.paper, many.reviewer, strict=True)
    )


def test_combined_score_and_explanation():
    affinity = combine_signals(
        n_papers=2,
        n_reviewers=3,
        bid=SparsePairs([0, 1], [0, 2], bid_values(["eager", "not_willing"])),
        topic=SparsePairs([0], [1], [0.5]),
        text=SparsePairs([0, 1], [0, 1], [0.2, 0.4]),
        imported=SparsePairs([1], [2], [0.9]),
        weights=SignalWeights(bid=1.0, topic=2.0, text=0.5, imported=1.0),
    )
    pairs = list(zip(affinity.paper.tolist(), affinity.reviewer.tolist(), strict=True))
    assert pairs == [(0, 0), (0, 1), (1, 1), (1, 2)]
    assert affinity.score.tolist() == pytest.approx([1.1, 1.0, 0.2, -0.1])
    explanation = affinity.explain(1, 2)
    assert explanation["score"] == pytest.approx(-0.1)
    contributions = {part["signal"]: part["contribution"] for part in explanation["contributions"]}
    assert contributions == pytest.approx({"bid": -1.0, "imported": 0.9, "topic": 0, "text": 0})
    assert explanation["contributions"][0]["signal"] == "bid"
    assert affinity.explain(1, 0)["candidate"] is False
    assert affinity.not_willing_mask().tolist() == [False, False, False, True]
    assert BID_VALUES["not_willing"] == -1.0


def test_affinity_feeds_the_solver():
    affinity = combine_signals(
        n_papers=2,
        n_reviewers=2,
        bid=SparsePairs([0, 0, 1, 1], [0, 1, 0, 1], bid_values(["eager", "willing"] * 2)),
        text=SparsePairs([1], [1], [0.8]),
    )
    result = solve(affinity.to_problem(demand=1, min_load=0, max_load=1))
    assert set(zip(result.paper.tolist(), result.reviewer.tolist(), strict=True)) == {
        (0, 0),
        (1, 1),
    }


def test_signal_with_duplicate_pair_is_rejected():
    with pytest.raises(ValueError, match="twice"):
        combine_signals(n_papers=1, n_reviewers=1, bid=SparsePairs([0, 0], [0, 0], [1, 1]))


def test_combined_signals_match_a_pair_by_pair_reference():
    # Unsorted, overlapping signals of different sizes (one empty, one sorted):
    # every pair of the union appears once, in key order, with each signal's
    # own value or 0.
    rng = np.random.default_rng(7)
    n_papers, n_reviewers = 40, 30
    given = {}
    for name, count in (("bid", 300), ("topic", 0), ("text", 500), ("imported", 200)):
        keys = rng.choice(n_papers * n_reviewers, size=count, replace=False)
        if name == "imported":
            keys = np.sort(keys)
        given[name] = SparsePairs(keys // n_reviewers, keys % n_reviewers, rng.random(count))
    affinity = combine_signals(n_papers=n_papers, n_reviewers=n_reviewers, **given)
    expected = {}
    for column, name in enumerate(SIGNALS):
        pairs = given[name]
        for paper, reviewer, value in zip(
            pairs.paper.tolist(), pairs.reviewer.tolist(), pairs.value.tolist(), strict=True
        ):
            expected.setdefault((paper, reviewer), [0.0] * len(SIGNALS))[column] = value
    pairs = list(zip(affinity.paper.tolist(), affinity.reviewer.tolist(), strict=True))
    assert pairs == sorted(expected)
    assert affinity.signals.tolist() == [expected[pair] for pair in pairs]


def test_unsorted_signal_with_duplicate_pair_is_rejected():
    with pytest.raises(ValueError, match="text signal lists a pair twice"):
        combine_signals(
            n_papers=3, n_reviewers=3, text=SparsePairs([2, 0, 1, 0], [1, 2, 0, 2], [1, 2, 3, 4])
        )
