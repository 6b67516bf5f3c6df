"""Fixtures shared by every test module; factories live in tests/factories.py."""

import pytest

from tests import factories


@pytest.fixture
def workshop(db):
    return factories.WorkshopFactory()


@pytest.fixture
def chair(db, workshop):
    user = factories.UserFactory(full_name="Carla Chair")
    factories.MembershipFactory(workshop=workshop, user=user, role="chair")
    return user


@pytest.fixture
def author_user(db):
    return factories.UserFactory(full_name="Ada Author")


@pytest.fixture
def reviewer_user(db, workshop):
    user = factories.UserFactory(full_name="Rita Reviewer")
    factories.MembershipFactory(workshop=workshop, user=user, role="reviewer")
    return user
