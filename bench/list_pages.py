"""The chairs' list pages at 500 and 5,000 papers: time, CPU and weight, two versions side by side.

For each size, builds (in bulk) a double-blind workshop in the discussion phase on a scratch
PostgreSQL database: ``N`` submitted papers, each with three authors, two topics, a PDF
record, a tag on every tenth, three submitted reviews scored on three criteria, and a staged
decision on every third; 60 reviewers; a second chair conflicted with every tenth paper.

Then it times, through Django's test client in this machine's Python process (no web server:
the figures are the view, the templates and the database, without gunicorn's and the
network's share), the pages a chair opens while deciding:

- the submissions list (its default first page, and page 5 sorted by title);
- the review dashboard (default, and sorted by mean score);
- the decisions page.

Each page is fetched ``--repeat`` times after two warm-up fetches; it reports the median wall
time, the median CPU time of the process (the database server's CPU is not in it), the size
of the answer and its number of queries. With ``--base DIR`` (a checkout of another version,
e.g. ``git worktree add --detach /tmp/base main``) each round measures the other version
too, in its own process, alternating with this one on the same data, and prints the ratios.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_lists \\
        .venv/bin/python bench/list_pages.py [--papers 500 5000] [--repeat 9] [--base DIR]

The database named in ``DATABASE_URL`` is dropped and created again.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "bench-lists"
CHAIR = "chair@bench.example"
PAGES = [
    ("submissions list", "submissions:manage_list", ""),
    ("submissions list, title sort, p. 5", "submissions:manage_list", "?sort=title&page=5"),
    ("review dashboard", "reviews:manage", ""),
    ("review dashboard, mean sort", "reviews:manage", "?sort=mean"),
    ("decisions", "reviews:decisions", ""),
]


def setup_django(code: Path) -> None:
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


# --- Building the data ---------------------------------------------------------------------


def build(papers: int) -> None:
    import datetime as dt
    import random

    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from reviews.enums import Phase, ReviewState
    from reviews.models import (
        Assignment,
        Conflict,
        Decision,
        Review,
        ReviewScore,
        ReviewSettings,
    )
    from submissions.enums import SubmissionState
    from submissions.models import Authorship, PaperTag, Submission, SubmissionFile
    from workshops.models import ImportantDate, Membership, ReviewCriterion, Topic, Workshop

    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    now = timezone.now()
    workshop = Workshop.objects.create(
        name="Workshop on Benchmarks", acronym="WOB", year=2026, slug=SLUG, is_published=True
    )
    ImportantDate.objects.create(
        workshop=workshop, kind="paper_submission", original_at=now - dt.timedelta(days=30)
    )
    ImportantDate.objects.create(
        workshop=workshop, kind="reviews_due", original_at=now - dt.timedelta(days=2)
    )
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    settings.phase = Phase.DISCUSSION
    settings.save()
    criteria = [
        ReviewCriterion.objects.create(workshop=workshop, name=name, order=i)
        for i, name in enumerate(["Novelty", "Soundness", "Clarity"])
    ]
    topics = [Topic.objects.create(workshop=workshop, name=f"Topic {i}") for i in range(12)]

    def user(email, name):
        u = User.objects.create_user(email=email, password="bench-pass-2026", full_name=name)
        EmailAddress.objects.create(user=u, email=email, verified=True, primary=True)
        return u

    chair = user(CHAIR, "Chair Person")
    other = user("conflicted@bench.example", "Conflicted Chair")
    Membership.objects.create(workshop=workshop, user=chair, role="chair")
    Membership.objects.create(workshop=workshop, user=other, role="chair")
    author = user("author@bench.example", "Author Person")
    reviewers = User.objects.bulk_create(
        User(email=f"reviewer{i}@bench.example", full_name=f"Reviewer {i:02d}") for i in range(60)
    )
    Membership.objects.bulk_create(
        Membership(workshop=workshop, user=r, role="reviewer") for r in reviewers
    )
    words = "robust sparse neural causal private federated graph efficient adaptive".split()
    submissions = Submission.objects.bulk_create(
        Submission(
            workshop=workshop,
            number=i + 1,
            title=f"{rng.choice(words).title()} {rng.choice(words)} learning, part {i + 1}",
            abstract="We study benchmarks.",
            created_by=author,
            state=SubmissionState.SUBMITTED,
            submitted_at=now - dt.timedelta(days=31),
        )
        for i in range(papers)
    )
    Submission.topics.through.objects.bulk_create(
        Submission.topics.through(submission_id=s.pk, topic_id=t.pk)
        for s in submissions
        for t in rng.sample(topics, 2)
    )
    Authorship.objects.bulk_create(
        Authorship(
            submission=s,
            order=k,
            name=f"Author {s.number}-{k}",
            email=f"a{s.number}-{k}@uni.example",
            affiliation="Uni Example",
            is_contact=k == 0,
            user=author if k == 0 else None,
        )
        for s in submissions
        for k in range(3)
    )
    SubmissionFile.objects.bulk_create(
        SubmissionFile(
            submission=s,
            version=1,
            file=f"bench/{s.number}.pdf",
            original_name="paper.pdf",
            sha256="0" * 64,
            size=100_000,
            pages=8,
            uploaded_by=author,
        )
        for s in submissions
    )
    PaperTag.objects.bulk_create(
        PaperTag(workshop=workshop, submission=s, name="borderline", created_by=chair)
        for s in submissions[::10]
    )
    Conflict.objects.bulk_create(
        Conflict(submission=s, user=other, source="chair") for s in submissions[::10]
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(
            submission=s,
            reviewer=r,
            ordinal=k + 1,
            due_at=now - dt.timedelta(days=2),
            created_by=chair,
        )
        for s in submissions
        for k, r in enumerate(rng.sample(reviewers, 3))
    )
    reviews = Review.objects.bulk_create(
        Review(
            assignment=a,
            state=ReviewState.SUBMITTED,
            recommendation=rng.randint(1, 6),
            confidence=rng.randint(1, 5),
            summary="A summary.",
            comments="Comments.",
            submitted_at=now - dt.timedelta(days=3),
        )
        for a in assignments
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(review=r, criterion=c, value=rng.randint(1, 5))
        for r in reviews
        for c in criteria
    )
    Decision.objects.bulk_create(
        Decision(submission=s, outcome=rng.choice(["accept", "reject"]), decided_by=chair)
        for s in submissions[::3]
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Measuring -----------------------------------------------------------------------------


def measure(repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=CHAIR))
    result = {}
    for label, name, query in PAGES:
        url = reverse(name, args=[SLUG]) + query
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        result[label] = {
            "wall_ms": statistics.median(walls) * 1000,
            "cpu_ms": statistics.median(cpus) * 1000,
            "bytes": len(response.content),
            "queries": len(queries.captured_queries),
        }
    return result


def run_child(code: Path, *args: str) -> str:
    command = [sys.executable, str(Path(__file__).resolve()), "--code", str(code), *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def scratch_database(url: str) -> None:
    from fault_outage import scratch_database as recreate

    recreate(url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the versions")
    parser.add_argument("--base", type=Path, help="a checkout of the version to compare with")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    # Internal: the child processes.
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.build:
        setup_django(args.code)
        build(args.build)
        return 0
    if args.measure:
        setup_django(args.code)
        print(json.dumps(measure(args.repeat)))
        return 0

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        parser.error("DATABASE_URL must name a PostgreSQL database (it is dropped).")
    sys.path.insert(0, str(ROOT / "bench"))
    versions = {"this": ROOT}
    if args.base:
        versions = {"base": args.base.resolve(), "this": ROOT}
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at start")
    figures: dict = {}
    for papers in args.papers:
        scratch_database(url)
        started = time.perf_counter()
        run_child(ROOT, "--build", str(papers))
        took = time.perf_counter() - started
        print(f"\n{papers} papers, {papers * 3} reviews (built in {took:.0f} s)")
        runs: dict[str, list[dict]] = {v: [] for v in versions}
        for _ in range(args.rounds):
            for version, code in versions.items():
                runs[version].append(
                    json.loads(run_child(code, "--measure", "--repeat", str(args.repeat)))
                )
        figures[papers] = {}
        for label, *_ in PAGES:
            row = {}
            for version in versions:
                samples = [r[label] for r in runs[version]]
                row[version] = {
                    key: statistics.median(s[key] for s in samples)
                    for key in ("wall_ms", "cpu_ms", "bytes", "queries")
                }
            figures[papers][label] = row
        header = f"{'page':38}" + "".join(
            f"{v + ' ms':>10}{v + ' cpu':>10}{v + ' KB':>9}{v + ' q':>8}" for v in versions
        )
        if "base" in versions:
            header += f"{'cpu ratio':>11}{'KB ratio':>10}"
        print(header)
        for label, row in figures[papers].items():
            line = f"{label:38}" + "".join(
                f"{row[v]['wall_ms']:10.0f}{row[v]['cpu_ms']:10.0f}{row[v]['bytes'] / 1024:9.0f}"
                f"{row[v]['queries']:8.0f}"
                for v in versions
            )
            if "base" in versions:
                line += f"{row['base']['cpu_ms'] / row['this']['cpu_ms']:10.1f}×"
                line += f"{row['base']['bytes'] / row['this']['bytes']:9.1f}×"
            print(line)
    print(f"\nload average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the end")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
