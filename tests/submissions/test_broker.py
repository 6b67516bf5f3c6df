"""One end-to-end check through a real Celery worker on the real broker (Redis in CI)."""

import os
import threading
import time
import uuid

import pytest
from celery.signals import task_postrun, task_prerun
from django.core import mail

from mail.models import EmailState, OutgoingEmail
from submissions.enums import SubmissionState
from submissions.services.state import set_state


def broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith("redis://"):
        return url
    reason = "needs CELERY_BROKER_URL=redis://... (a real broker) to start a Celery worker"
    if os.environ.get("REQUIRE_BROKER") == "1":
        pytest.fail(f"REQUIRE_BROKER=1 but {reason}; got {url!r}")
    pytest.skip(reason)


@pytest.fixture
def live_worker():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    url = broker_url()
    overrides = {
        "broker_url": url,
        "task_always_eager": False,
        # A queue of our own, so a worker of another test run on the same broker cannot
        # take our task (and we cannot take theirs).
        "task_default_queue": f"test-submissions-{uuid.uuid4().hex}",
    }
    saved = {key: app.conf.get(key) for key in overrides}
    app.conf.update(overrides)
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=10,
            queues=[overrides["task_default_queue"]],
        ):
            yield app
    finally:
        app.conf.update(saved)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_submit_confirmation_sent_by_real_worker(
    live_worker, make_submission, author_user, frozen_now
):
    submission = make_submission(state=SubmissionState.DRAFT)

    done = threading.Event()
    seen_before_delivery = []

    def ours(sender, args) -> bool:
        # Only this test's confirmation counts, not a task some other run left on the broker.
        return (
            sender is not None
            and sender.name == "mail.send_email"
            and OutgoingEmail.objects.filter(
                pk=args[0], template_role="submission.submitted"
            ).exists()
        )

    def starting(sender=None, args=(), **kwargs):
        # Runs in the worker thread, just before the task: the row is still queued.
        if ours(sender, args):
            seen_before_delivery.append(OutgoingEmail.objects.get(pk=args[0]).state)

    def finished(sender=None, args=(), **kwargs):
        if ours(sender, args):
            done.set()

    # Wait for the worker's signal instead of polling: on SQLite, reading while the worker
    # thread writes would make one of them fail with "database table is locked".
    task_prerun.connect(starting, weak=False)
    task_postrun.connect(finished, weak=False)
    try:
        set_state(submission, SubmissionState.SUBMITTED, by=author_user)  # commits: enqueued
        assert done.wait(timeout=30), "the worker did not run mail.send_email within 30 s"
    finally:
        task_prerun.disconnect(starting)
        task_postrun.disconnect(finished)

    email = OutgoingEmail.objects.get(template_role="submission.submitted")
    assert seen_before_delivery == [EmailState.QUEUED]
    assert email.state == EmailState.SENT, email.error
    assert email.attempts == 1
    time.sleep(0.5)  # a duplicate delivery would show up here
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [author_user.email]
    assert f"Submission #{submission.number} received" in mail.outbox[0].subject
