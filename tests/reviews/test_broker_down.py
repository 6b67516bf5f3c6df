"""Decisions released while the broker is down: the release stands, the chair sees no error
page, and the beat sweep sends the notifications once the broker is back. The broker is real
but unreachable (``dead_broker``: Redis on a closed port, not eager); nothing is mocked."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from mail.models import OutgoingEmail
from reviews.enums import Phase
from reviews.models import DecisionRelease
from reviews.services.decisions import stage_decision
from reviews.tasks import renotify_pending_releases
from submissions.enums import SubmissionState
from tests.scenarios import set_phase, submit_review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def decided(scenario):
    s = scenario
    submit_review(s.assignment, s.criteria)
    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="accept_poster", comments="Good.", by=s.chair)
    stage_decision(submission=s.other_paper, outcome="reject", by=s.chair)
    return s


def test_decisions_released_while_the_broker_is_down_stand_and_are_sent_later(
    dead_broker, decided, client
):
    from config.celery import app

    client.force_login(decided.chair)
    url = reverse("reviews:release_confirm", args=[decided.workshop.slug])
    page = client.get(url).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    response = client.post(url, {"fingerprint": fingerprint})

    assert response.status_code == 302
    release = DecisionRelease.objects.get()
    assert release.notified_at is None
    assert not OutgoingEmail.objects.exists()
    decided.paper.refresh_from_db()
    assert decided.paper.state == SubmissionState.ACCEPTED

    # The broker is back (eager here): the beat sweep queues the lost notification once.
    app.conf.task_always_eager = True
    assert renotify_pending_releases.delay().get() == 0  # not yet: it may still be on its way
    DecisionRelease.objects.update(created_at=release.created_at.replace(year=2000))
    assert renotify_pending_releases.delay().get() == 1
    release.refresh_from_db()
    assert release.notified_at is not None
    assert len(mail.outbox) == 3


def test_conflicts_are_detected_even_while_the_broker_is_down(dead_broker, scenario, caplog):
    from reviews.enums import ConflictSource
    from tests.reviews.test_conflicts import sources

    scenario.unassigned.affiliation = "Anon Institute of Secrets"  # the paper's authors'
    scenario.unassigned.save()  # commits; detection cannot be queued, so it runs here

    assert sources(scenario.paper, scenario.unassigned) == {ConflictSource.AUTO_AFFILIATION}
    assert "run in the web process instead" in caplog.text
