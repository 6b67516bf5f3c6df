"""Long background jobs that never hang: a heartbeat while the worker works, a sweep for the dead.

A job row (an automatic-assignment run, or any other long computation a page waits for) carries
``heartbeat_at`` (``HeartbeatFields``). The worker refreshes it whenever it reports progress and,
during long calls that report nothing (a solver), from a small thread (``Heartbeat``). If the
worker is killed, the heartbeat stops; ``sweep_stale`` (run by beat every minute, and by the
job's page when it is shown) marks every job whose heartbeat is older than
``JOB_HEARTBEAT_TIMEOUT`` seconds as failed with a plain message, so the page stops waiting and
the user can start the job again.

Rules for a job that uses it:

- every write of the worker is conditional on the job still being in a working state, so a job
  declared dead is never brought back to life by a slow worker that was only paused;
- the timeout is far above the beat interval (``JOB_HEARTBEAT_INTERVAL``, 15 s by default), so a
  busy but living worker is never declared dead.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection, models
from django.db.models.functions import Coalesce
from django.utils import timezone

logger = logging.getLogger(__name__)

WORKER_DIED = "The background worker stopped while computing this proposal. Start the run again."


def heartbeat_timeout() -> dt.timedelta:
    """How long a job may go without a heartbeat before it is declared dead (2.5 min)."""
    return dt.timedelta(seconds=getattr(settings, "JOB_HEARTBEAT_TIMEOUT", 150))


def heartbeat_interval() -> float:
    """How often the heartbeat thread refreshes ``heartbeat_at`` (15 s)."""
    return float(getattr(settings, "JOB_HEARTBEAT_INTERVAL", 15))


class HeartbeatFields(models.Model):
    """Abstract model: when the worker last showed it was alive."""

    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker computing this job."
    )

    class Meta:
        abstract = True


def beat(queryset) -> int:
    """Refresh the heartbeat of the jobs in ``queryset`` (filter it on the working state)."""
    return queryset.update(heartbeat_at=timezone.now())


class Heartbeat:
    """Context manager: a daemon thread that calls ``beat(queryset)`` every ``interval`` seconds.

    For long calls that report no progress. The thread has its own database connection, closed
    when it stops; a failing beat is logged and retried at the next interval.
    """

    def __init__(self, queryset, *, interval: float | None = None):
        self.queryset = queryset
        self.interval = heartbeat_interval() if interval is None else interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    beat(self.queryset)
                except Exception:  # the database is away for a moment: try at the next beat
                    logger.warning("Heartbeat failed", exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self._thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)


def stale(queryset, *, timeout: dt.timedelta | None = None, now=None):
    """The jobs of ``queryset`` (already filtered on the working state) with no heartbeat for
    ``timeout``. A job that never beat counts from its ``started_at`` or ``created_at`` (the
    model needs both fields)."""
    now = now or timezone.now()
    limit = now - (timeout if timeout is not None else heartbeat_timeout())
    return queryset.alias(_last_sign=Coalesce("heartbeat_at", "started_at", "created_at")).filter(
        _last_sign__lt=limit
    )
