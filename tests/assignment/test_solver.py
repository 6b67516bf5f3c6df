import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from reviews.assignment import AssignmentProblem, quality_summary, solve, solve_dense
from reviews.assignment.dense import BlockStream, select_candidates


def problem_from_matrix(scores, *, demand=1, min_load=0, max_load=1, **kwargs):
    """Every finite entry of ``scores`` is a candidate; NaN means not a candidate."""
    scores = np.asarray(scores, dtype=float)
    paper, reviewer = np.nonzero(np.isfinite(scores))
    return AssignmentProblem(
        n_papers=scores.shape[0],
        n_reviewers=scores.shape[1],
        pair_paper=paper,
        pair_reviewer=reviewer,
        pair_score=scores[paper, reviewer],
        demand=demand,
        min_load=min_load,
        max_load=max_load,
        **kwargs,
    )


def assigned_set(result):
    return set(zip(result.paper.tolist(), result.reviewer.tolist(), strict=True))


def random_problem(seed, n_papers=30, n_reviewers=20, density=0.5, with_min=True):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_papers, n_reviewers)) < density
    paper, reviewer = np.nonzero(mask)
    demand = rng.integers(1, 4, n_papers)
    max_load = rng.integers(2, 7, n_reviewers)
    min_load = np.minimum(rng.integers(0, 2, n_reviewers), max_load) if with_min else 0
    return AssignmentProblem(
        n_papers=n_papers,
        n_reviewers=n_reviewers,
        pair_paper=paper,
        pair_reviewer=reviewer,
        # Multiples of 1/1000 are exact at the default scale, so the integer
        # optimum and the LP optimum coincide exactly.
        pair_score=rng.integers(-200, 1000, paper.size) / 1000,
        demand=demand,
        min_load=min_load,
        max_load=max_load,
    )


def linprog_optimum(problem):
    """Independent LP optimum; the assignment LP is totally unimodular."""
    n = problem.n_pairs
    columns = np.arange(n)
    paper_rows = sp.csr_matrix(
        (np.ones(n), (problem.pair_paper, columns)), shape=(problem.n_papers, n)
    )
    reviewer_rows = sp.csr_matrix(
        (np.ones(n), (problem.pair_reviewer, columns)), shape=(problem.n_reviewers, n)
    )
    outcome = linprog(
        -problem.pair_score,
        A_ub=sp.vstack([reviewer_rows, -reviewer_rows]),
        b_ub=np.concatenate([problem.max_load, -problem.min_load]),
        A_eq=paper_rows,
        b_eq=problem.demand,
        bounds=(0, 1),
        method="highs",
    )
    return outcome.status, -outcome.fun if outcome.status == 0 else None


def check_constraints(problem, result):
    pairs = set(zip(problem.pair_paper.tolist(), problem.pair_reviewer.tolist(), strict=True))
    conflicts = set(
        zip(problem.conflict_paper.tolist(), problem.conflict_reviewer.tolist(), strict=True)
    )
    for pair in assigned_set(result):
        assert pair in pairs
        assert pair not in conflicts
    assert np.all(result.reviewer_load <= problem.max_load)
    if result.is_feasible:
        assert np.all(result.reviewer_load >= problem.min_load)
        assert np.array_equal(result.paper_load, problem.demand)


def test_known_optimum_beats_greedy():
    # Greedy would take (0, 0)=10 then be forced into (1, 1)=1: total 11.
    # The optimum pairs (0, 1) and (1, 0): 9 + 8 = 17.
    problem = problem_from_matrix([[10, 9], [8, 1]])
    result = solve(problem)
    assert assigned_set(result) == {(0, 1), (1, 0)}
    assert result.objective == pytest.approx(17)
    assert result.is_optimal and result.is_feasible
    assert result.dual_bound_scaled == result.objective_scaled == 170_000


def test_minimum_load_is_enforced_exactly():
    # Reviewer 0 is best for both papers; reviewer 1 must still review one.
    problem = problem_from_matrix([[1.0, 0.5], [0.9, 0.1]], max_load=2, min_load=np.array([0, 1]))
    result = solve(problem)
    assert assigned_set(result) == {(0, 1), (1, 0)}
    assert result.objective == pytest.approx(1.4)
    unconstrained = solve(problem_from_matrix([[1.0, 0.5], [0.9, 0.1]], max_load=2))
    assert assigned_set(unconstrained) == {(0, 0), (1, 0)}


