"""factory_boy factories for the domain models; users come with a verified e-mail address.

The factories of one app's tests only stay in ``tests/<app>/factories.py``; real PDFs are made by
``tests/pdfs.py``.
"""

import datetime as dt
import hashlib

import factory
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from reviews.enums import AssignmentSource, BidPreference, ConflictSource, ReviewState
from reviews.models import Assignment, Bid, Conflict, Review, ReviewerProfile, ReviewScore
from submissions.enums import FileKind, SubmissionState
from submissions.models import Authorship, Submission, SubmissionFile
from tests.pdfs import make_pdf, pdf_by
from workshops.enums import DateKind
from workshops.models import (
    ImportantDate,
    Membership,
    Person,
    ReviewCriterion,
    SubmissionType,
    Topic,
    Workshop,
)

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    affiliation = "Example University"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    name = factory.Sequence(lambda n: f"Workshop on Testing {n}")
    acronym = factory.Sequence(lambda n: f"WT{n}")
    year = 2026
    slug = factory.Sequence(lambda n: f"wt-{n}")
    is_published = True
    presentation_outcomes = ["talk", "poster"]


class ImportantDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportantDate

    workshop = factory.SubFactory(WorkshopFactory)
    kind = DateKind.PAPER_SUBMISSION
    original_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")


class SubmissionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionType

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Paper type {n}")
    page_limit = 4


class ReviewCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Organizer {n}")
    affiliation = "Example Institute"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
    role = "chair"


def member(workshop, role, **user_fields):
    """A new user (with ``user_fields``) who has ``role`` in ``workshop``."""
    user_fields = {f"user__{name}": value for name, value in user_fields.items()}
    return MembershipFactory(workshop=workshop, role=role, **user_fields).user


# --- Submissions -------------------------------------------------------------------------------


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A draft; ``submitted=True`` for a submitted paper (its state and submission time)."""

    class Meta:
        model = Submission

    class Params:
        submitted = factory.Trait(
            state=SubmissionState.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )

    workshop = factory.SubFactory(WorkshopFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"A paper on testing {n}")
    abstract = "We study tests."
    created_by = factory.SubFactory(UserFactory)
    state = SubmissionState.DRAFT


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    submission = factory.SubFactory(SubmissionFactory)
    name = factory.Sequence(lambda n: f"Author {n}")
    email = factory.Sequence(lambda n: f"author{n}@uni.example")
    affiliation = "Uni Example"
    order = factory.Sequence(lambda n: n)


class SubmissionFileFactory(factory.django.DjangoModelFactory):
    """A version of a paper: a one-page PDF recorded with a placeholder checksum and size.

    ``from_pdf=True`` records instead a two-page PDF titled like the submission, with its own
    name, checksum and size; ``author`` (a parameter) is then named in the PDF's metadata.
    """

    class Meta:
        model = SubmissionFile

    class Params:
        author = ""
        from_pdf = factory.Trait(
            original_name=factory.LazyAttribute(lambda o: f"{o.author or 'paper'} final.pdf"),
            sha256=factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest()),
            size=factory.LazyAttribute(lambda o: len(o.content)),
            pages=2,
        )
        content = factory.Maybe(
            "from_pdf",
            factory.LazyAttribute(lambda o: pdf_by(o.author, title=o.submission.title, pages=2)),
            factory.LazyFunction(make_pdf),
        )

    submission = factory.SubFactory(SubmissionFactory)
    kind = FileKind.PAPER
    version = 1
    file = factory.LazyAttribute(
        lambda o: ContentFile(o.content, name=o.original_name or "paper.pdf")
    )
    sha256 = "0" * 64
    size = 1000
    pages = 1


# --- Reviewing ---------------------------------------------------------------------------------


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerProfile

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    submission = factory.SubFactory(SubmissionFactory, submitted=True)
    reviewer = factory.SubFactory(UserFactory)
    preference = BidPreference.EAGER


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    submission = factory.SubFactory(SubmissionFactory, submitted=True)
    user = factory.SubFactory(UserFactory)
    source = ConflictSource.CHAIR


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    submission = factory.SubFactory(SubmissionFactory, submitted=True)
    reviewer = factory.SubFactory(UserFactory)
    ordinal = factory.Sequence(lambda n: n + 1)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    source = AssignmentSource.MANUAL


class ReviewFactory(factory.django.DjangoModelFactory):
    """A submitted review with every text field filled in (the note is for the chairs only)."""

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
    criterion = factory.SubFactory(ReviewCriterionFactory)
    value = 3
