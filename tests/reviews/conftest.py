"""The review scenario: a double-blind workshop in review with authors, a committee, conflicts."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from reviews.enums import ConflictSource, Phase
from reviews.models import ReviewSettings
from tests import factories as base
from tests.reviews import factories as f

# Strings that must never reach a reviewer: the authors' names, addresses and affiliations.
AUTHOR_SECRETS = [
    "Ada Lovelace-Author",
    "ada@anon-institute.edu",
    "Anon Institute of Secrets",
    "Bob Coauthor-Smith",
    "bob@coauthor-lab.org",
    "Coauthor Lab",
]
# Strings that must never reach an author: the reviewers' names and addresses.
REVIEWER_SECRETS = ["Rita Reviewer-Jones", "rita@reviewers.example", "Secret note for the chairs"]


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
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://cfp.example.org"


def set_phase(workshop, phase):
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    settings.phase = phase
    settings.save()
    if hasattr(workshop, "_review_settings_cache"):
        del workshop._review_settings_cache


@pytest.fixture
def scenario(db):
    now = timezone.now()
    workshop = base.WorkshopFactory(name="Workshop on Robust Learning", acronym="WRL")
    base.ImportantDateFactory(
        workshop=workshop, kind="paper_submission", original_at=now - dt.timedelta(days=20)
    )
    base.ImportantDateFactory(
        workshop=workshop, kind="reviews_due", original_at=now + dt.timedelta(days=10)
    )
    topics = [
        base.TopicFactory(workshop=workshop, name="Adversarial examples"),
        base.TopicFactory(workshop=workshop, name="Poisoning"),
    ]
    criteria = [
        base.ReviewCriterionFactory(workshop=workshop, name="Novelty", order=1),
        base.ReviewCriterionFactory(
            workshop=workshop, name="Soundness", order=2, scale=["Weak", "OK", "Strong"]
        ),
    ]

    def member(name, email, role, affiliation="Committee University"):
        user = base.UserFactory(full_name=name, email=email, affiliation=affiliation)
        base.MembershipFactory(workshop=workshop, user=user, role=role)
        return user

    chair = member("Carla Chair", "carla@chairs.example", "chair")
    conflicted_chair = member("Conrad Chair", "conrad@chairs2.example", "chair")
    assigned = member("Rita Reviewer-Jones", "rita@reviewers.example", "reviewer")
    unassigned = member("Uma Unassigned", "uma@reviewers2.example", "reviewer")
    conflicted_reviewer = member("Cody Conflicted", "cody@reviewers3.example", "reviewer")

    author = base.UserFactory(
        full_name="Ada Lovelace-Author",
        email="ada@anon-institute.edu",
        affiliation="Anon Institute of Secrets",
    )
    coauthor = base.UserFactory(
        full_name="Bob Coauthor-Smith", email="bob@coauthor-lab.org", affiliation="Coauthor Lab"
    )
    unrelated_author = base.UserFactory(full_name="Ursula Other", email="ursula@other.example")

    paper = f.SubmissionFactory(
        workshop=workshop,
        number=1,
        title="Robust training under label noise",
        abstract="We propose a robust method.",
        created_by=author,
    )
    paper.topics.set([topics[0]])
    f.AuthorshipFactory(
        submission=paper,
        user=author,
        name=author.full_name,
        email=author.email,
        affiliation=author.affiliation,
        is_contact=True,
        order=0,
    )
    f.AuthorshipFactory(
        submission=paper,
        user=coauthor,
        name=coauthor.full_name,
        email=coauthor.email,
        affiliation=coauthor.affiliation,
        order=1,
    )
    f.pdf_file(paper, author=author.full_name)

    other_paper = f.SubmissionFactory(
        workshop=workshop, number=2, title="Poisoning at scale", created_by=unrelated_author
    )
    other_paper.topics.set([topics[1]])
    f.AuthorshipFactory(
        submission=other_paper,
        user=unrelated_author,
        name=unrelated_author.full_name,
        email=unrelated_author.email,
        affiliation="Other University",
        order=0,
    )
    f.pdf_file(other_paper, author="Ursula Other")

    f.ConflictFactory(submission=paper, user=conflicted_reviewer, source=ConflictSource.AUTHOR)
    f.ConflictFactory(submission=paper, user=conflicted_chair, source=ConflictSource.CHAIR)
    assignment = f.AssignmentFactory(
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


def submit_review(assignment, criteria, **kwargs):
    review = f.ReviewFactory(assignment=assignment, **kwargs)
    for criterion in criteria:
        f.ReviewScoreFactory(review=review, criterion=criterion, value=2)
    return review


@pytest.fixture
def login(client):
    def do(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return do
