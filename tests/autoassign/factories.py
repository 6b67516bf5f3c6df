"""Factories for the automatic-assignment tests (the shared ones live in tests/factories.py)."""

import factory
from django.utils import timezone

from reviews.models import Assignment, Bid, Conflict, ReviewerProfile
from submissions.enums import SubmissionState
from submissions.models import Authorship, Submission
from tests.factories import UserFactory, WorkshopFactory


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission
        skip_postgeneration_save = True

    workshop = factory.SubFactory(WorkshopFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Paper {n}")
    abstract = "We study robust machine learning."
    state = SubmissionState.SUBMITTED
    created_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    submission = factory.SubFactory(SubmissionFactory)
    name = factory.Sequence(lambda n: f"Author {n}")
    email = factory.Sequence(lambda n: f"author{n}@example.org")


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerProfile

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    submission = factory.SubFactory(SubmissionFactory)
    reviewer = factory.SubFactory(UserFactory)
    preference = "eager"


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    submission = factory.SubFactory(SubmissionFactory)
    user = factory.SubFactory(UserFactory)
    source = "chair"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    submission = factory.SubFactory(SubmissionFactory)
    reviewer = factory.SubFactory(UserFactory)
    ordinal = factory.Sequence(lambda n: n + 1)
