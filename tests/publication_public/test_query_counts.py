"""The exports and the bundle run a number of queries that does not grow with the papers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publication.exports import DATASETS
from reviews.models import ReviewAnswer, ReviewQuestion
from tests import factories

from .helpers import add_camera_ready, decided_paper, release

pytestmark = pytest.mark.django_db


def _workshop(size):
    workshop = factories.WorkshopFactory(is_archival=True)
    chair = factories.member(workshop, "chair")
    criterion = factories.ReviewCriterionFactory(workshop=workshop)
    questions = [
        ReviewQuestion.objects.create(workshop=workshop, label="Code?", kind="text", order=1),
        ReviewQuestion.objects.create(
            workshop=workshop, label="Notes", kind="text", order=2, visibility="chairs"
        ),
    ]
    rel = release(workshop)
    for number in range(1, size + 1):
        paper = decided_paper(workshop, number, rel=rel)
        add_camera_ready(paper, pages=1)
        review = factories.ReviewFactory(assignment__submission=paper)
        factories.ReviewScoreFactory(review=review, criterion=criterion)
        for q in questions:
            ReviewAnswer.objects.create(review=review, question=q, value=f"Answer {number}")
    return workshop, chair


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "url_of",
    [
        *[
            pytest.param(
                lambda w, name=name, fmt=fmt: reverse("exports:download", args=[w.slug, name, fmt]),
                id=f"{name}-{fmt}",
            )
            for name in DATASETS
            for fmt in ("csv", "json")
        ],
        pytest.param(lambda w: reverse("exports:index", args=[w.slug]), id="exports-page"),
        pytest.param(lambda w: reverse("exports:proceedings", args=[w.slug]), id="bundle"),
        pytest.param(lambda w: reverse("accepted:manage", args=[w.slug]), id="accepted-manage"),
    ],
)
def test_query_count_does_not_grow_with_the_papers(client, media_root, url_of):
    small, small_chair = _workshop(3)
    big, big_chair = _workshop(30)
    client.force_login(small_chair)
    few = _queries(client, url_of(small))
    client.force_login(big_chair)
    many = _queries(client, url_of(big))
    assert few == many, (few, many)
