"""Handing tasks to the broker after a commit, without ever turning saved work into an error.

When the broker is down, ``task.delay`` raises (kombu's ``OperationalError`` once its publish
retries are spent). Called from ``transaction.on_commit`` inside a request, that exception
would reach the user as a 500 page although everything was saved. Here it is logged and
swallowed instead: the work stays recorded in the database, and a periodic sweep hands it to
the broker again (``mail.services.requeue_stuck`` for the outbox,
``reviews.services.decisions.renotify_pending_releases`` for decision releases).

Use ``publish_after_commit(task, *args)`` wherever a task is started for rows a transaction
writes; tasks are given as the task object or by name (``"mail.send_email"``), so this module
imports no app's tasks.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached: kombu wraps the transport's
# connection errors in its OperationalError; raw socket errors are OSErrors.
BROKER_ERRORS = (KombuOperationalError, OSError)


def publish(task, *args) -> bool:
    """``task.delay(*args)``; returns False (and logs) instead of raising when the broker is
    unreachable."""
    if isinstance(task, str):
        task = _task_named(task)
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.warning(
            "The broker refused %s%r; the work stays recorded and the sweep hands it over later",
            task.name,
            args,
            exc_info=True,
        )
        return False
    return True


def _task_named(name: str):
    tasks = current_app.tasks
    if name not in tasks:
        current_app.loader.import_default_modules()  # imports every app's tasks.py
    return tasks[name]


def publish_after_commit(task, *args) -> None:
    """Publish ``task(*args)`` once the current transaction commits (at once outside one);
    a broker outage is logged, never raised into the caller's request."""
    transaction.on_commit(lambda: publish(task, *args))
