"""Release day: decision letters for 10,000 authors, queued, then sent by one worker.

The production shape, locally: PostgreSQL (DATABASE_URL, a scratch database: it is dropped),
Redis (CELERY_BROKER_URL), production settings, one real ``celery worker`` (prefork) and a real
SMTP server (aiosmtpd, started here) that counts what it receives by recipient and Message-ID.

1. A workshop in its decisions phase is built in bulk: ``--papers`` submitted papers with
   ``--authors-per-paper`` authors each (10,000 authors by default), ``--reviews`` submitted
   reviews per paper with two scores each, and one staged decision per paper (half accepted).
2. **Queueing**: the chair's release goes through the real service (``plan_release`` for the
   confirmation page's fingerprint, then ``release_decisions``, timed as "release"), and the
   release's notification task (``reviews.send_decision_notifications``) runs in this process,
   timed as "queue": the time and CPU time until every letter is an outbox row and its delivery
   is handed to the broker. The broker messages it published are counted.
3. **Sending**: one Celery worker (``--concurrency`` pool processes, default 2: the machine's
   cores) is started on the queue those messages wait in, and sends to the local SMTP server.
   Messages/s run from the first to the last message the server received; the worker's CPU
   time (main process and pool, read from /proc) from its first message to the drain.
4. **Checks**: every author received exactly one letter (by recipient at the server), under
   one Message-ID, every row is "sent", nothing else arrived.

``--compare OTHER_CHECKOUT`` runs the same script twice, one after the other, first against
the code of the other checkout (e.g. ``git worktree add --detach /tmp/base main``), then
against this one, and prints them side by side. Run from the top of the checkout::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_release_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \\
    .venv/bin/python bench/release_day.py --compare /tmp/base
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

BENCH_DIR = Path(__file__).resolve().parent
HERE = BENCH_DIR.parent


def cpu_of_group(pgid: int) -> float:
    """CPU seconds (user + system) of every live process in process group ``pgid``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[0] is the state: pgrp is the 5th field of stat
            total += int(fields[11]) + int(fields[12])
    return total / tick


def build(args, prefix: str):
    """The workshop, in bulk: returns (workshop, chair)."""
    from django.utils import timezone

    from accounts.models import User
    from reviews.enums import Phase
    from reviews.models import Assignment, Decision, Review, ReviewScore
    from submissions.models import Authorship, Submission
    from tests import factories as base
    from tests.scenarios import set_phase

    now = timezone.now()
    workshop = base.WorkshopFactory(name="Workshop on Release Days", acronym="WRD")
    base.ImportantDateFactory(
        workshop=workshop, kind="paper_submission", original_at=now - timezone.timedelta(days=40)
    )
    base.ImportantDateFactory(
        workshop=workshop, kind="reviews_due", original_at=now - timezone.timedelta(days=10)
    )
    criteria = [
        base.ReviewCriterionFactory(workshop=workshop, name="Novelty", order=1),
        base.ReviewCriterionFactory(workshop=workshop, name="Soundness", order=2),
    ]
    chair = base.member(workshop, "chair", email=f"{prefix}chair@bench.example")
    reviewers = User.objects.bulk_create(
        User(email=f"{prefix}reviewer{i}@bench.example", full_name=f"Reviewer {i}", password="!")
        for i in range(max(args.reviews * 10, 10))
    )
    n_authors = args.papers * args.authors_per_paper
    authors = User.objects.bulk_create(
        (
            User(email=f"{prefix}author{i}@bench.example", full_name=f"Author {i}", password="!")
            for i in range(n_authors)
        ),
        batch_size=2000,
    )
    papers = Submission.objects.bulk_create(
        (
            Submission(
                workshop=workshop,
                number=i + 1,
                title=f"On release days, part {i + 1}",
                abstract="We study letters.",
                state="submitted",
                submitted_at=now - timezone.timedelta(days=41),
                created_by=authors[i * args.authors_per_paper],
            )
            for i in range(args.papers)
        ),
        batch_size=2000,
    )
    Authorship.objects.bulk_create(
        (
            Authorship(
                submission=paper,
                order=k,
                name=author.full_name,
                email=author.email,
                affiliation="Bench University",
                user=author,
                is_contact=k == 0,
            )
            for i, paper in enumerate(papers)
            for k, author in enumerate(
                authors[i * args.authors_per_paper : (i + 1) * args.authors_per_paper]
            )
        ),
        batch_size=2000,
    )
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(
                submission=paper,
                reviewer=reviewers[(i * args.reviews + k) % len(reviewers)],
                ordinal=k + 1,
            )
            for i, paper in enumerate(papers)
            for k in range(args.reviews)
        ),
        batch_size=2000,
    )
    reviews = Review.objects.bulk_create(
        (
            Review(
                assignment=a,
                state="submitted",
                recommendation=1 + a.pk % 5,
                confidence=3,
                summary="The paper studies release days.\n\nIt is clear.",
                strengths="Measured side by side.",
                weaknesses="Only one machine.",
                comments="Please report the load.",
                confidential_note="For the chairs only.",
                submitted_at=now,
            )
            for a in assignments
        ),
        batch_size=2000,
    )
    ReviewScore.objects.bulk_create(
        (ReviewScore(review=r, criterion=c, value=1 + r.pk % 5) for r in reviews for c in criteria),
        batch_size=4000,
    )
    set_phase(workshop, Phase.DECISIONS)
    Decision.objects.bulk_create(
        (
            Decision(
                submission=paper,
                outcome="accept_poster" if i % 2 == 0 else "reject",
                comments="Thank you for your submission." if i % 3 == 0 else "",
                decided_by=chair,
            )
            for i, paper in enumerate(papers)
        ),
        batch_size=2000,
    )
    return workshop, chair


