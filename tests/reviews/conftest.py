"""The review scenario: a double-blind workshop in review with authors, a committee, conflicts."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from reviews.enums import ConflictSource, Phase
from tests import factories as base
from tests.scenarios import (
    COMMITTEE_AFFILIATION,
    REVIEWER_EMAIL,
    REVIEWER_NAME,
    paper_under_review,
    set_phase,
    the_authors,
    workshop_in_review,
)


@dataclass
class Scenario:
    workshop: object
    paper: object
    other_paper: object
    chair: object
    conflicted_chair: object
    assigned: object
    unassigned: object
    conflicted_reviewer: object
    author: object
    coauthor: object
    unrelated_author: object
    assignment: object
    criteria: list
    topics: list

    def user(self, role):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture(autouse=True)
def _files_and_links(media_root, settings):
    """Uploads go to the test's own folder; links point at the public site."""
    settings.SITE_URL = "https://cfp.example.org"


@pytest.fixture
def scenario(db):
    now = timezone.now()
    workshop, criteria = workshop_in_review(now)
    topics = [
        base.TopicFactory(workshop=workshop, name="Adversarial examples"),
        base.TopicFactory(workshop=workshop, name="Poisoning"),
    ]

    def committee(role, name, email):
        return base.member(
            workshop, role, full_name=name, email=email, affiliation=COMMITTEE_AFFILIATION
        )

    chair = committee("chair", "Carla Chair", "carla@chairs.example")
    conflicted_chair = committee("chair", "Conrad Chair", "conrad@chairs2.example")
    assigned = committee("reviewer", REVIEWER_NAME, REVIEWER_EMAIL)
    unassigned = committee("reviewer", "Uma Unassigned", "uma@reviewers2.example")
    conflicted_reviewer = committee("reviewer", "Cody Conflicted", "cody@reviewers3.example")

    author, coauthor = the_authors()
    unrelated_author = base.UserFactory(full_name="Ursula Other", email="ursula@other.example")

    paper = paper_under_review(workshop, topics[0], [author, coauthor], pdf_author=author.full_name)

    other_paper = base.SubmissionFactory(
        workshop=workshop,
        number=2,
        title="Poisoning at scale",
        created_by=unrelated_author,
        submitted=True,
    )
    other_paper.topics.set([topics[1]])
    base.AuthorshipFactory(
        submission=other_paper,
        user=unrelated_author,
        name=unrelated_author.full_name,
        email=unrelated_author.email,
        affiliation="Other University",
        order=0,
    )
    base.SubmissionFileFactory(submission=other_paper, from_pdf=True, author="Ursula Other")

    base.ConflictFactory(submission=paper, user=conflicted_reviewer, source=ConflictSource.AUTHOR)
    base.ConflictFactory(submission=paper, user=conflicted_chair, source=ConflictSource.CHAIR)
    assignment = base.AssignmentFactory(
        submission=paper, reviewer=assigned, ordinal=1, due_at=now + dt.timedelta(days=10)
    )
    set_phase(workshop, Phase.REVIEWING)
    return Scenario(
        workshop=workshop,
        paper=paper,
        other_paper=other_paper,
        chair=chair,
        conflicted_chair=conflicted_chair,
        assigned=assigned,
        unassigned=unassigned,
        conflicted_reviewer=conflicted_reviewer,
        author=author,
        coauthor=coauthor,
        unrelated_author=unrelated_author,
        assignment=assignment,
        criteria=criteria,
        topics=topics,
    )


@pytest.fixture
def login(client):
    def do(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return do


def reopen(submission, days=5):
    """Give ``submission`` a deadline of its own ``days`` from now: its authors may edit it (and
    declare conflicts) again."""
    submission.deadline_override = timezone.now() + dt.timedelta(days=days)
    submission.save(update_fields=["deadline_override"])
    return submission
