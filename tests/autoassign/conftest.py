"""A small venue for the automatic assignment: papers, a committee, bids and conflicts."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from tests import factories
from workshops.enums import DateKind


@dataclass
class Venue:
    workshop: object
    chair: object
    papers: list = field(default_factory=list)
    reviewers: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)  # (paper, reviewer)


def make_venue(*, n_papers=6, n_reviewers=5, chair=None, workshop=None) -> Venue:
    workshop = workshop or factories.WorkshopFactory()
    factories.ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.REVIEWS_DUE,
        original_at=timezone.now() + dt.timedelta(days=30),
    )
    if chair is None:
        chair = factories.UserFactory(full_name="Carla Chair")
    factories.MembershipFactory(workshop=workshop, user=chair, role="chair")
    venue = Venue(workshop=workshop, chair=chair)
    author = factories.UserFactory(full_name="Ada Author")
    for i in range(n_papers):
        paper = factories.SubmissionFactory(
            workshop=workshop,
            number=i + 1,
            title=f"Paper {i + 1}",
            abstract="We study robust machine learning.",
            created_by=author,
            submitted=True,
        )
        venue.papers.append(paper)
    for i in range(n_reviewers):
        reviewer = factories.member(workshop, "reviewer", full_name=f"Reviewer {chr(65 + i)}")
        venue.reviewers.append(reviewer)
    return venue


@pytest.fixture
def venue(db):
    """6 papers, 5 reviewers; reviewer A bids eager on paper 1, B is conflicted with paper 1,
    C bids "conflict" on paper 2."""
    v = make_venue()
    a, b, c = v.reviewers[:3]
    factories.BidFactory(submission=v.papers[0], reviewer=a, preference="eager")
    factories.ConflictFactory(submission=v.papers[0], user=b, source="chair")
    factories.BidFactory(submission=v.papers[1], reviewer=c, preference="conflict")
    v.conflicts = [(v.papers[0], b), (v.papers[1], c)]
    return v
