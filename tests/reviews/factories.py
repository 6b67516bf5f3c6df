"""Factories of the reviews tests (shared ones are in tests/factories.py)."""

import datetime as dt
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from reviews.enums import AssignmentSource, ConflictSource, ReviewState
from reviews.models import Assignment, Conflict, Review, ReviewScore
from submissions.enums import FileKind, SubmissionState
from submissions.models import Authorship, Submission, SubmissionFile
from tests import factories as base
from tests.reviews.pdfs import make_pdf


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    workshop = factory.SubFactory(base.WorkshopFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"On the robustness of models {n}")
    abstract = "We study robustness."
    keywords = "robustness, testing"
    created_by = factory.SubFactory(base.UserFactory)
    state = SubmissionState.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    submission = factory.SubFactory(SubmissionFactory)
    name = factory.Sequence(lambda n: f"Writer {n}")
    email = factory.Sequence(lambda n: f"writer{n}@papers.example")
    affiliation = "Papers Institute"
    order = factory.Sequence(lambda n: n)


def pdf_file(submission, *, author="", version=1):
    data = make_pdf(author=author, title=submission.title)
    return SubmissionFile.objects.create(
        submission=submission,
        kind=FileKind.PAPER,
        version=version,
        file=ContentFile(data, name=f"{author or 'paper'} final.pdf"),
        original_name=f"{author or 'paper'} final.pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=2,
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    submission = factory.SubFactory(SubmissionFactory)
    reviewer = factory.SubFactory(base.UserFactory)
    ordinal = factory.Sequence(lambda n: n + 1)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    source = AssignmentSource.MANUAL


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory)
    state = ReviewState.SUBMITTED
    recommendation = 4
    confidence = 3
    summary = "A summary."
    strengths = "Clear."
    weaknesses = "Small."
    comments = "Nice work."
    confidential_note = "Secret note for the chairs."
    submitted_at = factory.LazyFunction(timezone.now)


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(base.ReviewCriterionFactory)
    value = 3


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    submission = factory.SubFactory(SubmissionFactory)
    user = factory.SubFactory(base.UserFactory)
    source = ConflictSource.CHAIR
