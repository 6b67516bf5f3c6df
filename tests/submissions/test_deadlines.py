import datetime as dt

import pytest

from submissions.enums import SubmissionState
from submissions.services import deadlines, state
from tests import factories as base
from workshops.enums import DateKind

SECOND = dt.timedelta(seconds=1)


@pytest.mark.django_db
def test_deadline_is_23_59_59_aoe(workshop, deadline):
    local = deadlines.in_workshop_zone(deadlines.paper_deadline(workshop), workshop)
    assert (local.hour, local.minute, local.second) == (23, 59, 59)
    assert local.utcoffset() == dt.timedelta(hours=-12)


@pytest.mark.django_db
def test_can_create_one_second_before_deadline(workshop, deadline):
    assert deadlines.can_create(workshop, now=deadline - SECOND)
    assert deadlines.can_create(workshop, now=deadline)


@pytest.mark.django_db
def test_can_create_one_second_after_deadline_refused(workshop, deadline):
    assert not deadlines.can_create(workshop, now=deadline + SECOND)


@pytest.mark.django_db
def test_is_open_honours_extension(workshop, deadline):
    date = workshop.dates.get(kind=DateKind.PAPER_SUBMISSION)
    date.extended_at = deadline + dt.timedelta(days=3)
    date.save()
    submission = base.SubmissionFactory(workshop=workshop)
    assert deadlines.is_open(submission, now=deadline + dt.timedelta(days=3))
    assert not deadlines.is_open(submission, now=deadline + dt.timedelta(days=3) + SECOND)


@pytest.mark.django_db
def test_is_open_honours_chair_override_for_one_submission(workshop, deadline):
    favoured = base.SubmissionFactory(
        workshop=workshop, deadline_override=deadline + dt.timedelta(hours=5)
    )
    other = base.SubmissionFactory(workshop=workshop)
    later = deadline + dt.timedelta(hours=4)
    assert deadlines.is_open(favoured, now=later)
    assert not deadlines.is_open(other, now=later)


@pytest.mark.django_db
def test_override_earlier_than_call_has_no_effect(workshop, deadline):
    submission = base.SubmissionFactory(
        workshop=workshop, deadline_override=deadline - dt.timedelta(days=1)
    )
    assert deadlines.submission_deadline(submission) == deadline


@pytest.mark.django_db
def test_abstract_deadline_closes_creation_but_not_edits(workshop, deadline):
    base.ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.ABSTRACT_REGISTRATION,
        original_at=deadline - dt.timedelta(days=7),
    )
    submission = base.SubmissionFactory(workshop=workshop)
    between = deadline - dt.timedelta(days=3)
    assert not deadlines.can_create(workshop, now=between)
    assert deadlines.is_open(submission, now=between)
    assert state.can_edit(submission, now=between)


@pytest.mark.django_db
def test_can_create_unpublished_or_without_deadline_refused(deadline):
    unpublished = base.WorkshopFactory(is_published=False)
    base.ImportantDateFactory(workshop=unpublished, original_at=deadline)
    assert not deadlines.can_create(unpublished, now=deadline - dt.timedelta(days=1))
    assert not deadlines.can_create(base.WorkshopFactory(), now=deadline)


@pytest.mark.django_db
def test_can_edit_withdrawn_refused(workshop, deadline):
    submission = base.SubmissionFactory(workshop=workshop, state=SubmissionState.WITHDRAWN)
    assert not state.can_edit(submission, now=deadline - dt.timedelta(days=1))
