import pytest

from submissions import demo
from submissions.enums import SubmissionState
from submissions.models import Submission
from tests import factories as base


@pytest.fixture
def demo_world(db):
    for i in range(1, 9):
        base.UserFactory(email=f"author{i}@demo.test", full_name=f"Demo Author {i}")
    workshop = base.WorkshopFactory(slug=demo.DEMO_EDITION)
    base.SubmissionTypeFactory(workshop=workshop)
    base.TopicFactory(workshop=workshop)
    base.WorkshopFactory(slug="bands-2023")
    return workshop


@pytest.mark.django_db
def test_demo_load_is_idempotent_and_skips_missing_workshops(demo_world):
    created = demo.load()
    assert created == Submission.objects.count() > 8
    assert demo.load() == 0
    states = set(Submission.objects.values_list("state", flat=True))
    assert {SubmissionState.DRAFT, SubmissionState.SUBMITTED, SubmissionState.WITHDRAWN} <= states
    for submission in Submission.objects.exclude(state=SubmissionState.DRAFT):
        assert submission.current_paper is not None  # every submitted paper has a PDF
        assert submission.authors.filter(user__isnull=False).exists()
    assert not Submission.objects.filter(workshop__slug="bugs-2023").exists()
