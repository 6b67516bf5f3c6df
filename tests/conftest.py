"""Fixtures shared by every test module; factories live in tests/factories.py."""

import pytest

from tests import factories


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to the test's own folder (the packages that store files use it on
    every test)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def workshop(db):
    return factories.WorkshopFactory()


@pytest.fixture
def chair(db, workshop):
    return factories.member(workshop, "chair", full_name="Carla Chair")


@pytest.fixture
def author_user(db):
    return factories.UserFactory(full_name="Ada Author")


@pytest.fixture
def reviewer_user(db, workshop):
    return factories.member(workshop, "reviewer", full_name="Rita Reviewer")
