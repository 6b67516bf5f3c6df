"""The same form posted twice at the same moment (two threads, two connections) is saved once.

Row locks are what make this work, so these tests need PostgreSQL (SQLite has no
``SELECT ... FOR UPDATE`` and an in-memory database is not shared between threads).
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from mail.models import OutgoingEmail
from submissions.models import Submission, SubmissionFile
from submissions.services import deadlines
from tests.pdfs import make_pdf
from tests.submissions.helpers import form_data

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, shared database)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def slow_lock_holder(monkeypatch):
    """Whoever holds the lock keeps it a moment, so the second request surely waits for it."""
    real = deadlines.is_open

    def slow_is_open(submission, *, now=None):
        time.sleep(0.3)
        return real(submission, now=now)

    real_create = deadlines.can_create

    def slow_can_create(workshop, *, now=None):
        time.sleep(0.3)
        return real_create(workshop, now=now)

    monkeypatch.setattr(deadlines, "is_open", slow_is_open)
    monkeypatch.setattr(deadlines, "can_create", slow_can_create)


def post_twice_at_once(user, url, make_data) -> list[tuple[int, bool]]:
    """POST ``make_data()`` to ``url`` from two threads released together: for each, the
    status and whether the page it was sent to said the form had already been saved."""
    barrier = threading.Barrier(2)
    statuses: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def worker():
        try:
            client = Client()
            client.force_login(user)
            data = make_data()
            barrier.wait(timeout=10)
            response = client.post(url, data)
            page = client.get(response.url).content.decode() if response.status_code == 302 else ""
            statuses.append((response.status_code, "already saved" in page))
        except BaseException as exc:  # noqa: BLE001 — reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def test_create_posted_twice_at_once_makes_one_submission(
    call, author_user, frozen_now, slow_lock_holder
):
    pdf = make_pdf(3)
    url = reverse("submissions:create", kwargs={"slug": call.slug})

    statuses = post_twice_at_once(
        author_user, url, lambda: form_data(call, pdf=pdf, token="same-create")
    )

    assert sorted(statuses) == [(302, False), (302, True)]
    submission = Submission.objects.get()
    assert SubmissionFile.objects.filter(submission=submission).count() == 1
    assert OutgoingEmail.objects.filter(template_role="submission.submitted").count() == 2


def test_edit_posted_twice_at_once_saves_one_revision(
    call, author_user, make_submission, frozen_now, slow_lock_holder
):
    submission = make_submission()
    pdf = make_pdf(5)
    url = reverse("submissions:edit", args=[call.slug, submission.number])

    statuses = post_twice_at_once(
        author_user,
        url,
        lambda: form_data(call, title="Changed once", pdf=pdf, token="same-edit"),
    )

    assert sorted(statuses) == [(302, False), (302, True)]
    submission.refresh_from_db()
    assert submission.title == "Changed once"
    assert submission.revision == 1
    assert submission.files.count() == 2
    updated = OutgoingEmail.objects.filter(template_role="submission.updated")
    assert sorted(updated.values_list("recipient", flat=True)) == [
        "ada@analytical.example",
        "charles@engine.example",
    ]
