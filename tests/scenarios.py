"""A double-blind workshop in review, arranged the same way for the review and browser tests.

The people and the paper carry names that must never cross the double-blind line: the
``*_SECRETS`` lists are what the tests look for in every page and PDF.
"""

import datetime as dt

from reviews.models import ReviewSettings
from tests import factories as base

# Strings that must never reach a reviewer: the authors' names, addresses and affiliations.
AUTHOR_NAME = "Ada Lovelace-Author"
AUTHOR_EMAIL = "ada@anon-institute.edu"
AUTHOR_AFFILIATION = "Anon Institute of Secrets"
COAUTHOR_NAME = "Bob Coauthor-Smith"
COAUTHOR_EMAIL = "bob@coauthor-lab.org"
COAUTHOR_AFFILIATION = "Coauthor Lab"
AUTHOR_SECRETS = [
    AUTHOR_NAME,
    AUTHOR_EMAIL,
    AUTHOR_AFFILIATION,
    COAUTHOR_NAME,
    COAUTHOR_EMAIL,
    COAUTHOR_AFFILIATION,
]
# Strings that must never reach an author: the reviewers' names and addresses, and what they
# told the chairs only (``ReviewFactory``'s confidential note).
REVIEWER_NAME = "Rita Reviewer-Jones"
REVIEWER_EMAIL = "rita@reviewers.example"
CONFIDENTIAL_NOTE = "Secret note for the chairs."
REVIEWER_SECRETS = [REVIEWER_NAME, REVIEWER_EMAIL, "Secret note for the chairs"]

COMMITTEE_AFFILIATION = "Committee University"


def set_phase(workshop, phase) -> None:
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    settings.phase = phase
    settings.save()
    if hasattr(workshop, "_review_settings_cache"):
        del workshop._review_settings_cache


def workshop_in_review(now):
    """The workshop (submission closed 20 days before ``now``, reviews due 10 days after) and
    its two review criteria, the second with a scale of its own."""
    workshop = base.WorkshopFactory(name="Workshop on Robust Learning", acronym="WRL")
    base.ImportantDateFactory(
        workshop=workshop, kind="paper_submission", original_at=now - dt.timedelta(days=20)
    )
    base.ImportantDateFactory(
        workshop=workshop, kind="reviews_due", original_at=now + dt.timedelta(days=10)
    )
    criteria = [
        base.ReviewCriterionFactory(workshop=workshop, name="Novelty", order=1),
        base.ReviewCriterionFactory(
            workshop=workshop, name="Soundness", order=2, scale=["Weak", "OK", "Strong"]
        ),
    ]
    return workshop, criteria


def the_authors():
    """The author and the co-author of the paper under review."""
    author = base.UserFactory(
        full_name=AUTHOR_NAME, email=AUTHOR_EMAIL, affiliation=AUTHOR_AFFILIATION
    )
    coauthor = base.UserFactory(
        full_name=COAUTHOR_NAME, email=COAUTHOR_EMAIL, affiliation=COAUTHOR_AFFILIATION
    )
    return author, coauthor


def paper_under_review(workshop, topic, authors, *, pdf_author=""):
    """Paper #1, submitted by the first of ``authors`` (its contact), on ``topic``, with its
    two-page PDF (whose metadata names ``pdf_author``, if given)."""
    paper = base.SubmissionFactory(
        workshop=workshop,
        number=1,
        title="Robust training under label noise",
        abstract="We propose a robust method.",
        created_by=authors[0],
        submitted=True,
    )
    paper.topics.set([topic])
    for order, user in enumerate(authors):
        base.AuthorshipFactory(
            submission=paper,
            user=user,
            name=user.full_name,
            email=user.email,
            affiliation=user.affiliation,
            is_contact=order == 0,
            order=order,
        )
    base.SubmissionFileFactory(submission=paper, from_pdf=True, author=pdf_author)
    return paper


def submit_review(assignment, criteria, **kwargs):
    """A submitted review of ``assignment``, scoring each of ``criteria`` 2."""
    review = base.ReviewFactory(assignment=assignment, **kwargs)
    for criterion in criteria:
        base.ReviewScoreFactory(review=review, criterion=criterion, value=2)
    return review


def release_now(*, workshop, by):
    """Release as a chair who confirmed the page just now (the fingerprint it showed)."""
    from reviews.services.decisions import plan_release, release_decisions

    return release_decisions(
        workshop=workshop, by=by, fingerprint=plan_release(workshop, by).fingerprint
    )
