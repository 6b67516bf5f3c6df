import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def paper(db):
    workshop = factories.WorkshopFactory(anonymity="double_blind")
    submission = factories.SubmissionFactory(workshop=workshop, submitted=True)
    factories.AuthorshipFactory(
        submission=submission, name="Grace Hopper", affiliation="Navy Research Lab"
    )
    return submission


def _page(client, user, submission):
    client.force_login(user)
    return client.get(
        reverse("submissions:detail", args=[submission.workshop.slug, submission.number])
    )


@pytest.mark.django_db
def test_detail_assigned_reviewer_gets_no_author_rows_in_the_context(client, paper):
    reviewer = factories.member(paper.workshop, "reviewer")
    factories.AssignmentFactory(submission=paper, reviewer=reviewer)

    response = _page(client, reviewer, paper)

    assert response.status_code == 200
    assert response.context["authors"] == []
    assert "Grace Hopper" not in response.content.decode()
    assert "Navy Research Lab" not in response.content.decode()


@pytest.mark.django_db
def test_detail_chair_sees_the_author_list(client, paper):
    chair = factories.member(paper.workshop, "chair")

    response = _page(client, chair, paper)

    assert [a.name for a in response.context["authors"]] == ["Grace Hopper"]
    assert "Grace Hopper" in response.content.decode()
