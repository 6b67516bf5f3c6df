"""factory_boy factories for the domain models; users come with a verified e-mail address."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
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