def test_explicit_conflicts_are_never_assigned():
    scores = np.array([[5.0, 1, 1], [5.0, 1, 1], [1, 5.0, 1]])
    problem = problem_from_matrix(
        scores,
        max_load=2,
        conflict_paper=np.array([0, 1, 2]),
        conflict_reviewer=np.array([0, 0, 1]),
    )
    result = solve(problem)
    assert not {(0, 0), (1, 0), (2, 1)} & assigned_set(result)
    check_constraints(problem, result)


@pytest.mark.parametrize("seed", range(12))
def test_matches_independent_linprog_optimum(seed):
    problem = random_problem(seed)
    status, optimum = linprog_optimum(problem)
    result = solve(problem)
    check_constraints(problem, result)
    if status == 0:
        assert result.is_feasible and result.is_optimal
        assert result.objective == pytest.approx(optimum, abs=1e-6)
        assert result.dual_bound == pytest.approx(optimum, abs=1e-6)
    else:
        assert not result.is_feasible
        assert result.infeasibility.issues


def test_random_instances_include_feasible_cases():
    feasible = [linprog_optimum(random_problem(seed))[0] == 0 for seed in range(12)]
    assert sum(feasible) >= 6


def test_dual_bound_equals_objective_with_float_scores():
    rng = np.random.default_rng(5)
    problem = problem_from_matrix(rng.random((40, 25)), demand=3, max_load=6, min_load=2)
    result = solve(problem)
    assert result.is_optimal
    assert result.dual_bound_scaled == result.objective_scaled
    assert result.stats["min_reduced_cost"] >= 0
    status, optimum = linprog_optimum(problem)
    assert status == 0
    assert result.objective <= optimum + 1e-9
    assert optimum <= result.dual_bound + result.scaling_tolerance


def test_same_input_gives_identical_output():
    problem = random_problem(3, n_papers=60, n_reviewers=30)
    first, second = solve(problem), solve(problem)
    assert np.array_equal(first.paper, second.paper)
    assert np.array_equal(first.reviewer, second.reviewer)
    assert first.objective == second.objective


def test_input_order_does_not_matter_with_ties():
    # Bids only: heavily tied scores.
    rng = np.random.default_rng(11)
    scores = rng.choice([1.0, 0.5, 0.0], size=(50, 20))
    base = problem_from_matrix(scores, demand=2, max_load=6)
    permutation = rng.permutation(base.n_pairs)
    shuffled = AssignmentProblem(
        n_papers=base.n_papers,
        n_reviewers=base.n_reviewers,
        pair_paper=base.pair_paper[permutation],
        pair_reviewer=base.pair_reviewer[permutation],
        pair_score=base.pair_score[permutation],
        demand=base.demand,
        min_load=base.min_load,
        max_load=base.max_load,
    )
    assert assigned_set(solve(base)) == assigned_set(solve(shuffled))


def test_tie_break_prefers_next_reviewers_cyclically():
    # Equal scores: paper 2 prefers reviewer 2, then 3, then 0, then 1.
    scores = np.full((3, 4), np.nan)
    scores[2] = 0.5
    problem = problem_from_matrix(scores, demand=np.array([0, 0, 2]))
    assert assigned_set(solve(problem)) == {(2, 2), (2, 3)}
    conflicted = problem_from_matrix(
        scores,
        demand=np.array([0, 0, 2]),
        conflict_paper=np.array([2]),
        conflict_reviewer=np.array([3]),
    )
    assert assigned_set(solve(conflicted)) == {(2, 2), (2, 0)}


def test_tie_break_never_overrides_a_score_difference():
    scores = np.full((3, 4), np.nan)
    scores[2] = [0.5, 0.5, 0.5, 0.5 + 1e-4]  # one integer unit at the default scale
    problem = problem_from_matrix(scores, demand=np.array([0, 0, 1]))
    assert assigned_set(solve(problem)) == {(2, 3)}


def test_paper_with_too_few_candidates_is_reported_and_rest_solved():
    scores = np.array([[0.9, 0.8, np.nan], [0.7, 0.6, 0.5], [0.4, 0.3, 0.2]])
    problem = problem_from_matrix(
        scores,
        demand=np.array([3, 1, 1]),
        max_load=3,
        paper_labels=("P12", "P13", "P14"),
    )
    result = solve(problem)
    assert not result.is_feasible
    report = result.infeasibility
    assert (
        "paper P12 has only 2 non-conflicted candidate reviewers with free capacity, needs 3"
        in (report.messages())
    )
    assert report.short_papers.tolist() == [0]
    assert report.paper_shortfall.tolist() == [1]
    assert {(0, 0), (0, 1)} <= assigned_set(result)
    assert result.paper_load.tolist() == [2, 1, 1]
    assert result.is_optimal