def run_one(args) -> dict:
    """One run against the code of ``args.code``; returns its figures."""
    code = Path(args.code).resolve()
    sys.path.insert(0, str(code))
    sys.path.insert(1, str(BENCH_DIR))
    from fault_outage import Counter, free_port, scratch_database

    database_url = os.environ["DATABASE_URL"]
    scratch_database(database_url)
    var = Path(tempfile.mkdtemp(prefix="release-day-"))
    queue = f"bench-release-{uuid.uuid4().hex[:12]}"

    from aiosmtpd.controller import Controller

    class TimedCounter(Counter):
        """Counts by recipient and Message-ID, and when each message arrived."""

        arrivals: list[float] = []

        async def handle_DATA(self, server, session, envelope):
            self.arrivals.append(time.monotonic())
            return await super().handle_DATA(server, session, envelope)

    counter = TimedCounter()
    smtp = Controller(counter, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "release-bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(var),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SITE_URL": "https://cfp.bench.example",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=code,
        env={**os.environ},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    import django

    django.setup()
    from mail.models import EmailState, OutgoingEmail
    from reviews.services import decisions
    from reviews.tasks import send_decision_notifications

    prefix = f"r{uuid.uuid4().hex[:6]}-"
    started = time.monotonic()
    workshop, chair = build(args, prefix)
    print(f"[{code.name}] built {args.papers} papers in {time.monotonic() - started:.1f} s")

    import redis

    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    broker.delete(queue)

    plan = decisions.plan_release(workshop, chair)
    # The release's own notification task is run below, in this process and timed, instead
    # of being handed to the worker.
    real_publish = decisions.publish_on_commit

    def keep_notification_here(task, *a, **kw):
        if task != decisions.NOTIFY_TASK:
            real_publish(task, *a, **kw)

    cpu0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    with mock.patch.object(decisions, "publish_on_commit", keep_notification_here):
        release = decisions.release_decisions(
            workshop=workshop, by=chair, fingerprint=plan.fingerprint
        )
    cpu1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    send_decision_notifications.apply(args=[release.pk], throw=True)
    cpu2, wall2 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    rows = OutgoingEmail.objects.filter(workshop=workshop).count()
    published = broker.llen(queue)

    def cpu(a, b):
        return (b.ru_utime + b.ru_stime) - (a.ru_utime + a.ru_stime)

    print(
        f"[{code.name}] release {wall1 - wall0:.2f} s (CPU {cpu(cpu0, cpu1):.2f} s), "
        f"queue {rows} letters {wall2 - wall1:.2f} s (CPU {cpu(cpu1, cpu2):.2f} s), "
        f"{published} broker messages"
    )

    from tests.mail.live import CeleryProcess, wait_until

    log = (var / "celery.log").open("wb")
    worker = CeleryProcess(
        "worker",
        base_dir=code,
        work_dir=var,
        env={**env, "DATABASE_URL": database_url},
        queue=queue,
        concurrency=args.concurrency,
        log=log,
    )
    pending = OutgoingEmail.objects.filter(workshop=workshop).exclude(state=EmailState.SENT)
    worker.start()
    try:
        # The worker's CPU time is counted from its first message on (not its start-up).
        wait_until(lambda: bool(counter.arrivals), timeout=args.timeout, step=0.02)
        cpu_first, first_count = cpu_of_group(worker.proc.pid), len(counter.arrivals)
        drained = wait_until(lambda: not pending.exists(), timeout=args.timeout, step=0.5)
        worker_cpu = cpu_of_group(worker.proc.pid) - cpu_first
        counted = len(counter.arrivals) - first_count
        time.sleep(1)  # a late copy would arrive now
    finally:
        worker.stop()
        log.close()
        smtp.stop()
    broker.delete(queue)

    with counter.lock:
        messages = list(counter.messages)
        arrivals = list(getattr(counter, "arrivals", []))
    recipients: dict[str, int] = {}
    ids_per_recipient: dict[str, set] = {}
    for message_id, rcpt, _subject in messages:
        recipients[rcpt] = recipients.get(rcpt, 0) + 1
        ids_per_recipient.setdefault(rcpt, set()).add(message_id)
    expected = set(
        OutgoingEmail.objects.filter(workshop=workshop).values_list("recipient", flat=True)
    )
    authors = args.papers * args.authors_per_paper
    span = (max(arrivals) - min(arrivals)) if len(arrivals) > 1 else float("nan")
    result = {
        "code": code.name,
        "letters": rows,
        "release_s": wall1 - wall0,
        "release_cpu_s": cpu(cpu0, cpu1),
        "queue_s": wall2 - wall1,
        "queue_cpu_s": cpu(cpu1, cpu2),
        "broker_messages": published,
        "send_s": span,
        "messages_per_s": (len(arrivals) - 1) / span if span == span and span > 0 else 0,
        "worker_cpu_s": worker_cpu,
        "worker_cpu_ms_per_message": 1000 * worker_cpu / max(counted, 1),
        "received": len(messages),
        "authors": authors,
        "authors_one_letter": sum(1 for r in expected if recipients.get(r) == 1),
        "authors_missing": sum(1 for r in expected if r not in recipients),
        "authors_several": sum(1 for r in expected if recipients.get(r, 0) > 1),
        "authors_several_message_ids": sum(1 for ids in ids_per_recipient.values() if len(ids) > 1),
        "foreign": len(set(recipients) - expected),
        "drained": drained,
        "load": os.getloadavg(),
    }
    print(f"[{code.name}] " + json.dumps(result))
    return result


ROWS = [
    ("letters queued", "letters", "{:.0f}"),
    ("release (s)", "release_s", "{:.2f}"),
    ("release CPU (s)", "release_cpu_s", "{:.2f}"),
    ("queueing (s)", "queue_s", "{:.2f}"),
    ("queueing CPU (s)", "queue_cpu_s", "{:.2f}"),
    ("letters queued/s", None, "{:.0f}"),
    ("broker messages", "broker_messages", "{:.0f}"),
    ("sending (s)", "send_s", "{:.1f}"),
    ("messages/s (one worker)", "messages_per_s", "{:.0f}"),
    ("worker CPU ms/message", "worker_cpu_ms_per_message", "{:.2f}"),
    ("worker CPU (s)", "worker_cpu_s", "{:.1f}"),
    ("received at the server", "received", "{:.0f}"),
    ("authors with exactly 1 letter", "authors_one_letter", "{:.0f}"),
    ("authors missing a letter", "authors_missing", "{:.0f}"),
    ("authors with >1 letter", "authors_several", "{:.0f}"),
    ("letters to nobody expected", "foreign", "{:.0f}"),
]


def compare(args) -> int:
    results = []
    for code in (args.compare, str(HERE)):
        cmd = [sys.executable, __file__, "--code", code, "--json"]
        for name in ("papers", "authors_per_paper", "reviews", "concurrency", "timeout"):
            cmd += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
        out = subprocess.run(cmd, cwd=code, check=True, stdout=subprocess.PIPE, text=True)
        print(out.stdout, end="")
        line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")][-1]
        results.append(json.loads(line[len("RESULT ") :]))
    before, after = results
    for r in results:
        r[None] = r["letters"] / (r["release_s"] + r["queue_s"])
    print(f"\n{'':32} {'before':>10} {'after':>10} {'after/before':>13}")
    for label, key, fmt in ROWS:
        b, a = before[key], after[key]
        ratio = f"{a / b:.2f}x" if b and isinstance(b, float | int) and b == b else ""
        print(f"{label:32} {fmt.format(b):>10} {fmt.format(a):>10} {ratio:>13}")
    print(f"load average after the runs: {os.getloadavg()}")
    ok = all(
        r["drained"] and r["authors_one_letter"] == r["authors"] and not r["foreign"]
        for r in results
    )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--authors-per-paper", type=int, default=2)
    parser.add_argument("--reviews", type=int, default=3, help="submitted reviews per paper")
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's pool size")
    parser.add_argument("--timeout", type=float, default=900, help="give up sending after (s)")
    parser.add_argument("--compare", help="another checkout: run it first, then this one")
    parser.add_argument("--code", default=str(HERE), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        if not os.environ.get(name):
            parser.error(f"set {name} (PostgreSQL and Redis: the production shape)")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        parser.error("DATABASE_URL must name a scratch PostgreSQL database (it is dropped)")
    if args.compare:
        return compare(args)
    result = run_one(args)
    if args.json:
        print("RESULT " + json.dumps(result))
    ok = result["drained"] and result["authors_one_letter"] == result["authors"]
    return 0 if ok and not result["foreign"] else 1


if __name__ == "__main__":
    sys.exit(main())
