"""A workshop held on one day in Vienna, its chair, and accepted papers to place."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from reviews.models import Decision, DecisionRelease
from submissions.enums import SubmissionState
from tests import factories
from workshops.enums import DateKind

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
DAY = dt.date(2030, 5, 22)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """A moment of the workshop day in the workshop's zone (Vienna, UTC+2 in May)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIENNA)


def local(hour: int, minute: int = 0, day: dt.date = DAY) -> str:
    """The same moment as typed in the builder's form."""
    return f"{day:%Y-%m-%d} {hour:02d}:{minute:02d}"


def paper(workshop, *, outcome="accept_talk", released=True, state=SubmissionState.ACCEPTED, **kw):
    """A paper with its decision (released or not) and two authors."""
    submission = factories.SubmissionFactory(workshop=workshop, state=state, **kw)
    for order in range(2):
        factories.AuthorshipFactory(
            submission=submission,
            name=f"Author {submission.number}-{order}",
            affiliation=f"Lab {submission.number}",
            order=order,
            is_contact=order == 0,
        )
    release = DecisionRelease.objects.create(workshop=workshop) if released else None
    Decision.objects.create(
        submission=submission,
        outcome=outcome,
        release=release,
        released_at=timezone.now() if released else None,
    )
    return submission


@pytest.fixture
def vienna(db):
    workshop = factories.WorkshopFactory(
        name="Workshop on Robust Programs", acronym="WRP", year=2030, timezone="Europe/Vienna"
    )
    factories.ImportantDateFactory(
        workshop=workshop,
        kind=DateKind.WORKSHOP_DAY,
        original_at=dt.datetime(2030, 5, 22, 23, 59, 59, tzinfo=VIENNA),
    )
    return workshop


@pytest.fixture
def program_chair(vienna):
    return factories.member(vienna, "chair", full_name="Paula Program-Chair")


@pytest.fixture
def chair_client(program_chair):
    """The chair's own browser (not the ``client`` fixture, which stays a visitor's)."""
    chair = Client()
    chair.force_login(program_chair)
    return chair


@pytest.fixture
def papers(vienna):
    return [paper(vienna, title=f"Accepted paper {n}") for n in range(1, 5)]
