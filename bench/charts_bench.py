"""How long each chair chart takes at 5,000 papers: its data (queries and geometry) and the
whole page (request, rights, queries, geometry and template), median of several runs.

Creates a scratch database (PostgreSQL: dropped and re-created; SQLite: a new file), migrates
it, generates one workshop with --papers papers, a committee of --reviewers reviewers, three
assignments per paper (80 % of the reviews submitted, each scoring two criteria), topics,
submission types, decisions on most papers and one conflict of the chair; then times each
chart as that chair sees it. Results: docs/benchmarks.md ("Charts").

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_charts_bench \
        .venv/bin/python bench/charts_bench.py [--papers 5000] [--reviewers 1500] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHARTS = [
    ("deadline", "charts:deadline", "deadline_data", {}),
    ("reviewing", "charts:reviewing", "reviewing_data", {}),
    ("scores", "charts:scores", "scores_data", {}),
    ("decisions", "charts:decisions", "decisions_data", {}),
    ("decision dashboard column", None, "score_spreads", {}),
]


def setup(url: str) -> None:
    if url.startswith("postgres"):
        from assignment_db_bench import scratch_database

        scratch_database(url)
    elif url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(papers: int, reviewers: int):
    from django.utils import timezone

    from reviews.enums import Phase
    from reviews.models import Assignment, Conflict, Decision, Review, ReviewScore
    from submissions.models import Submission
    from tests import factories as base
    from tests.scenarios import set_phase, workshop_in_review

    rng = random.Random(12)
    now = timezone.now()
    workshop, criteria = workshop_in_review(now)
    chair = base.member(workshop, "chair")
    types = [base.SubmissionTypeFactory(workshop=workshop, name=n) for n in ("Full", "Short")]
    topics = [base.TopicFactory(workshop=workshop, name=f"Topic {i}") for i in range(12)]
    from accounts.models import User
    from workshops.models import Membership

    committee = User.objects.bulk_create(
        User(email=f"reviewer{i}@bench.example", full_name=f"Reviewer {i:04d}")
        for i in range(reviewers)
    )
    Membership.objects.bulk_create(
        Membership(workshop=workshop, user=u, role="reviewer") for u in committee
    )
    deadline = now - dt.timedelta(days=20)
    subs = []
    for n in range(1, papers + 1):
        submitted = n <= papers * 0.9
        subs.append(
            Submission(
                workshop=workshop,
                number=n,
                title=f"Paper {n}",
                created_by=chair,
                submission_type=types[n % 2],
                state="submitted" if submitted else "draft",
                submitted_at=deadline - dt.timedelta(hours=rng.expovariate(1 / 30))
                if submitted
                else None,
            )
        )
    subs = Submission.objects.bulk_create(subs)
    for s in subs:
        s.created_at = deadline - dt.timedelta(hours=rng.uniform(24, 24 * 30))
    Submission.objects.bulk_update(subs, ["created_at"], batch_size=1000)
    through = Submission.topics.through
    through.objects.bulk_create(
        through(submission_id=s.pk, topic_id=topics[s.number % len(topics)].pk) for s in subs
    )
    reviewed = [s for s in subs if s.state == "submitted"]
    assignments = [
        Assignment(
            submission=s,
            reviewer=committee[(s.number * 3 + k) % reviewers],
            ordinal=k + 1,
            due_at=now + dt.timedelta(days=rng.choice([-2, 10])),
        )
        for s in reviewed
        for k in range(3)
    ]
    assignments = Assignment.objects.bulk_create(assignments, batch_size=2000)
    reviews = Review.objects.bulk_create(
        (
            Review(
                assignment=a,
                state="submitted",
                recommendation=rng.randint(1, 6),
                confidence=rng.randint(1, 5),
                submitted_at=now - dt.timedelta(hours=rng.uniform(0, 24 * 15)),
            )
            for a in assignments
            if rng.random() < 0.8
        ),
        batch_size=2000,
    )
    ReviewScore.objects.bulk_create(
        (
            ReviewScore(review=r, criterion=c, value=rng.randint(1, len(c.scale)))
            for r in reviews
            for c in criteria
        ),
        batch_size=5000,
    )
    outcomes = ["accept_talk", "accept_poster", "reject", "reject"]
    Decision.objects.bulk_create(
        Decision(submission=s, outcome=rng.choice(outcomes)) for s in reviewed if rng.random() < 0.8
    )
    Conflict.objects.create(submission=reviewed[0], user=chair, source="chair")
    set_phase(workshop, Phase.DISCUSSION)
    return workshop, chair


def median_ms(fn, runs: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--reviewers", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/charts_bench.sqlite3"
    setup(url)
    started = time.perf_counter()
    workshop, chair = generate(args.papers, args.reviewers)
    print(
        f"generated {args.papers} papers in {time.perf_counter() - started:.1f} s",
        f"({url.split(':')[0]})",
    )

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from charts import queries

    setup_test_environment()
    client = Client()
    client.force_login(chair)
    print(f"{'chart':28} {'queries':>7} {'data ms':>8} {'page ms':>8} {'page KB':>8}")
    for label, url_name, function, kwargs in CHARTS:
        fn = getattr(queries, function)
        data_ms = median_ms(lambda fn=fn, kw=kwargs: fn(chair, workshop, **kw), args.runs)
        connection.force_debug_cursor = True
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            fn(chair, workshop, **kwargs)
        page_ms, size = float("nan"), 0
        if url_name:
            page = reverse(url_name, args=[workshop.slug])
            page_ms = median_ms(lambda page=page: client.get(page), args.runs)
            size = len(client.get(page).content) / 1024
        print(f"{label:28} {len(ctx.captured_queries):7} {data_ms:8.1f} {page_ms:8.1f} {size:8.0f}")
    page = reverse("reviews:decisions", args=[workshop.slug])
    print(
        f"{'decision dashboard (page)':28} {'':7} {'':8}",
        f"{median_ms(lambda: client.get(page), args.runs):8.1f}",
    )


if __name__ == "__main__":
    main()
