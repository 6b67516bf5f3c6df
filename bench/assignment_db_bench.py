"""End-to-end benchmark of the automatic assignment, from and to the database.

Creates a scratch PostgreSQL database, migrates it, generates a synthetic workshop with
10,000 papers, 7,000 reviewers and 200 imported affinity scores per paper (2,000,000 rows),
then times what a chair waits for:

1. load   - read papers, committee, conflicts, bids, topics and the 2M scores (bulk queries)
2. score  - candidate pairs and weighted signals (numpy)
3. solve  - exact min-cost flow with its optimality proof (reviews.assignment)
4. save   - store the 30,000-pair proposal (bulk_create)
5. commit - create the 30,000 assignments and queue 30,000 e-mails (bulk, one transaction)

Generating the data is not part of the target (<= 10 s end to end) and is timed separately.

Usage (the database named in the URL is dropped and re-created)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_bench \
        .venv/bin/python bench/assignment_db_bench.py [--papers 10000] [--reviewers 7000] \
        [--per-paper 200] [--keep]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scratch_database(url: str, *, drop_only: bool = False) -> None:
    """Drop and (unless ``drop_only``) create the database named in ``url``."""
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to use the database {name!r} as a scratch database")
    admin = urlunparse(parsed._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # No real broker: the commit hands one message (the e-mail batch) to an in-memory queue.
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    # Loaded once by any web or worker process; not part of the timing.
    import config.urls  # noqa: F401
    import reviews.tasks  # noqa: F401


class Timer:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def __call__(self, name: str):
        timer = self

        class _Block:
            def __enter__(self):
                self.started = time.perf_counter()
                print(f"  {name}...", end="", flush=True)

            def __exit__(self, *exc):
                timer.times[name] = time.perf_counter() - self.started
                print(f" {timer.times[name]:.2f} s", flush=True)

        return _Block()


def generate(n_papers: int, n_reviewers: int, per_paper: int, seed: int = 7):
    """The synthetic workshop, with the scores written by PostgreSQL COPY."""
    from django.db import connection, transaction

    from accounts.models import User
    from reviews.models import ImportedAffinity
    from submissions.models import Submission
    from workshops.models import Membership, Workshop

    rng = np.random.default_rng(seed)
    workshop = Workshop.objects.create(name="Benchmark workshop", year=2026, slug="bench-2026")
    chair = User.objects.create_user("chair@bench.example", full_name="Bench Chair")
    Membership.objects.create(workshop=workshop, user=chair, role="chair")
    author = User.objects.create_user("author@bench.example", full_name="Bench Author")
    with transaction.atomic():
        reviewers = User.objects.bulk_create(
            [
                User(email=f"reviewer{i}@bench.example", full_name=f"Reviewer {i}", password="!")
                for i in range(n_reviewers)
            ],
            batch_size=5000,
        )
        Membership.objects.bulk_create(
            [Membership(workshop=workshop, user=u, role="reviewer") for u in reviewers],
            batch_size=5000,
        )
        papers = Submission.objects.bulk_create(
            [
                Submission(
                    workshop=workshop,
                    number=i + 1,
                    title=f"Paper {i + 1}",
                    state="submitted",
                    created_by=author,
                )
                for i in range(n_papers)
            ],
            batch_size=5000,
        )
    paper_ids = np.array([p.pk for p in papers], dtype=np.int64)
    reviewer_ids = np.array([u.pk for u in reviewers], dtype=np.int64)
    # Latent topics make the scores structured (reviewers compete for the same papers).
    paper_topics = rng.dirichlet(np.full(20, 0.2), size=n_papers)
    reviewer_topics = rng.dirichlet(np.full(20, 0.2), size=n_reviewers)
    # ``per_paper`` distinct reviewers per paper: the smallest of random keys, by blocks.
    chosen = np.concatenate(
        [
            np.argpartition(rng.random((min(500, n_papers - start), n_reviewers)), per_paper, 1)[
                :, :per_paper
            ]
            for start in range(0, n_papers, 500)
        ]
    )
    pair_paper = np.repeat(np.arange(n_papers), per_paper)
    pair_reviewer = chosen.ravel()
    score = np.einsum("ij,ij->i", paper_topics[pair_paper], reviewer_topics[pair_reviewer])
    score = np.round(np.clip(score * 3 + rng.normal(0, 0.05, score.size), 0, None), 6)
    table = ImportedAffinity._meta.db_table
    # Binary COPY: per row a field count, then (length, big-endian value) per field.
    row = np.dtype(
        [("n", ">i2")]
        + [item for name in ("w", "s", "r") for item in ((f"l{name}", ">i4"), (name, ">i8"))]
        + [("lv", ">i4"), ("v", ">f8")]
    )
    rows = np.zeros(score.size, dtype=row)
    rows["n"], rows["lw"], rows["ls"], rows["lr"], rows["lv"] = 4, 8, 8, 8, 8
    rows["w"], rows["s"] = workshop.pk, paper_ids[pair_paper]
    rows["r"], rows["v"] = reviewer_ids[pair_reviewer], score
    buffer = io.BytesIO(
        b"PGCOPY\n\xff\r\n\x00" + bytes(8) + rows.tobytes() + (-1).to_bytes(2, "big", signed=True)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} (workshop_id, submission_id, reviewer_id, score) FROM STDIN "
            "WITH (FORMAT binary)",
            buffer,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    return workshop, chair


def timed_pass(args, workshop, chair, timer: Timer) -> float:
    """One run from the database to committed assignments; returns the end-to-end seconds."""
    from reviews.models import Assignment, AssignmentRun, ProposedPair
    from reviews.services import auto_assign as aa
    from reviews.services.conflicts import detect_conflicts

    params = aa.RunParams(
        reviewers_per_paper=args.reviewers_per_paper,
        max_load=args.max_load,
        weights={"bid": 1.0, "topic": 1.0, "text": 1.0, "imported": 1.0},
    )
    run = AssignmentRun.objects.create(
        workshop=workshop, created_by=chair, params=params.as_json(), state="running"
    )
    started = time.perf_counter()
    with timer("detect conflicts"):
        detect_conflicts(workshop)
    with timer("load"):
        inputs = aa.load_inputs(workshop, params=params)
    with timer("score"):
        min_load, max_load = aa.load_limits(inputs, params)
        candidates = aa.score_candidates(inputs, params=params, max_load=max_load)
        problem = aa.build_problem(
            inputs, candidates, params=params, min_load=min_load, max_load=max_load
        )
    with timer("solve"):
        result = aa.solve_problem(problem)
    with timer("save proposal"):
        aa.save_pairs(run, inputs, candidates, result)
        AssignmentRun.objects.filter(pk=run.pk).update(state="done", progress=100)
        run.refresh_from_db()
    with timer("commit"):
        outcome = aa.commit_run(run, by=chair)
    total = time.perf_counter() - started

    assert outcome.created == args.papers * args.reviewers_per_paper, outcome
    assert Assignment.objects.filter(submission__workshop=workshop).count() == outcome.created
    print(
        f"  candidates {candidates.size:,}; pairs {result.n_assigned:,}; "
        f"proposal rows {ProposedPair.objects.filter(run=run).count():,}; "
        f"assignments {outcome.created:,}; e-mails {outcome.emails:,}"
    )
    print(
        f"  objective {result.objective:.4f}, dual bound {result.dual_bound:.4f}, "
        f"optimal {result.is_optimal}; solver: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    )
    print(
        f"  END TO END (detect + load + score + solve + save + commit): {total:.2f} s", flush=True
    )
    return total


def reset(workshop) -> None:
    """Forget the assignments, e-mails and runs of a pass (not timed)."""
    from mail.models import OutgoingEmail
    from reviews.models import Assignment, AssignmentRun

    Assignment.objects.filter(submission__workshop=workshop).delete()
    OutgoingEmail.objects.filter(workshop=workshop).delete()
    AssignmentRun.objects.filter(workshop=workshop).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=7_000)
    parser.add_argument("--per-paper", type=int, default=200)
    parser.add_argument("--reviewers-per-paper", type=int, default=3)
    parser.add_argument("--max-load", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=1, help="Timed passes (reset between).")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL to a scratch PostgreSQL database, e.g. .../cfp_bench")
    scratch_database(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    timer = Timer()
    totals = []
    try:
        print(f"Scratch database {connection.settings_dict['NAME']}")
        with timer("migrate"):
            call_command("migrate", verbosity=0)
        with timer(f"generate {args.papers} papers x {args.reviewers} reviewers"):
            workshop, chair = generate(args.papers, args.reviewers, args.per_paper)
        for number in range(1, args.repeat + 1):
            if number > 1:
                reset(workshop)
            print(f"Timed pass {number} (the target covers these):", flush=True)
            totals.append(timed_pass(args, workshop, chair, timer))
        if len(totals) > 1:
            print("End to end per pass: " + ", ".join(f"{t:.2f} s" for t in totals))
    finally:
        connection.close()
        if not args.keep:
            scratch_database(url, drop_only=True)


if __name__ == "__main__":
    main()
