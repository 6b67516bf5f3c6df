"""Benchmarks of the reviewer-assignment solver (results in docs/benchmarks.md).

Cases, each run in its own child process so that its peak RSS is its own:

* ``sparse``: 10,000 papers x 7,000 reviewers, 200 candidates per paper
  (2 million pairs): ``reviews.assignment.solve`` against a plain vectorised
  OR-tools ``SimpleMinCostFlow`` on the same pairs, side by side;
* ``dense``: 21,575 x 20,518 with every pair scored (NeurIPS 2025 size, 442
  million pairs generated block by block): ``solve_dense`` with pricing;
* ``text``: TF-IDF text affinity at the same size on synthetic abstracts.

Usage::

    python bench/assignment_bench.py                 # all cases, full size
    python bench/assignment_bench.py --case dense --papers 5000 --reviewers 4755
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from generate_instance import NEURIPS_2025, TopicInstance  # noqa: E402
from ortools.graph.python import min_cost_flow  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from reviews.assignment import AssignmentProblem, solve, solve_dense  # noqa: E402
from reviews.assignment.affinity import text_affinity  # noqa: E402


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def plain_ortools(paper, reviewer, score, *, n_papers, n_reviewers, demand, max_load, scale):
    """The textbook vectorised build: papers supply k, reviewers drain to a sink."""
    started = time.perf_counter()
    solver = min_cost_flow.SimpleMinCostFlow()
    sink = n_papers + n_reviewers
    tails = np.concatenate([paper, np.arange(n_reviewers) + n_papers]).astype(np.int64)
    heads = np.concatenate([reviewer + n_papers, np.full(n_reviewers, sink)]).astype(np.int64)
    capacities = np.concatenate([np.ones(paper.size), np.full(n_reviewers, max_load)])
    costs = np.concatenate([-np.rint(score * scale), np.zeros(n_reviewers)])
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        tails, heads, capacities.astype(np.int64), costs.astype(np.int64)
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_papers], supplies[sink] = demand, -demand * n_papers
    solver.set_nodes_supplies(np.arange(sink + 1), supplies)
    status = solver.solve()
    flows = solver.flows(arcs)[: paper.size]
    chosen = flows > 0
    elapsed = time.perf_counter() - started
    assert status == solver.OPTIMAL, status
    return elapsed, int(np.rint(score[chosen] * scale).sum()), float(score[chosen].sum())


def case_sparse(args) -> dict:
    instance = TopicInstance(args.papers or 10_000, args.reviewers or 7_000, seed=args.seed)
    started = time.perf_counter()
    paper, reviewer, score = instance.sparse_candidates(args.candidates)
    generation = time.perf_counter() - started
    plain_times, ours_times = [], []
    for _ in range(args.repeat):
        plain_time, plain_scaled, plain_objective = plain_ortools(
            paper,
            reviewer,
            score,
            n_papers=instance.n_papers,
            n_reviewers=instance.n_reviewers,
            demand=instance.demand,
            max_load=instance.max_load,
            scale=args.scale,
        )
        plain_times.append(plain_time)
        started = time.perf_counter()
        problem = AssignmentProblem(
            n_papers=instance.n_papers,
            n_reviewers=instance.n_reviewers,
            pair_paper=paper,
            pair_reviewer=reviewer,
            pair_score=score,
            demand=instance.demand,
            min_load=instance.min_load,
            max_load=instance.max_load,
        )
        result = solve(problem, scale=args.scale)
        ours_times.append(time.perf_counter() - started)
    return {
        "case": "sparse",
        "papers": instance.n_papers,
        "reviewers": instance.n_reviewers,
        "pairs": int(paper.size),
        "generation_s": generation,
        "plain_s": statistics.median(plain_times),
        "ours_s": statistics.median(ours_times),
        "plain_runs_s": plain_times,
        "ours_runs_s": ours_times,
        "ratio": statistics.median(ours_times) / statistics.median(plain_times),
        "same_objective": plain_scaled == result.objective_scaled,
        "objective": result.objective,
        "plain_objective": plain_objective,
        "is_optimal": result.is_optimal,
        "ours_timings": result.timings,
        "bellman_ford_rounds": result.stats["bellman_ford_rounds"],
        "peak_rss_gb": peak_rss_gb(),
    }


def case_dense(args) -> dict:
    n_papers, n_reviewers = args.papers or NEURIPS_2025[0], args.reviewers or NEURIPS_2025[1]
    instance = TopicInstance(n_papers, n_reviewers, seed=args.seed)
    conflicts = instance.conflicts()
    producing = []

    def score_block(start: int, stop: int) -> np.ndarray:
        begun = time.perf_counter()
        block = instance.score_block(start, stop)
        producing.append(time.perf_counter() - begun)
        return block

    started = time.perf_counter()
    # Blocks are produced in our own worker threads: BLAS threads on top of
    # them would only oversubscribe the cores.
    with threadpool_limits(1 if args.workers > 1 else None):
        result = solve_dense(
            n_papers=n_papers,
            n_reviewers=n_reviewers,
            score_block=score_block,
            demand=instance.demand,
            min_load=instance.min_load,
            max_load=instance.max_load,
            conflicts=conflicts,
            candidates_per_paper=args.per_paper,
            candidates_per_reviewer=args.per_reviewer,
            additions_per_paper=args.additions,
            scale=args.scale,
            workers=args.workers,
        )
    elapsed = time.perf_counter() - started
    return {
        "case": "dense",
        "papers": n_papers,
        "reviewers": n_reviewers,
        "pairs": n_papers * n_reviewers,
        "conflicts": int(conflicts[0].size),
        "seconds": elapsed,
        "score_production_s": sum(producing),
        "workers": args.workers,
        "score_blocks": len(producing),
        "peak_rss_gb": peak_rss_gb(),
        "objective": result.objective,
        "objective_scaled": result.objective_scaled,
        "dual_bound_scaled": result.dual_bound_scaled,
        "is_optimal": result.is_optimal,
        "is_feasible": result.is_feasible,
        "rounds": [
            {
                "phase": r.phase,
                "candidates": r.candidates,
                "added": r.added,
                "solve_s": r.solve_seconds,
                "pricing_s": r.pricing_seconds,
            }
            for r in result.pricing
        ],
        "timings": result.timings,
    }


def synthetic_texts(instance: TopicInstance, *, abstracts_per_reviewer: int, words: int):
    """Pseudo-word abstracts drawn from per-topic vocabularies plus background."""
    rng = np.random.default_rng([instance.seed, 3])
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    per_topic, background = 300, 3000
    size = instance.n_topics * per_topic + background
    lengths = rng.integers(4, 10, size)
    vocabulary = np.array(["".join(rng.choice(letters, n)) for n in lengths])

    def documents(mixtures: np.ndarray, count: int) -> list[str]:
        texts = []
        for mixture in mixtures:
            for _ in range(count):
                topics = rng.choice(instance.n_topics, size=words, p=mixture)
                ids = topics * per_topic + rng.integers(0, per_topic, words)
                noise = rng.random(words) < 0.3
                ids[noise] = instance.n_topics * per_topic + rng.integers(
                    0, background, noise.sum()
                )
                texts.append(" ".join(vocabulary[ids]))
        return texts

    mixtures = instance.paper_topics.astype(np.float64)
    papers = documents(mixtures / mixtures.sum(axis=1, keepdims=True), 1)
    mixtures = instance.reviewer_topics.astype(np.float64)
    flat = documents(mixtures / mixtures.sum(axis=1, keepdims=True), abstracts_per_reviewer)
    reviewers = [
        "\n".join(flat[i : i + abstracts_per_reviewer])
        for i in range(0, len(flat), abstracts_per_reviewer)
    ]
    return papers, reviewers


def case_text(args) -> dict:
    n_papers, n_reviewers = args.papers or NEURIPS_2025[0], args.reviewers or NEURIPS_2025[1]
    instance = TopicInstance(n_papers, n_reviewers, seed=args.seed)
    started = time.perf_counter()
    papers, reviewers = synthetic_texts(instance, abstracts_per_reviewer=5, words=150)
    generation = time.perf_counter() - started
    rss_before = peak_rss_gb()
    started = time.perf_counter()
    pairs = text_affinity(papers, reviewers, top_n=args.top_n, chunk_size=1000)
    elapsed = time.perf_counter() - started
    return {
        "case": "text",
        "papers": n_papers,
        "reviewers": n_reviewers,
        "generation_s": generation,
        "seconds": elapsed,
        "pairs_kept": int(pairs.paper.size),
        "peak_rss_gb": peak_rss_gb(),
        "peak_rss_before_gb": rss_before,
    }


CASES = {"sparse": case_sparse, "dense": case_dense, "text": case_text}


def run_child(case: str, argv: list[str]) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--case", case, "--json", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"case {case} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def print_table(results: list[dict]) -> None:
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for result in results:
        if result["case"] == "sparse":
            print(
                f"sparse {result['papers']}x{result['reviewers']} ({result['pairs']:,} pairs): "
                f"ours {result['ours_s']:.2f}s, plain OR-tools {result['plain_s']:.2f}s, "
                f"ratio {result['ratio']:.2f}, same objective {result['same_objective']}, "
                f"optimal {result['is_optimal']}, peak RSS {result['peak_rss_gb']:.2f} GB"
            )
        elif result["case"] == "dense":
            added = sum(r["added"] for r in result["rounds"])
            print(
                f"dense {result['papers']}x{result['reviewers']} ({result['pairs']:,} pairs): "
                f"{result['seconds']:.1f}s, peak RSS {result['peak_rss_gb']:.2f} GB, "
                f"{len(result['rounds'])} pricing rounds, {added:,} pairs added, "
                f"objective {result['objective_scaled']} = dual bound "
                f"{result['dual_bound_scaled']}: optimal {result['is_optimal']}"
            )
            print(
                f"    producing the scores ({result['score_blocks']} blocks): "
                f"{result['score_production_s']:.1f}s; candidate selection pass: "
                f"{result['timings']['candidate_selection']:.1f}s"
            )
            for number, r in enumerate(result["rounds"], start=1):
                print(
                    f"    round {number} ({r['phase']}): {r['candidates']:,} candidates, "
                    f"solve {r['solve_s']:.1f}s, pricing {r['pricing_s']:.1f}s, "
                    f"added {r['added']:,}"
                )
        else:
            print(
                f"text {result['papers']}x{result['reviewers']}: {result['seconds']:.1f}s, "
                f"peak RSS {result['peak_rss_gb']:.2f} GB, {result['pairs_kept']:,} pairs kept"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument("--papers", type=int, help="override the case's paper count")
    parser.add_argument("--reviewers", type=int, help="override the case's reviewer count")
    parser.add_argument("--candidates", type=int, default=200, help="sparse: per paper")
    parser.add_argument("--repeat", type=int, default=3, help="sparse: runs of each solver")
    parser.add_argument("--per-paper", type=int, default=40, help="dense: initial per paper")
    parser.add_argument("--per-reviewer", type=int, default=10, help="dense: initial per reviewer")
    parser.add_argument("--additions", type=int, default=20, help="dense: added per paper/round")
    parser.add_argument("--workers", type=int, default=2, help="dense: block threads")
    parser.add_argument("--top-n", type=int, default=50, help="text: reviewers kept per paper")
    parser.add_argument("--scale", type=float, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON line per case")
    args, _ = parser.parse_known_args()
    passthrough = [arg for arg in sys.argv[1:] if arg not in ("--json",)]
    if args.case == "all":
        strip = {"--case", "all", "sparse", "dense", "text"}
        passthrough = [arg for arg in passthrough if arg not in strip]
        results = [run_child(case, passthrough) for case in CASES]
    elif args.json:
        print(json.dumps(CASES[args.case](args), default=float))
        return
    else:
        results = [CASES[args.case](args)]
    print_table(results)


if __name__ == "__main__":
    main()
