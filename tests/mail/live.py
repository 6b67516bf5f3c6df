"""A real SMTP server and a real Celery worker process, for the fault tests and bench/fault_mail.py.

``SlowRelay`` is an aiosmtpd server that records every message it receives (its Message-ID and
outbox id) the moment DATA ends, then waits before answering "250": a worker killed in that
pause has handed the message over without learning so, the window in which a naive outbox
sends a second, different letter.

``CeleryProcess`` runs ``celery -A config worker`` (or ``beat``, a separate process as in
production) in its own process group, so SIGKILL reaches the pool children too, on its own
queue, against the database and broker it is given.
"""

from __future__ import annotations

import asyncio
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowRelay:
    """aiosmtpd handler: records each message, then answers DATA after ``delay`` seconds."""

    def __init__(self, delay: float = 0.2):
        self.delay = delay
        self.lock = threading.Lock()
        self.received: list[tuple[str, str]] = []  # (outbox id, Message-ID) in arrival order
        self.pending = 0  # messages received whose "250" has not been sent yet

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.received.append((message.get("X-Outbox-Id", ""), message.get("Message-ID", "")))
            self.pending += 1
        try:
            await asyncio.sleep(self.delay)
        finally:
            with self.lock:
                self.pending -= 1
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def in_window(self) -> bool:
        """Is some message accepted here but not yet acknowledged to its sender?"""
        with self.lock:
            return self.pending > 0

    def report(self, row_ids) -> dict:
        """What the recipients got, per outbox row."""
        with self.lock:
            received = list(self.received)
        ids_per_row: dict[str, set[str]] = defaultdict(set)
        copies = Counter()
        for outbox_id, message_id in received:
            ids_per_row[outbox_id].add(message_id)
            copies[outbox_id] += 1
        rows = {str(pk) for pk in row_ids}
        return {
            "rows": len(rows),
            "messages": len(received),
            "distinct_message_ids": len({m for _, m in received}),
            "duplicates": sum(n - 1 for row, n in copies.items() if row in rows),
            "rows_with_several_message_ids": sorted(
                row for row, ids in ids_per_row.items() if len(ids) > 1
            ),
            "lost": sorted(rows - set(ids_per_row)),
            "foreign": sorted(set(ids_per_row) - rows),
        }


class RelayServer:
    def __init__(self, handler: SlowRelay):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL naming the same database as Django's ``settings_dict`` (a server one)."""
    scheme = {"django.db.backends.postgresql": "postgres", "django.db.backends.mysql": "mysql"}[
        settings_dict["ENGINE"]
    ]
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or ""
    return f"{scheme}://{auth}{host}{':' + str(port) if port else ''}/{settings_dict['NAME']}"


class CeleryProcess:
    """``celery worker`` (prefork) or ``celery beat`` as a subprocess, restartable, killable
    with SIGKILL."""

    def __init__(
        self,
        kind: str,
        *,
        base_dir: Path,
        work_dir: Path,
        env: dict,
        queue: str,
        concurrency: int = 4,
        log=None,
    ):
        self.kind = kind
        self.base_dir = base_dir
        self.work_dir = work_dir
        self.env = env
        self.queue = queue
        self.concurrency = concurrency
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        var = self.work_dir / f"{self.kind}-{self.starts}"
        var.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "VAR_DIR": str(var),
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        env.pop("CELERY_BROKER_TRANSPORT_OPTIONS", None)
        if self.kind == "beat":
            args = ["beat", f"--schedule={var / 'beat-schedule'}", "--loglevel=WARNING"]
        else:
            args = [
                "worker",
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                f"--queues={self.queue}",
                f"--hostname=fault-{self.queue}-{self.starts}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=WARNING",
            ]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=self.base_dir,
            env=env,
            stdout=self.log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches every child
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and its children, all at once (kill -9 -PGID)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.proc = None

    def children(self) -> list[int]:
        if not self.alive():
            return []
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill_a_pool_child(self) -> int | None:
        """SIGKILL one child of the worker (the pool replaces it); returns its pid."""
        children = self.children()
        if not children:
            return None
        pid = children[-1]
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return pid

    def stop(self) -> None:
        self.kill()


def wait_until(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
