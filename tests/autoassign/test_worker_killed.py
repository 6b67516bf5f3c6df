"""A worker killed with SIGKILL in the middle of an assignment run: the run does not hang.

A real Celery worker process on the real broker (Redis) computes a run large enough to take
seconds; the test kills it while the solver works, runs the stale sweep and checks that the run
is failed with a plain message, that its page stops refreshing, and that a rerun completes on a
fresh worker. The worker must read the test's database, so the test needs PostgreSQL.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from reviews.models import AssignmentRun, ProposedPair, RunState
from reviews.services.auto_assign import fail_stale_runs
from workshops.jobs import WORKER_DIED

from .bigvenue import make_big_venue

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]
# Large enough that the solve outlasts a few heartbeats on a fast, idle machine.
N_PAPERS = 4000


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROKER") == "1":
        pytest.fail(f"REQUIRE_BROKER=1 but {reason}")
    pytest.skip(reason)


def requirements() -> tuple[str, str]:
    """(broker URL, URL of the test database) for the worker process, or skip/fail."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        _unavailable(f"needs CELERY_BROKER_URL=redis://... to start a worker; got {url!r}")
    if connection.vendor != "postgresql":
        _unavailable("needs DATABASE_URL=postgres://... (the worker process shares the database)")
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    database_url = (
        f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return url, database_url


class Worker:
    """``celery worker`` in its own process (solo pool: the process that runs the task)."""

    def __init__(self, queue: str, broker: str, database: str, log: Path):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": broker,
            "JOB_HEARTBEAT_INTERVAL": "0.05",
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "--without-mingle",
             "--without-gossip", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def broker_app(tmp_path):
    """The test process publishes to the real broker, on a queue of its own; workers started
    with ``start`` listen only to that queue and are stopped at the end."""
    from config.celery import app

    broker, database = requirements()
    queue = f"test-autoassign-{uuid.uuid4().hex}"
    overrides = {"broker_url": broker, "task_always_eager": False, "task_default_queue": queue}
    saved = {key: app.conf.get(key) for key in overrides}
    app.close()  # no connection pool from an earlier test: publish to this broker
    app.conf.update(overrides)
    workers: list[Worker] = []

    def start() -> Worker:
        workers.append(Worker(queue, broker, database, tmp_path / "worker.log"))
        return workers[-1]

    try:
        yield start, tmp_path / "worker.log"
    finally:
        for worker in workers:
            worker.stop()
        app.close()
        app.conf.update(saved)


def wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}\nworker log:\n{tail}")


def test_run_whose_worker_is_killed_is_failed_and_can_be_rerun(client, broker_app):
    start_worker, log = broker_app
    worker = start_worker()  # starts while the venue is built
    workshop, chair = make_big_venue(n_papers=N_PAPERS, n_reviewers=N_PAPERS // 5)
    client.force_login(chair)

    response = client.post(
        reverse("autoassign:index", args=[workshop.slug]),
        {
            "reviewers_per_paper": 3,
            "min_load": 0,
            "use_profile_loads": "on",
            **{f"weight_{s}": 1 for s in ("bid", "topic", "text", "imported")},
        },
    )
    assert response.status_code == 302
    run = AssignmentRun.objects.get(workshop=workshop)

    # Wait until the solver works (it reports no progress), then kill the worker at once.
    # (That its heartbeat thread beats while the solver holds the process is its own test,
    # tests/autoassign/test_heartbeat.py.)
    def solving():
        run.refresh_from_db()
        assert run.state in (RunState.QUEUED, RunState.RUNNING), (
            f"the run ended before the kill ({run.state}: {run.message}): enlarge N_PAPERS"
        )
        return run.progress >= 70

    wait_for(solving, timeout=60, what="the solver to start", log=log)
    worker.kill()
    start_worker()  # a fresh worker for the rerun, starting while the dead run is swept

    run.refresh_from_db()
    assert run.state == RunState.RUNNING  # what the chair saw forever before
    assert fail_stale_runs() == 0  # 2.5 minutes have not passed: not declared dead yet
    time.sleep(1.5)
    assert fail_stale_runs(timeout=dt.timedelta(seconds=1)) == 1

    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.message == WORKER_DIED
    assert not ProposedPair.objects.filter(run=run).exists()
    page = client.get(reverse("autoassign:run", args=[workshop.slug, run.pk]))
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "Start the run again" in html
    assert reverse("autoassign:rerun", args=[workshop.slug, run.pk]) in html

    response = client.post(reverse("autoassign:rerun", args=[workshop.slug, run.pk]))
    rerun = AssignmentRun.objects.exclude(pk=run.pk).get(workshop=workshop)
    assert response["Location"] == reverse("autoassign:run", args=[workshop.slug, rerun.pk])
    assert rerun.params == run.params

    def finished():
        rerun.refresh_from_db()
        return rerun.state in (RunState.DONE, RunState.FAILED)

    wait_for(finished, timeout=60, what="the rerun on a fresh worker", log=log)
    assert rerun.state == RunState.DONE, rerun.message
    assert ProposedPair.objects.filter(run=rerun).count() == 3 * N_PAPERS
    run.refresh_from_db()
    assert run.state == RunState.FAILED  # the dead run stays dead
    page = client.get(reverse("autoassign:run", args=[workshop.slug, rerun.pk]))
    assert 'http-equiv="refresh"' not in page.content.decode()
