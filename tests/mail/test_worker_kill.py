"""At most one distinct message per outbox row, with real workers killed in mid-send.

A real Celery worker process (prefork) on the real broker sends 200 outbox rows to a real SMTP
server (aiosmtpd) that holds back its "250" after each message. The worker is SIGKILLed, whole
or one pool child at a time, while a message is accepted by the server but not acknowledged,
and restarted. Every row must end sent, and all copies the server got of one row must carry
that row's one Message-ID.
"""

import os
import time
import uuid

import pytest
from django.db import connection, transaction

from mail import services
from mail.models import EmailState, OutgoingEmail
from tests.mail.live import CeleryProcess, RelayServer, SlowRelay, database_url, wait_until
from tests.submissions.test_broker import broker_url

ROWS = 200
LEASE = 3  # seconds: a killed attempt's row is claimable again this soon
SWEEP = 1  # seconds between sweeps (beat)
BATCH = 10  # rows per delivery task of a bulk send


def server_database() -> None:
    """The worker process must see the test's rows: a database server, not SQLite in memory."""
    if connection.vendor != "sqlite":
        return
    reason = "needs DATABASE_URL naming a database server that a worker process can share"
    if os.environ.get("REQUIRE_BROKER") == "1":
        pytest.fail(f"REQUIRE_BROKER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def publishing_to(request):
    """The test process publishes to the real broker, on the queue its worker consumes."""
    from config.celery import app

    def use(url: str, queue: str):
        overrides = {"broker_url": url, "task_always_eager": False, "task_default_queue": queue}
        saved = {key: app.conf.get(key) for key in overrides}
        app.conf.update(overrides)
        app._pool = None
        app.amqp._producer_pool = None

        def restore():
            import redis

            redis.Redis.from_url(url).delete(queue)  # what is left: stray no-op tasks
            app.conf.update(saved)
            app._pool = None
            app.amqp._producer_pool = None

        request.addfinalizer(restore)

    return use


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bulk", [False, True], ids=["one-by-one", "in-batches"])
def test_killed_workers_never_send_two_different_messages_for_one_row(
    tmp_path, publishing_to, settings, bulk
):
    """One by one: each row queued in its own transaction, one task per row. In batches: the
    rows queued at once (``queue_emails``, as a decision release does), one task per batch of
    ``BATCH`` rows, each batch claimed at once and sent over one SMTP connection."""
    settings.MAIL_BATCH_SIZE = BATCH
    url = broker_url()
    server_database()
    queue = f"test-mail-kill-{uuid.uuid4().hex}"
    publishing_to(url, queue)
    relay = SlowRelay(delay=0.15)
    log = (tmp_path / "celery.log").open("wb")

    with RelayServer(relay) as server:
        env = {
            "DATABASE_URL": database_url(connection.settings_dict),
            "CELERY_BROKER_URL": url,
            "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
            "SITE_URL": "https://cfp.example.org",
            "MAIL_LEASE_SECONDS": str(LEASE),
            "MAIL_REQUEUE_AFTER_SECONDS": str(LEASE),
            "MAIL_SWEEP_SECONDS": str(SWEEP),
            "MAIL_BATCH_SIZE": str(BATCH),
        }
        common = {"base_dir": settings.BASE_DIR, "work_dir": tmp_path, "env": env, "log": log}
        worker = CeleryProcess("worker", queue=queue, concurrency=4, **common)
        beat = CeleryProcess("beat", queue=queue, **common)
        worker.start()
        beat.start()
        try:
            letters = [
                {
                    "recipient": f"author{n}@example.org",
                    "subject": f"Decision on paper #{n}",
                    "body": "Dear author,\n\nthe decision is in.\n",
                    "key": f"kill-test:{n}:author{n}@example.org",
                }
                for n in range(ROWS)
            ]
            if bulk:
                with transaction.atomic():  # the batches are published as it commits
                    ids = services.queue_emails(letters)
            else:
                ids = []
                for letter in letters:
                    with transaction.atomic():  # each row is published as it commits
                        ids.append(services.queue_email(**letter).pk)
            assert len(ids) == ROWS

            kills = {"worker": 0, "pool child": 0}
            plan = ((20, "worker"), (60, "pool child"), (100, "worker"), (150, "pool child"))
            for threshold, what in plan:
                assert wait_until(lambda t=threshold: relay.count() >= t, timeout=60), (
                    f"only {relay.count()} messages reached the server"
                )
                assert wait_until(relay.in_window, timeout=10)
                if what == "worker":
                    worker.kill()  # the whole worker: main process and pool, kill -9
                    worker.start()
                elif worker.kill_a_pool_child() is None:
                    continue
                kills[what] += 1
            restarted = time.monotonic()

            def all_sent():
                return not OutgoingEmail.objects.exclude(state=EmailState.SENT).exists()

            assert wait_until(all_sent, timeout=60, step=0.5), (
                f"see {tmp_path / 'celery.log'}; rows not sent: "
                + repr(
                    list(
                        OutgoingEmail.objects.exclude(state=EmailState.SENT).values_list(
                            "pk", "state", "attempts", "error"
                        )[:10]
                    )
                )
            )
            recovered_after = time.monotonic() - restarted
            time.sleep(LEASE + 2 * SWEEP)  # a late duplicate would arrive now
        finally:
            worker.stop()
            beat.stop()
            log.close()

    report = relay.report(ids)
    print(report, kills, f"recovered {recovered_after:.1f} s after the last kill")
    assert kills["worker"] == 2
    assert report["lost"] == []
    assert report["foreign"] == []
    assert report["rows_with_several_message_ids"] == []
    assert report["distinct_message_ids"] == ROWS
    # Each kill landed while a message was accepted but not acknowledged: that copy was sent
    # again, under the same Message-ID (so receiving servers and clients collapse it).
    assert report["duplicates"] >= kills["worker"]
    message_ids = dict(OutgoingEmail.objects.values_list("pk", "message_id"))
    with relay.lock:
        assert all(message_ids[int(row)] == mid for row, mid in relay.received)
