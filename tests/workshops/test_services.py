"""Business rules that need no page: date order, countdown text, date entry in a zone."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory, WorkshopFactory
from workshops.enums import DateKind
from workshops.forms import LocalDateTimeField
from workshops.services import create_workshop, date_order_errors, time_left, validate_date_order

from .factories import aoe

UTC = dt.UTC
NOW = dt.datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def test_date_order_accepts_dates_in_order_with_tbd_gaps():
    dates = [
        (DateKind.PAPER_SUBMISSION, aoe(2030, 3, 6)),
        (DateKind.AUTHOR_NOTIFICATION, None),
        (DateKind.CAMERA_READY, aoe(2030, 4, 10)),
        (DateKind.WORKSHOP_DAY, aoe(2030, 5, 22)),
    ]

    assert date_order_errors(dates) == []


def test_date_order_names_both_dates_when_out_of_order():
    errors = date_order_errors(
        [(DateKind.PAPER_SUBMISSION, aoe(2030, 3, 6)), (DateKind.CAMERA_READY, aoe(2030, 3, 1))]
    )

    assert len(errors) == 1
    assert errors[0].startswith("Camera-ready must come after paper submission")


def test_date_order_allows_abstract_and_paper_at_the_same_instant_only():
    same = aoe(2030, 3, 6)

    assert (
        date_order_errors(
            [(DateKind.ABSTRACT_REGISTRATION, same), (DateKind.PAPER_SUBMISSION, same)]
        )
        == []
    )
    assert date_order_errors(
        [(DateKind.PAPER_SUBMISSION, same), (DateKind.AUTHOR_NOTIFICATION, same)]
    )


def test_validate_date_order_raises():
    with pytest.raises(ValidationError):
        validate_date_order(
            [
                (DateKind.AUTHOR_NOTIFICATION, aoe(2030, 1, 1)),
                (DateKind.REVIEWS_DUE, aoe(2030, 2, 1)),
            ]
        )


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(days=12, hours=3), "12 days left"),
        (dt.timedelta(days=1, hours=2), "1 day 2 hours left"),
        (dt.timedelta(hours=5, minutes=7), "5 hours 7 min left"),
        (dt.timedelta(minutes=9), "9 minutes left"),
        (dt.timedelta(seconds=20), "less than a minute left"),
        (dt.timedelta(seconds=-1), "closed"),
    ],
)
def test_time_left_reads_like_a_person_says_it(delta, text):
    assert time_left(NOW + delta, now=NOW) == text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-03-06", dt.datetime(2026, 3, 7, 11, 59, 59, tzinfo=UTC)),
        ("2026-03-06 14:00", dt.datetime(2026, 3, 7, 2, 0, tzinfo=UTC)),
        ("2026-03-06T14:00", dt.datetime(2026, 3, 7, 2, 0, tzinfo=UTC)),
        ("", None),
    ],
)
def test_local_datetime_field_reads_aoe(typed, expected):
    assert LocalDateTimeField(required=False).clean(typed) == expected


def test_local_datetime_field_reads_the_given_zone_with_dst():
    field = LocalDateTimeField(tz=zoneinfo.ZoneInfo("Europe/Paris"))

    assert field.clean("2026-01-15 10:00") == dt.datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert field.clean("2026-07-15 10:00") == dt.datetime(2026, 7, 15, 8, 0, tzinfo=UTC)


def test_local_datetime_field_shows_end_of_day_as_the_day():
    field = LocalDateTimeField()

    assert field.prepare_value(aoe(2026, 3, 6)) == "2026-03-06"
    assert field.prepare_value(aoe(2026, 3, 6, 9, 30, 0)) == "2026-03-06 09:30"


def test_local_datetime_field_refuses_garbage_and_date_only_when_time_needed():
    with pytest.raises(ValidationError):
        LocalDateTimeField().clean("next friday")
    with pytest.raises(ValidationError, match="date and time"):
        LocalDateTimeField(allow_date_only=False).clean("2026-03-06")


@pytest.mark.django_db
def test_create_workshop_makes_creator_chair_and_refreshes_rights():
    user = UserFactory()
    assert not user.has_perm("workshops.change_workshop", WorkshopFactory())
    workshop = WorkshopFactory.build(slug="fresh-2030")

    create_workshop(workshop, by=user)

    assert workshop.pk is not None
    assert user.has_perm("workshops.change_workshop", workshop)
