"""Fixtures shared by every test module; factories live in tests/factories.py."""

import socket

import pytest

from config.settings.base import broker_transport_options
from tests import factories

# The browser fixtures, for every folder (one Chromium per test session).
pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Every test starts with no stored public page (workshops.page_cache)."""
    from workshops import page_cache

    page_cache.clear()


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


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _forget_connections(app) -> None:
    """Drop the app's cached connection and producer pools, so the next publish connects to
    whatever ``broker_url`` now says."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def dead_broker(monkeypatch):
    """The Celery app publishes to a Redis broker that refuses connections (not eager)."""
    from config.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its configuration (CI sets it).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)

    url = f"redis://127.0.0.1:{closed_port()}/0"
    overrides = {
        "broker_url": url,
        "broker_write_url": None,
        "task_always_eager": False,
        "broker_transport_options": broker_transport_options(url),
    }
    saved = {key: app.conf.get(key) for key in overrides}
    app.conf.update(overrides)
    _forget_connections(app)
    try:
        yield url
    finally:
        app.conf.update(saved)
        _forget_connections(app)
