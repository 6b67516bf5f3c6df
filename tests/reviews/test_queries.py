"""Lists and dashboards run a constant number of queries in the number of papers and reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.enums import Phase
from reviews.services.assignments import assign
from tests import factories as base
from tests.scenarios import set_phase, submit_review


def add_papers(s, start, n, reviewers):
    for i in range(start, start + n):
        paper = base.SubmissionFactory(workshop=s.workshop, number=100 + i, submitted=True)
        paper.topics.set(s.topics)
        base.AuthorshipFactory(submission=paper)
        base.SubmissionFileFactory(submission=paper, from_pdf=True)
        for reviewer in reviewers:
            a = assign(submission=paper, reviewer=reviewer, by=s.chair, notify=False)
            submit_review(a, s.criteria)


def count(client, url):
    client.get(url)  # warm up: profiles and settings created on first visit
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def reviewers(scenario):
    users = [scenario.assigned, scenario.unassigned]
    for _ in range(2):
        user = base.member(scenario.workshop, "reviewer")
        users.append(user)
    return users


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=mean",
        "?sort=spread&missing=1",
        "?state=submitted",
        "?sort=-title&per_page=25&page=2",
    ],
)
def test_chair_dashboard_queries_constant(scenario, reviewers, login, query):
    url = reverse("reviews:manage", args=[scenario.workshop.slug]) + query
    add_papers(scenario, 0, 1, reviewers[:1])
    client = login(scenario.chair)
    few = count(client, url)

    add_papers(scenario, 1, 6, reviewers)
    many = count(client, url)

    assert many == few


def test_reviewer_workshop_page_queries_constant(scenario, reviewers, login):
    url = reverse("reviews:workshop", args=[scenario.workshop.slug])
    client = login(scenario.assigned)
    few = count(client, url)

    add_papers(scenario, 0, 6, reviewers)
    many = count(client, url)

    assert many == few


def test_bidding_list_queries_constant(scenario, reviewers, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    url = reverse("reviews:bids", args=[scenario.workshop.slug])
    client = login(scenario.unassigned)
    few = count(client, url)

    for i in range(6):
        paper = base.SubmissionFactory(workshop=scenario.workshop, number=200 + i, submitted=True)
        paper.topics.set(scenario.topics)
    many = count(client, url)

    assert many == few


def test_dashboard_statistics(scenario, reviewers, login):
    from reviews.services.dashboard import paper_rows

    a2 = assign(submission=scenario.paper, reviewer=scenario.unassigned, by=scenario.chair)
    submit_review(scenario.assignment, scenario.criteria, recommendation=2, confidence=5)
    submit_review(a2, scenario.criteria, recommendation=6, confidence=3)
    third = assign(submission=scenario.paper, reviewer=reviewers[2], by=scenario.chair)
    assert third.ordinal == 3

    rows = {r.number: r for r in paper_rows(scenario.workshop, scenario.chair)}

    row = rows[1]
    assert (row.assigned, row.submitted, row.missing) == (3, 2, 1)
    assert row.mean == 4 and row.spread == 4 and row.stdev == 2 and row.confidence == 4
    assert row.criteria_means[scenario.criteria[0].pk] == 2
    # Sorting and filtering.
    by_spread = paper_rows(scenario.workshop, scenario.chair, sort="spread")
    assert by_spread[0].number == 1
    missing = paper_rows(scenario.workshop, scenario.chair, missing_only=True)
    assert [r.number for r in missing] == [1]
    # The conflicted chair never sees paper 1.
    assert 1 not in {r.number for r in paper_rows(scenario.workshop, scenario.conflicted_chair)}