def test_capacity_shortfall_maximises_coverage_then_score():
    rng = np.random.default_rng(2)
    problem = problem_from_matrix(rng.random((4, 2)), demand=1, max_load=1)
    result = solve(problem)
    assert "sum of max loads 2 < demand 4" in result.infeasibility.messages()
    assert result.n_assigned == 2
    best = max(
        problem.pair_score[i] + problem.pair_score[j]
        for i in range(problem.n_pairs)
        for j in range(problem.n_pairs)
        if problem.pair_paper[i] != problem.pair_paper[j]
        and problem.pair_reviewer[i] != problem.pair_reviewer[j]
    )
    assert result.objective == pytest.approx(best)
    assert result.is_optimal


def test_coverage_comes_before_score():
    # Taking the 10-point pair (0, 0) would leave paper 1 without a reviewer.
    problem = problem_from_matrix([[10.0, 1.0], [1.0, np.nan]])
    result = solve(problem)
    assert result.is_feasible
    assert assigned_set(result) == {(0, 1), (1, 0)}
    capped = problem_from_matrix([[10.0, 1.0], [1.0, np.nan], [1.0, np.nan]])
    partial = solve(capped)
    assert partial.n_assigned == 2
    assert partial.infeasibility.covered == 2


def test_minimum_loads_exceeding_demand_are_reported():
    problem = problem_from_matrix(np.ones((2, 3)), min_load=1, max_load=2)
    result = solve(problem)
    assert not result.is_feasible
    messages = result.infeasibility.messages()
    assert "sum of min loads 3 exceeds demand 2: not every reviewer can reach the minimum" in (
        messages
    )
    assert result.n_assigned == 2
    assert result.infeasibility.min_load_met == 2
    assert len(result.infeasibility.reviewers_below_min) == 1


def test_competing_papers_are_grouped_with_the_reason():
    # Papers 0-2 each need 2 reviewers but only reviewers 0-2 (one slot each)
    # are candidates: 6 needed, 3 slots. Paper 3 is fine.
    scores = np.full((4, 5), np.nan)
    scores[:3, :3] = 1.0
    scores[3, 3:] = 1.0
    problem = problem_from_matrix(scores, demand=np.array([2, 2, 2, 2]), max_load=1)
    result = solve(problem)
    report = result.infeasibility
    groups = [issue for issue in report.issues if issue.code == "reviewer_pool_exhausted"]
    assert len(groups) == 1
    assert groups[0].papers == (0, 1, 2)
    assert groups[0].reviewers == (0, 1, 2)
    assert (groups[0].needed, groups[0].available) == (6, 3)
    assert report.covered == 5
    assert result.paper_load[3] == 2
    undercovered = {
        issue.papers[0] for issue in report.issues if issue.code == "paper_undercovered"
    }
    assert undercovered == set(report.short_papers.tolist())


def test_locked_assignments_are_kept_and_counted():
    scores = np.array([[0.9, 0.8, 0.1], [0.9, 0.8, 0.7]])
    problem = problem_from_matrix(
        scores,
        demand=2,
        max_load=np.array([1, 2, 2]),
        locked_paper=np.array([0]),
        locked_reviewer=np.array([2]),
    )
    result = solve(problem)
    # Paper 0 already has reviewer 2: one more slot to fill.  Reviewer 0 has
    # one slot: best use is paper 0 or 1 (same score), the rest goes to 1.
    paper, reviewer, _, locked = result.all_pairs()
    assert (0, 2) in set(zip(paper[locked].tolist(), reviewer[locked].tolist(), strict=True))
    assert (0, 2) not in assigned_set(result)
    assert result.paper_load.tolist() == [2, 2]
    assert np.all(result.reviewer_load <= problem.max_load)
    assert result.objective == pytest.approx(0.1 + 0.9 + 0.8 + 0.8)


