"""Fault scenario: the Celery worker computing an automatic-assignment run is killed (SIGKILL).

Against the production shape (PostgreSQL, Redis, a real ``celery worker`` and ``celery beat``),
this script creates a scratch database with a synthetic workshop, starts a run, kills the worker
while the solver works, starts a fresh worker (as a supervisor would) and measures how long the
run stays "running" before beat's stale sweep fails it; then it reruns with the same
parameters. It prints what was
lost (the killed run's proposal: by design, the chair reruns) and whether anything hung.

Usage (the database named in the URL is dropped and re-created; give the broker a Redis
database of its own, the worker and beat use its default queue)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_bench_jobs \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python bench/kill_assignment_worker.py [--papers 1500] [--reviewers 300] \\
        [--timeout 150] [--keep]

``--timeout`` is ``JOB_HEARTBEAT_TIMEOUT`` in seconds for the worker and beat; the sweep runs
every minute, so the run should be failed between ``timeout`` and ``timeout + 60`` seconds
after the kill. Needs the test extra (factory-boy) for the synthetic workshop.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1500)
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=150.0)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("postgres") or not broker.startswith("redis://"):
        raise SystemExit("set DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...")

    from assignment_db_bench import scratch_database

    scratch_database(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["JOB_HEARTBEAT_TIMEOUT"] = str(options.timeout)
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from reviews.models import AssignmentRun, ProposedPair, RunState
    from reviews.services.auto_assign import RunParams, create_run
    from tests.autoassign.bigvenue import make_big_venue

    workdir = Path(tempfile.mkdtemp(prefix="kill-assignment-"))
    log = workdir / "celery.log"
    env = {**os.environ}
    print(f"Logs in {log}")
    workshop, chair = make_big_venue(n_papers=options.papers, n_reviewers=options.reviewers)
    print(f"Workshop: {options.papers} papers, {options.reviewers} reviewers")
    worker_args = ["worker", "--pool=solo", "--without-mingle", "--without-gossip", "-l", "INFO"]
    worker = start(worker_args, env, log)
    beat = start(["beat", "-s", str(workdir / "beat-schedule"), "-l", "INFO"], env, log)
    try:
        run = create_run(workshop, by=chair, params=RunParams(reviewers_per_paper=3))

        def solving():
            run.refresh_from_db()
            if run.state not in (RunState.QUEUED, RunState.RUNNING):
                raise SystemExit(f"the run ended before the kill ({run.state}): use more papers")
            return run.progress >= 70

        wait_for(solving, 300, "the solver to start")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
        print(f"Run {run.pk}: worker killed with SIGKILL at {run.progress} % ({run.message})")
        # A supervisor (Docker's restart policy, systemd) starts a new worker: it runs beat's
        # sweep. The killed task's message waits unacknowledged for the broker's visibility
        # timeout; when it comes back, the run is no longer queued and it does nothing.
        worker = start(worker_args, env, log)

        def failed():
            run.refresh_from_db()
            return run.state != RunState.RUNNING

        wait_for(failed, options.timeout + 180, "beat to fail the run")
        waited = time.monotonic() - killed_at
        state = run.get_state_display()
        print(f"Run {run.pk}: {state} {waited:.0f} s after the kill: {run.message}")
        lost = ProposedPair.objects.filter(run=run).count()
        print(f"Run {run.pk}: {lost} proposed pairs stored (the chair reruns; nothing half-saved)")

        started = time.monotonic()
        rerun = create_run(workshop, by=chair, params=RunParams.from_json(run.params))

        def finished():
            rerun.refresh_from_db()
            return rerun.state in (RunState.DONE, RunState.FAILED)

        wait_for(finished, 600, "the rerun")
        pairs = ProposedPair.objects.filter(run=rerun).count()
        print(
            f"Rerun {rerun.pk}: {rerun.get_state_display()} in {time.monotonic() - started:.0f} s"
            f", {pairs} proposed pairs"
        )
        hung = AssignmentRun.objects.filter(state__in=[RunState.QUEUED, RunState.RUNNING]).count()
        print(f"Runs still queued or running: {hung}")
        within = options.timeout + 60
        verdict = "yes" if waited <= within + 5 else "NO"
        print(f"Failed within the timeout plus one beat period ({within:.0f} s): {verdict}")
    finally:
        stop(worker)
        stop(beat)
        from django.db import connections

        connections.close_all()
        if not options.keep:
            scratch_database(url, drop_only=True)


if __name__ == "__main__":
    main()
