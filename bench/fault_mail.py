"""Kill Celery workers with SIGKILL in mid-send and count what the recipients get.

The production shape, locally: PostgreSQL (DATABASE_URL), Redis (CELERY_BROKER_URL), a real
``celery worker`` (prefork) and a separate ``celery beat``, and a real SMTP server (aiosmtpd,
started here) that records each message when DATA ends and answers "250" only after
``--delay`` seconds, the window in which a killed worker has handed a letter over without
learning so. The script queues ``--rows`` outbox rows, SIGKILLs the whole worker (main process
and pool, ``kill -9 -PGID``) or one pool child ``--kills`` times while a message sits in that
window, restarts the worker, and waits until every row is sent. It prints: rows, delivered
messages, duplicates (extra copies, all under their row's one Message-ID), rows with more than
one Message-ID, lost rows, and how long after the last restart the last row was sent.

Run from the top of the checkout (the lease and sweep are the production defaults unless
given; the worker uses its own queue, so other workers on the broker are not disturbed)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/1 \\
    .venv/bin/python bench/fault_mail.py --rows 2000 --kills 10
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=10, help="every third kills a pool child")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds before the 250")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--lease", type=int, help="MAIL_LEASE_SECONDS (default: settings)")
    parser.add_argument("--sweep", type=int, help="MAIL_SWEEP_SECONDS (default: settings)")
    parser.add_argument("--requeue-after", type=int, help="MAIL_REQUEUE_AFTER_SECONDS")
    parser.add_argument("--timeout", type=float, default=900, help="give up after (s)")
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="queue the rows at once (queue_emails, as a decision release does): one task "
        "per MAIL_BATCH_SIZE rows, each batch sent over one SMTP connection",
    )
    args = parser.parse_args()

    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        if not os.environ.get(name):
            parser.error(f"set {name} (PostgreSQL and Redis: the production shape)")
    queue = f"bench-mail-{uuid.uuid4().hex[:12]}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "DEBUG": "false",
        }
    )
    tuning = {
        "MAIL_LEASE_SECONDS": args.lease,
        "MAIL_SWEEP_SECONDS": args.sweep,
        "MAIL_REQUEUE_AFTER_SECONDS": args.requeue_after,
    }
    os.environ.update({k: str(v) for k, v in tuning.items() if v is not None})
    work = Path(tempfile.mkdtemp(prefix="fault-mail-"))
    os.environ.setdefault("VAR_DIR", str(work / "var"))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from mail import services
    from mail.models import EmailState, OutgoingEmail
    from tests.mail.live import CeleryProcess, RelayServer, SlowRelay, wait_until

    call_command("migrate", verbosity=0)
    print(
        f"lease {settings.MAIL_LEASE_SECONDS} s, sweep every {settings.MAIL_SWEEP_SECONDS} s,"
        f" requeue after {settings.MAIL_REQUEUE_AFTER_SECONDS} s, broker visibility timeout"
        f" {settings.CELERY_BROKER_TRANSPORT_OPTIONS.get('visibility_timeout')} s"
    )
    relay = SlowRelay(delay=args.delay)
    log = (work / "celery.log").open("wb")
    prefix = f"bench-fault:{queue}:"
    with RelayServer(relay) as server:
        env = {
            "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
            **{k: str(v) for k, v in tuning.items() if v is not None},
        }
        common = {"base_dir": BASE_DIR, "work_dir": work, "env": env, "log": log}
        worker = CeleryProcess("worker", queue=queue, concurrency=args.concurrency, **common)
        beat = CeleryProcess("beat", queue=queue, **common)
        worker.start()
        beat.start()
        try:
            started = time.monotonic()
            letters = [
                {
                    "recipient": f"author{n}@bench.example",
                    "subject": f"Decision on paper #{n}",
                    "body": "Dear author,\n\nthe decision on your paper is in.\n",
                    "key": f"{prefix}{n}",
                }
                for n in range(args.rows)
            ]
            if args.bulk:
                ids = services.queue_emails(letters)
            else:
                ids = [services.queue_email(**letter).pk for letter in letters]
            print(f"queued {len(ids)} rows in {time.monotonic() - started:.1f} s")
            kills = {"worker": 0, "pool child": 0}
            last_restart = timezone.now()
            for k in range(args.kills):
                threshold = (k + 1) * args.rows // (args.kills + 1)
                if not wait_until(lambda t=threshold: relay.count() >= t, timeout=args.timeout):
                    break
                wait_until(relay.in_window, timeout=10)
                if k % 3 == 1 and worker.kill_a_pool_child() is not None:
                    kills["pool child"] += 1
                    continue
                worker.kill()
                kills["worker"] += 1
                worker.start()
                last_restart = timezone.now()
            pending = OutgoingEmail.objects.filter(pk__in=ids).exclude(state=EmailState.SENT)
            done = wait_until(lambda: not pending.exists(), timeout=args.timeout, step=0.5)
            last_sent = max(
                OutgoingEmail.objects.filter(pk__in=ids).values_list("sent_at", flat=True)
            )
            recovered = (last_sent - last_restart).total_seconds()
            time.sleep(2)  # a late copy would arrive now
        finally:
            worker.stop()
            beat.stop()
            log.close()

    report = relay.report(ids)
    several = report["rows_with_several_message_ids"]
    mode = f"in batches of {settings.MAIL_BATCH_SIZE}" if args.bulk else "one task per row"
    print(f"delivery: {mode}")
    print(f"kills: {kills['worker']} whole worker, {kills['pool child']} pool child (SIGKILL)")
    print(f"rows:                          {report['rows']}")
    print(f"delivered messages:            {report['messages'] - len(report['foreign'])}")
    print(f"duplicates (same Message-ID):  {report['duplicates']}")
    print(f"rows with >1 Message-ID:       {len(several)}")
    print(f"distinct Message-IDs per row:  max {1 if not several else 'more than 1'}")
    print(f"lost (never delivered):        {len(report['lost'])}")
    print(f"all rows sent:                 {'yes' if done else 'NO'}")
    print(f"last row sent after restart:   {recovered:.1f} s")
    print(f"worker log:                    {work / 'celery.log'}")
    OutgoingEmail.objects.filter(idempotency_key__startswith=prefix).delete()
    import redis

    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).delete(queue)
    return 0 if done and not several and not report["lost"] else 1


if __name__ == "__main__":
    sys.exit(main())
