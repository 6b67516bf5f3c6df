"""Runs whose worker died are failed by the stale sweep; their page stops refreshing.

The real thing (a worker process killed with SIGKILL mid-run) is in test_worker_killed.py; these
tests cover the sweep's rules and the page on any database.
"""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import AssignmentRun, ProposedPair, RunState
from reviews.schedule import BEAT_SCHEDULE
from reviews.services.auto_assign import RunParams, execute_run, fail_stale_runs
from reviews.services.auto_assign import runs as runs_module
from workshops.jobs import WORKER_DIED, Heartbeat

pytestmark = pytest.mark.django_db


def running_run(venue, *, silent_for: dt.timedelta) -> AssignmentRun:
    now = timezone.now()
    return AssignmentRun.objects.create(
        workshop=venue.workshop,
        created_by=venue.chair,
        params=RunParams(reviewers_per_paper=2).as_json(),
        state=RunState.RUNNING,
        progress=70,
        message="Solving over 30 candidate pairs",
        started_at=now - silent_for - dt.timedelta(seconds=30),
        heartbeat_at=now - silent_for,
    )


def test_running_run_without_heartbeat_is_failed_with_a_plain_message(venue):
    dead = running_run(venue, silent_for=dt.timedelta(minutes=3))
    alive = running_run(venue, silent_for=dt.timedelta(seconds=20))

    assert fail_stale_runs() == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == RunState.FAILED
    assert dead.message == WORKER_DIED
    assert dead.finished_at is not None
    assert alive.state == RunState.RUNNING
    assert fail_stale_runs() == 0  # idempotent


def test_run_that_never_beat_counts_from_its_start(venue):
    run = running_run(venue, silent_for=dt.timedelta(minutes=5))
    AssignmentRun.objects.filter(pk=run.pk).update(heartbeat_at=None)

    assert fail_stale_runs() == 1


def test_queued_run_no_worker_took_is_failed_after_fifteen_minutes(venue):
    old = AssignmentRun.objects.create(workshop=venue.workshop, params={})
    recent = AssignmentRun.objects.create(workshop=venue.workshop, params={})
    AssignmentRun.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=16)
    )

    assert fail_stale_runs() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == RunState.FAILED
    assert "No background worker started this run" in old.message
    assert recent.state == RunState.QUEUED


def test_finished_runs_are_never_touched(venue):
    run = running_run(venue, silent_for=dt.timedelta(hours=1))
    AssignmentRun.objects.filter(pk=run.pk).update(state=RunState.DONE, message="Proposal ready")

    assert fail_stale_runs() == 0
    run.refresh_from_db()
    assert run.state == RunState.DONE


def test_the_sweep_runs_every_minute_on_beat():
    entry = BEAT_SCHEDULE["reviews.fail_stale_assignment_runs"]
    assert entry["task"] == "reviews.fail_stale_assignment_runs"
    assert entry["schedule"].minute == set(range(60))
    assert entry["schedule"].hour == set(range(24))


def test_page_of_a_dead_run_stops_refreshing_and_offers_a_rerun(
    client, venue, django_capture_on_commit_callbacks
):
    run = running_run(venue, silent_for=dt.timedelta(minutes=3))
    client.force_login(venue.chair)
    url = reverse("autoassign:run", args=[venue.workshop.slug, run.pk])

    # The page itself sweeps the run it shows: no need to wait for beat.
    html = client.get(url).content.decode()

    assert 'http-equiv="refresh"' not in html
    assert "<progress" not in html
    assert WORKER_DIED in html
    rerun_url = reverse("autoassign:rerun", args=[venue.workshop.slug, run.pk])
    assert f'action="{rerun_url}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rerun_url)
    new = AssignmentRun.objects.latest("pk")
    assert response["Location"] == reverse("autoassign:run", args=[venue.workshop.slug, new.pk])
    assert new.params == run.params
    assert new.state == RunState.DONE, new.message
    html = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "Proposal ready" in html


def test_page_of_a_living_run_keeps_refreshing_with_a_link(client, venue):
    run = running_run(venue, silent_for=dt.timedelta(seconds=10))
    client.force_login(venue.chair)

    html = client.get(
        reverse("autoassign:run", args=[venue.workshop.slug, run.pk])
    ).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in html
    refresh_link = f'href="{reverse("autoassign:run", args=[venue.workshop.slug, run.pk])}"'
    assert refresh_link in html  # without meta refresh, a link does it
    run.refresh_from_db()
    assert run.state == RunState.RUNNING


def test_index_shows_dead_runs_as_failed(client, venue):
    run = running_run(venue, silent_for=dt.timedelta(minutes=3))
    client.force_login(venue.chair)

    client.get(reverse("autoassign:index", args=[venue.workshop.slug]))

    run.refresh_from_db()
    assert run.state == RunState.FAILED


def test_rerun_is_for_chairs_only(client, venue):
    run = running_run(venue, silent_for=dt.timedelta(minutes=3))
    client.force_login(venue.reviewers[0])

    response = client.post(reverse("autoassign:rerun", args=[venue.workshop.slug, run.pk]))

    assert response.status_code == 404
    assert AssignmentRun.objects.count() == 1


def test_worker_declared_dead_does_not_overwrite_the_verdict(venue, monkeypatch):
    """A worker that was only paused (not dead) and resumes after the sweep failed its run
    drops its result: the chair already saw "failed" and may have started another run."""
    run = AssignmentRun.objects.create(
        workshop=venue.workshop, params=RunParams(reviewers_per_paper=2).as_json()
    )
    solve = runs_module.solve_problem

    def paused_then_swept(problem):
        result = solve(problem)
        # The sweep runs while this worker is paused just before saving the proposal.
        AssignmentRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - dt.timedelta(minutes=10)
        )
        assert fail_stale_runs() == 1
        return result

    monkeypatch.setattr(runs_module, "solve_problem", paused_then_swept)

    execute_run(run.pk)

    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.message == WORKER_DIED
    assert not ProposedPair.objects.filter(run=run).exists()


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_beats_while_the_caller_is_busy(venue):
    run = running_run(venue, silent_for=dt.timedelta(minutes=10))
    before = run.heartbeat_at

    with Heartbeat(AssignmentRun.objects.filter(pk=run.pk, state=RunState.RUNNING), interval=0.05):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # a long call that reports nothing
            run.refresh_from_db()
            if run.heartbeat_at > before:
                break
            time.sleep(0.05)

    assert run.heartbeat_at > before
    assert fail_stale_runs() == 0
    run.refresh_from_db()  # the thread may have beaten once more before it stopped
    after = run.heartbeat_at
    AssignmentRun.objects.filter(pk=run.pk).update(state=RunState.FAILED)
    with Heartbeat(AssignmentRun.objects.filter(pk=run.pk, state=RunState.RUNNING), interval=0.05):
        time.sleep(0.3)
    run.refresh_from_db()
    assert run.heartbeat_at == after  # a failed job is never brought back by its heartbeat
