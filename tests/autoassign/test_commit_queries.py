"""Committing a proposal costs the same number of queries for 3 pairs as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mail.models import OutgoingEmail
from reviews.models import Assignment
from reviews.services.auto_assign import RunParams, commit_run, create_run, execute_run

from .conftest import make_venue

pytestmark = pytest.mark.django_db


def committed_queries(n_papers: int) -> tuple[int, int]:
    venue = make_venue(n_papers=n_papers, n_reviewers=5)
    run = create_run(
        venue.workshop, by=venue.chair, params=RunParams(reviewers_per_paper=1, max_load=10)
    )
    execute_run(run.pk)
    run.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        outcome = commit_run(run, by=venue.chair)
    assert Assignment.objects.filter(submission__workshop=venue.workshop).count() == n_papers
    return len(queries), outcome.created


def test_commit_query_count_does_not_grow_with_pairs():
    few, created_few = committed_queries(3)
    many, created_many = committed_queries(30)

    assert (created_few, created_many) == (3, 30)
    assert few == many
    assert OutgoingEmail.objects.count() == 33
