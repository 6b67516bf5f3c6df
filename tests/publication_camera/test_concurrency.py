"""Two authors saving at the same moment (two threads, two connections): the paper's row lock
serialises them. Needs PostgreSQL (SQLite has no row locks, and an in-memory database is not
shared between threads)."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from publication.models import TermsAcceptance
from publication.services import camera_ready
from submissions.models import SubmissionFile
from tests.pdfs import make_pdf

from .conftest import page_url, pdf_upload
from .test_author_page import terms_post

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, shared database)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def slow_lock_holder(monkeypatch):
    """Whoever holds the paper's lock keeps it a moment, so the other surely waits."""
    real = camera_ready.closed_reason

    def slow(submission, *, now=None):
        time.sleep(0.3)
        return real(submission, now=now)

    monkeypatch.setattr(camera_ready, "closed_reason", slow)


def post_at_once(url, posts):
    """POST each ``(user, make_data)`` from its own thread, released together."""
    barrier = threading.Barrier(len(posts))
    statuses, errors = [], []

    def worker(user, make_data):
        try:
            client = Client()
            client.force_login(user)
            data = make_data()
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def test_two_uploads_at_once_make_two_versions(paper, ada, bob, slow_lock_holder):
    first, second = make_pdf(2), make_pdf(3)
    statuses = post_at_once(
        page_url(paper),
        [
            (ada, lambda: {"action": "pdf", "pdf-file": pdf_upload(data=first)}),
            (bob, lambda: {"action": "pdf", "pdf-file": pdf_upload(data=second)}),
        ],
    )
    assert statuses == [302, 302]
    versions = SubmissionFile.objects.filter(submission=paper, kind="camera_ready")
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]


def test_two_acceptances_at_once_are_one(paper, ada, bob, terms, slow_lock_holder):
    statuses = post_at_once(
        page_url(paper), [(ada, lambda: terms_post(terms)), (bob, lambda: terms_post(terms))]
    )
    assert statuses == [302, 302]
    assert TermsAcceptance.objects.filter(submission=paper).count() == 1
