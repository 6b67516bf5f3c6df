"""The public pages run a fixed number of queries, however big the call."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ImportantDateFactory,
    MembershipFactory,
    PersonFactory,
    ReviewCriterionFactory,
    SubmissionTypeFactory,
    TopicFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.enums import DATE_ORDER, PersonRole

from .factories import ProgramSessionFactory, aoe


def fill(workshop, size: int) -> None:
    """Give ``workshop`` ``size`` of everything a page shows."""
    start = timezone.now() + dt.timedelta(days=10)
    for index, kind in enumerate(DATE_ORDER[: max(1, min(size, len(DATE_ORDER)))]):
        ImportantDateFactory(
            workshop=workshop, kind=kind, original_at=start + dt.timedelta(days=index)
        )
    for _ in range(size):
        parent = TopicFactory(workshop=workshop)
        TopicFactory(workshop=workshop, parent=parent)
        SubmissionTypeFactory(workshop=workshop)
        ReviewCriterionFactory(workshop=workshop)
        PersonFactory(workshop=workshop)
        PersonFactory(workshop=workshop, role=PersonRole.SPEAKER)
        ProgramSessionFactory(workshop=workshop, starts_at=aoe(2030, 5, 22, 9, 0, 0))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_detail_query_count_does_not_grow_with_the_call(client, signed_in):
    small, big = WorkshopFactory(), WorkshopFactory()
    fill(small, 1)
    fill(big, 6)
    if signed_in:
        user = UserFactory()
        MembershipFactory(workshop=small, user=user, role="chair")
        MembershipFactory(workshop=big, user=user, role="chair")
        client.force_login(user)

    small_count = count_queries(client, reverse("workshops:detail", args=[small.slug]))
    big_count = count_queries(client, reverse("workshops:detail", args=[big.slug]))

    assert small_count == big_count
    # The published program adds its sessions, their people and their slots (see
    # tests/program for papers in it).
    assert big_count <= 7 + 3 + (3 if signed_in else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_index_query_count_does_not_grow_with_workshops(client, signed_in):
    first = WorkshopFactory()
    fill(first, 2)
    if signed_in:
        user = UserFactory()
        MembershipFactory(workshop=first, user=user, role="chair")
        client.force_login(user)
    one = count_queries(client, reverse("workshops:index"))
    for _ in range(5):
        workshop = WorkshopFactory()
        fill(workshop, 3)
        if signed_in:
            MembershipFactory(workshop=workshop, user=user, role="chair")

    many = count_queries(client, reverse("workshops:index"))

    assert many == one
    assert many <= 7 + (5 if signed_in else 0)
    html = client.get(reverse("workshops:index")).content.decode()
    assert html.count('class="card call-card"') == 6


@pytest.mark.django_db
def test_calendar_query_count_does_not_grow_with_dates(client):
    small, big = WorkshopFactory(), WorkshopFactory()
    fill(small, 1)
    fill(big, 6)

    assert count_queries(client, reverse("workshops:calendar", args=[small.slug])) == (
        count_queries(client, reverse("workshops:calendar", args=[big.slug]))
    )
