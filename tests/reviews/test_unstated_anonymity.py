import pytest

from reviews.permissions import forget_rights, paper_rights
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("anonymity", "reviewer_sees_authors"),
    [("double_blind", False), ("not_stated", False), ("single_blind", True), ("open", True)],
)
def test_assigned_reviewer_sees_authors_only_when_the_call_gives_up_anonymity(
    anonymity, reviewer_sees_authors
):
    workshop = factories.WorkshopFactory(anonymity=anonymity)
    reviewer = factories.member(workshop, "reviewer")
    submission = factories.SubmissionFactory(workshop=workshop, submitted=True)
    factories.AssignmentFactory(submission=submission, reviewer=reviewer)
    forget_rights(reviewer)

    assert paper_rights(reviewer, submission).can_see_authors is reviewer_sees_authors
    assert reviewer.has_perm("submissions.see_authors", submission) is reviewer_sees_authors