def test_locked_pair_already_filling_demand_needs_nothing_new():
    problem = problem_from_matrix(
        [[0.1, 0.9]], demand=1, locked_paper=np.array([0]), locked_reviewer=np.array([0])
    )
    result = solve(problem)
    assert result.n_assigned == 0
    assert result.is_feasible
    assert result.objective == pytest.approx(0.1)


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError, match="unique"):
        AssignmentProblem(
            n_papers=1,
            n_reviewers=1,
            pair_paper=[0, 0],
            pair_reviewer=[0, 0],
            pair_score=[1.0, 2.0],
            demand=1,
            min_load=0,
            max_load=1,
        )
    with pytest.raises(ValueError, match="min_load"):
        problem_from_matrix([[1.0]], min_load=2, max_load=1)
    with pytest.raises(ValueError, match="finite"):
        AssignmentProblem(
            n_papers=1,
            n_reviewers=1,
            pair_paper=[0],
            pair_reviewer=[0],
            pair_score=[np.inf],
            demand=1,
            min_load=0,
            max_load=1,
        )


def test_huge_scores_are_refused_instead_of_overflowing():
    problem = problem_from_matrix([[1e15, 1.0]])
    with pytest.raises(OverflowError):
        solve(problem)


def test_quality_summary():
    scores = np.array([[0.9, 0.2], [0.3, 0.8]])
    problem = problem_from_matrix(scores, max_load=1)
    result = solve(problem)
    not_willing = problem.pair_score < 0.5
    summary = quality_summary(problem, result, bid_not_willing_mask=not_willing)
    assert summary["total_affinity"] == pytest.approx(1.7)
    assert summary["mean_affinity"] == pytest.approx(0.85)
    assert summary["worst_served_paper"]["paper"] == 1
    assert summary["not_willing_pairs"] == 0
    assert summary["reviewers_at_max_load"] == 2
    forced = solve(problem_from_matrix(np.array([[0.9, np.nan], [0.3, np.nan]]), max_load=2))
    assert (
        quality_summary(
            problem_from_matrix(np.array([[0.9, np.nan], [0.3, np.nan]]), max_load=2),
            forced,
            bid_not_willing_mask=np.array([False, True]),
        )["not_willing_pairs"]
        == 1
    )


def dense_instance(seed, n_papers=300, n_reviewers=200):
    rng = np.random.default_rng(seed)
    topics_p = rng.dirichlet(np.full(8, 0.3), n_papers)
    topics_r = rng.dirichlet(np.full(8, 0.3), n_reviewers)
    scores = topics_p @ topics_r.T + 0.05 * rng.standard_normal((n_papers, n_reviewers))
    scores = scores.astype(np.float32)
    conflicts = np.nonzero(rng.random((n_papers, n_reviewers)) < 0.01)
    return scores, conflicts


def full_problem(scores, conflicts, **kwargs):
    mask = np.ones(scores.shape, dtype=bool)
    mask[conflicts] = False
    paper, reviewer = np.nonzero(mask)
    return AssignmentProblem(
        n_papers=scores.shape[0],
        n_reviewers=scores.shape[1],
        pair_paper=paper,
        pair_reviewer=reviewer,
        pair_score=scores[paper, reviewer].astype(np.float64),
        **kwargs,
    )


@pytest.mark.parametrize(("seed", "workers"), [(0, 1), (1, 1), (0, 2)])
def test_dense_pricing_matches_full_solve(seed, workers):
    scores, conflicts = dense_instance(seed)
    loads = {"demand": 3, "min_load": 2, "max_load": 6}
    full = solve(full_problem(scores, conflicts, **loads))
    dense = solve_dense(
        n_papers=scores.shape[0],
        n_reviewers=scores.shape[1],
        score_block=lambda start, stop: scores[start:stop].copy(),
        conflicts=conflicts,
        candidates_per_paper=5,
        candidates_per_reviewer=3,
        block_rows=64 if workers == 1 else 16,
        workers=workers,
        **loads,
    )
    assert full.is_optimal and dense.is_optimal
    assert dense.objective_scaled == full.objective_scaled
    assert dense.objective == pytest.approx(full.objective, abs=1e-9)
    assert dense.stats["pricing_converged"]
    assert dense.pricing[-1].added == 0
    assert not set(zip(*conflicts, strict=True)) & assigned_set(dense)


