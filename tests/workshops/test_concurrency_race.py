"""The version check holds when two saves race: two threads on two database connections,
released together, and exactly one of them wins.

This needs a database that two connections share and that locks rows (PostgreSQL, as in
CI and production). An in-memory SQLite database is private to each thread's connection,
so there is nothing to race on: skipped there.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory, WorkshopFactory
from tests.workshops.payloads import edit_payload
from workshops.concurrency import claim
from workshops.enums import MemberRole
from workshops.models import Workshop

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database shared by two connections, with row locks (PostgreSQL); "
        "an in-memory SQLite database is private to each thread",
    ),
    pytest.mark.django_db(transaction=True),
]


def race(*jobs):
    """Run each job in its own thread (own connection), released together; their results."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_compare_and_set_lets_exactly_one_of_two_racing_saves_win():
    workshop = WorkshopFactory()
    loaded = Workshop.objects.get(pk=workshop.pk).version

    def save(name):
        def job():
            with transaction.atomic():
                claimed = claim(Workshop, workshop.pk, loaded)
                if claimed is not None:
                    Workshop.objects.filter(pk=workshop.pk).update(name=name)
                    time.sleep(0.3)  # hold the row: the other save must wait for the commit
                return claimed

        return job

    results = race(save("first"), save("second"))

    assert sorted(results, key=lambda r: r is None) == [loaded + 1, None]
    saved = Workshop.objects.get(pk=workshop.pk)
    assert saved.version == loaded + 1
    assert saved.name == ("first" if results[0] is not None else "second")


def test_two_chairs_saving_the_call_at_once_one_is_refused(monkeypatch):
    workshop = WorkshopFactory(tagline="")
    chairs = [UserFactory(), UserFactory()]
    for user in chairs:
        MembershipFactory(workshop=workshop, user=user, role=MemberRole.CHAIR)
    url = reverse("workshops:edit", kwargs={"slug": workshop.slug})
    clients = []
    for user in chairs:
        client = Client()
        client.force_login(user)
        clients.append((client, edit_payload(client.get(url))))

    real_save = Workshop.save

    def slow_save(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        time.sleep(0.3)  # widen the window between the check and the commit

    monkeypatch.setattr(Workshop, "save", slow_save)

    def post(index):
        client, payload = clients[index]
        return lambda: client.post(url, {**payload, "tagline": f"Chair {index}"}).status_code

    statuses = race(post(0), post(1))

    assert sorted(statuses) == [302, 409]
    winner = statuses.index(302)
    saved = Workshop.objects.get(pk=workshop.pk)
    assert saved.tagline == f"Chair {winner}"
