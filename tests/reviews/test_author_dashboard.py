"""The authors' dashboard (submissions app) shows a released outcome and links to the reviews,
through ``{% released_decisions %}``: nothing before the release, one query for any number."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.enums import Phase
from reviews.services.decisions import stage_decision
from tests import factories as base
from tests.scenarios import release_now, set_phase


def _more_papers(scenario, n):
    for i in range(n):
        paper = base.SubmissionFactory(
            workshop=scenario.workshop, number=10 + i, created_by=scenario.author, submitted=True
        )
        base.AuthorshipFactory(
            submission=paper, user=scenario.author, email=scenario.author.email, order=0
        )
        stage_decision(submission=paper, outcome="accept_talk", by=scenario.chair)


def test_dashboard_shows_outcome_only_after_release(scenario, login):
    set_phase(scenario.workshop, Phase.DECISIONS)
    stage_decision(submission=scenario.paper, outcome="accept_poster", by=scenario.chair)
    client = login(scenario.author)
    url = reverse("submissions:dashboard")

    before = client.get(url).content.decode()
    release_now(workshop=scenario.workshop, by=scenario.chair)
    after = client.get(url).content.decode()

    assert "Accepted — poster" not in before and "#decision-heading" not in before
    assert "Accepted — poster" in after
    assert f"{scenario.paper.get_absolute_url()}#decision-heading" in after


def test_dashboard_decisions_query_count_is_constant(scenario, login):
    set_phase(scenario.workshop, Phase.DECISIONS)
    stage_decision(submission=scenario.paper, outcome="accept_poster", by=scenario.chair)
    client = login(scenario.author)
    url = reverse("submissions:dashboard")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    release_now(workshop=scenario.workshop, by=scenario.chair)
    one = count()
    _more_papers(scenario, 5)
    release_now(workshop=scenario.workshop, by=scenario.chair)

    assert count() == one
    assert client.get(url).content.decode().count("Accepted — talk") == 5
