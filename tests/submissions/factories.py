"""Factories of the submissions app (the shared ones are in tests/factories.py)."""

import factory
from django.core.files.base import ContentFile

from submissions.enums import FileKind, SubmissionState
from submissions.models import Authorship, Submission, SubmissionFile
from tests import factories as base
from tests.submissions.pdfs import make_pdf


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    workshop = factory.SubFactory(base.WorkshopFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"A paper on testing {n}")
    abstract = "We study tests."
    created_by = factory.SubFactory(base.UserFactory)
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
    class Meta:
        model = SubmissionFile

    submission = factory.SubFactory(SubmissionFactory)
    kind = FileKind.PAPER
    version = 1
    file = factory.LazyFunction(lambda: ContentFile(make_pdf(), name="paper.pdf"))
    sha256 = "0" * 64
    size = 1000
    pages = 1