def test_dense_pricing_adds_pairs_the_initial_candidates_miss():
    # Everybody's favourite reviewer 0 can only take one paper: with one
    # candidate per paper the restricted problem is infeasible, and pricing
    # must bring in the second-best reviewers.
    scores = np.tile(np.array([1.0, 0.5, 0.4, 0.3], dtype=np.float32), (4, 1))
    scores += np.arange(4, dtype=np.float32)[:, None] * 0.01
    dense = solve_dense(
        n_papers=4,
        n_reviewers=4,
        score_block=lambda start, stop: scores[start:stop].copy(),
        demand=1,
        min_load=0,
        max_load=1,
        candidates_per_paper=1,
        candidates_per_reviewer=0,
        block_rows=2,
    )
    full = solve(
        full_problem(scores, (np.zeros(0, int), np.zeros(0, int)), demand=1, min_load=0, max_load=1)
    )
    assert dense.stats["pairs_added"] > 0
    assert dense.stats["initial_candidates"] == 4
    assert dense.is_optimal and dense.is_feasible
    assert dense.objective_scaled == full.objective_scaled


def test_dense_with_locked_pairs_and_infeasible_capacity():
    scores, conflicts = dense_instance(3, n_papers=60, n_reviewers=20)
    locked = (np.array([0, 1]), np.array([5, 6]))
    loads = {"demand": 3, "min_load": 0, "max_load": 8}
    full = solve(
        full_problem(scores, conflicts, locked_paper=locked[0], locked_reviewer=locked[1], **loads)
    )
    dense = solve_dense(
        n_papers=60,
        n_reviewers=20,
        score_block=lambda start, stop: scores[start:stop].copy(),
        conflicts=conflicts,
        locked=locked,
        candidates_per_paper=2,
        candidates_per_reviewer=2,
        block_rows=16,
        **loads,
    )
    # 60 papers x 3 = 180 slots but 20 reviewers x 8 = 160.
    assert not dense.is_feasible and not full.is_feasible
    assert dense.infeasibility.covered == full.infeasibility.covered == 160 - 2
    assert dense.objective == pytest.approx(full.objective, abs=1e-9)
    assert dense.is_optimal
    assert "sum of max loads 158 < demand 178 (after locked assignments)" in (
        dense.infeasibility.messages()
    )


def test_dense_hall_bottleneck_falls_back_to_best_coverage():
    # Papers 0-2 need 6 reviewers from reviewers 0-2, who have 3 slots; the
    # counting prechecks pass, so only pricing can establish the best coverage.
    scores = np.random.default_rng(4).random((4, 5)).astype(np.float32)
    conflicts = (np.repeat([0, 1, 2], 2), np.tile([3, 4], 3))
    loads = {"demand": 2, "min_load": 0, "max_load": np.array([1, 1, 1, 3, 3])}
    full = solve(full_problem(scores, conflicts, **loads))
    dense = solve_dense(
        n_papers=4,
        n_reviewers=5,
        score_block=lambda start, stop: scores[start:stop].copy(),
        conflicts=conflicts,
        candidates_per_paper=1,
        candidates_per_reviewer=0,
        **loads,
    )
    assert not dense.is_feasible and not full.is_feasible
    assert dense.infeasibility.covered == full.infeasibility.covered == 5
    assert dense.objective == pytest.approx(full.objective, abs=1e-6)
    assert dense.is_optimal
    assert {r.phase for r in dense.pricing} >= {"score", "cut"}


def test_dense_first_pass_keeps_the_best_of_every_paper_and_reviewer():
    scores, conflicts = dense_instance(5, n_papers=90, n_reviewers=40)
    excluded = np.sort(conflicts[0].astype(np.int64) * 40 + conflicts[1])
    stream = BlockStream(
        lambda start, stop: scores[start:stop].copy(),
        n_papers=90,
        n_reviewers=40,
        excluded_keys=excluded,
        block_rows=7,
        workers=2,
    )
    candidates, _ = select_candidates(
        stream, per_paper=4, per_reviewer=6, locked_keys=np.zeros(0, np.int64)
    )
    masked = scores.astype(np.float64)
    masked[conflicts] = -np.inf
    expected = set()
    for paper in range(90):
        expected |= {(paper, int(r)) for r in np.argsort(-masked[paper], kind="stable")[:4]}
    for reviewer in range(40):
        expected |= {
            (int(p), reviewer) for p in np.argsort(-masked[:, reviewer], kind="stable")[:6]
        }
    found = set(zip((candidates.keys // 40).tolist(), (candidates.keys % 40).tolist(), strict=True))
    assert found == expected
    paper, reviewer = candidates.keys // 40, candidates.keys % 40
    assert np.array_equal(candidates.score, masked[paper, reviewer])
