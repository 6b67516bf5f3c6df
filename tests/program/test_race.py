"""Two chairs placing sessions in the same room at the same moment: the Program row lock
makes the second one see the first, so exactly one is saved (PostgreSQL: two connections
and row locks; an in-memory SQLite database is private to each thread, so skipped there)."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from program import services
from program.models import Session, SessionKind
from tests.workshops.test_concurrency_race import race

from .conftest import at

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database shared by two connections, with row locks (PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_overlapping_sessions_saved_at_once_only_one_is_kept(vienna, monkeypatch):
    real_errors = services._errors

    def slow_errors(*args, **kwargs):
        found = real_errors(*args, **kwargs)
        time.sleep(0.3)  # widen the window between the check and the commit
        return found

    monkeypatch.setattr(services, "_errors", slow_errors)

    def place(title):
        def job():
            data = services.SessionInput(SessionKind.TALKS, title, at(9), at(10), "Hall A")
            try:
                services.save_session(vienna, data, [], by=None)
            except ValidationError as refused:
                return " ".join(refused.messages)
            return "saved"

        return job

    results = race(place("First"), place("Second"))

    assert results.count("saved") == 1
    refusal = next(r for r in results if r != "saved")
    assert "overlaps" in refusal
    assert Session.objects.filter(workshop=vienna).count() == 1
