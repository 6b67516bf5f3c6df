"""A broker that is down after the COMMIT never turns saved work into an error page.

The broker here is real but unreachable: a Redis URL on a local port nobody listens on, with
Celery's eager mode off, so every publish goes through kombu's Redis transport and fails the
way it fails in production (connection refused). Nothing is mocked.
"""

import logging
import socket
import time

import pytest
from django.urls import reverse

from config.dispatch import publish
from mail.models import EmailState, OutgoingEmail
from reviews.tasks import detect_conflicts
from submissions.enums import SubmissionState
from submissions.models import Submission
from tests import factories
from tests.conftest import _forget_connections
from tests.pdfs import make_pdf
from tests.submissions.helpers import form_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_publish_to_a_dead_broker_fails_fast_and_is_logged(dead_broker, caplog):
    publish(detect_conflicts, 1)  # the first one also imports the Redis client, once
    caplog.clear()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="config.dispatch"):
        handed_over = publish(detect_conflicts, 1)
    elapsed = time.monotonic() - started

    assert handed_over is False
    # Measured 0.07 s: the connection is refused at once, retried once.
    assert elapsed < 1.5, f"a failed publish held the request {elapsed:.2f} s"
    [record] = [r for r in caplog.records if r.name == "config.dispatch"]
    assert "reviews.detect_conflicts" in record.getMessage()
    assert record.exc_info is None  # one line, no traceback


@pytest.fixture
def open_call(db):
    workshop = factories.WorkshopFactory(code_of_conduct_url="", dual_submission_allowed=True)
    factories.ImportantDateFactory(workshop=workshop)
    factories.SubmissionTypeFactory(workshop=workshop)
    factories.TopicFactory(workshop=workshop)
    return workshop


def test_a_paper_submitted_while_the_broker_is_down_is_confirmed(
    dead_broker, open_call, client, media_root
):
    author = factories.UserFactory(full_name="Ada Lovelace", email="ada@analytical.example")
    client.force_login(author)
    data = form_data(
        open_call,
        pdf=make_pdf(3),
        token="broker-down",
        authors=[{"name": "Ada Lovelace", "email": "ada@analytical.example"}],
    )

    started = time.monotonic()
    response = client.post(reverse("submissions:create", args=[open_call.slug]), data)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert response.url == submission.get_absolute_url()
    assert submission.state == SubmissionState.SUBMITTED
    page = client.get(response.url).content.decode()
    assert f"Submission #{submission.number} is submitted" in page
    confirmation = OutgoingEmail.objects.get(template_role="submission.submitted")
    assert confirmation.state == EmailState.QUEUED
    assert elapsed < 5.0


def test_a_publish_to_a_broker_that_never_answers_gives_up_within_seconds(dead_broker):
    """A broker host that accepts the connection but never replies (hung, overloaded)."""
    from config.celery import app

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        app.conf.broker_url = url
        _forget_connections(app)
        publish(detect_conflicts, 1)  # imports the Redis client (once per process)
        started = time.monotonic()
        handed_over = publish(detect_conflicts, 1)
        elapsed = time.monotonic() - started

    assert handed_over is False
    # Measured about 2.2 s: the Redis socket timeout of the settings (2 s), no retry.
    assert elapsed < 4.0, f"a publish to a silent broker held the request {elapsed:.2f} s"
