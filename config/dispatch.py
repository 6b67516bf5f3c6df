"""Handing a Celery task to the broker once the current transaction commits, without ever
turning work that is already saved into an error page.

When the broker is unreachable the publish fails *after* the COMMIT: the paper, the release or
the invitation is saved, and what the task would have done is picked up later by the sweep that
owns it (``mail.requeue_stuck`` for queued e-mails, ``reviews.renotify_pending_releases`` for
decision releases...). So a failed publish is logged as a warning and swallowed instead of
propagating into the response. The publish itself is bounded by the settings
(``CELERY_TASK_PUBLISH_RETRY_POLICY``, ``CELERY_BROKER_TRANSPORT_OPTIONS``): a request does not
hang for the many seconds kombu's defaults can wait on a dead broker.

Tasks are given as the task object or by name (``"mail.send_email"``), so that a caller need
not import another app's tasks. This module imports nothing of the project's apps, so any app
may use it without an import cycle.
"""

from __future__ import annotations

import logging
import socket

from django.db import transaction

logger = logging.getLogger(__name__)


def _connection_errors() -> tuple[type[BaseException], ...]:
    """What a publish raises when the broker cannot be reached, for every transport used here
    (kombu wraps most of them as ``OperationalError``; redis-py and amqp have their own)."""
    from kombu.exceptions import KombuError

    errors: list[type[BaseException]] = [KombuError, OSError, socket.timeout, TimeoutError]
    try:
        from redis import exceptions as redis_errors

        errors += [redis_errors.ConnectionError, redis_errors.TimeoutError]
    except ImportError:  # pragma: no cover - the redis transport is not installed
        pass
    try:
        from amqp import exceptions as amqp_errors

        errors += [amqp_errors.ConnectionError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def publish(task, *args, inline_if_down: bool = False, **kwargs) -> bool:
    """Send ``task`` to the broker now; returns whether it was handed over.

    A broker connection error is logged (one line, no traceback) and returns False; anything
    else (a programming error) propagates. An eager task (tests, ``CELERY_TASK_ALWAYS_EAGER``)
    talks to no broker: it runs inline and whatever it raises propagates as it is.

    ``inline_if_down`` runs the task in this process when the broker cannot take it, for work
    that no sweep resumes and that must not wait (it should be short); its failure is logged,
    never raised.
    """
    if isinstance(task, str):
        task = _task_named(task)
    if task.app.conf.task_always_eager:
        task.delay(*args, **kwargs)
        return True
    try:
        # Bounded by CELERY_TASK_PUBLISH_RETRY_POLICY and the broker options of the settings.
        task.delay(*args, **kwargs)
    except _connection_errors() as exc:
        logger.warning(
            "Broker unreachable: task %s%r %s: %s: %s",
            task.name,
            args,
            "run in the web process instead"
            if inline_if_down
            else "not queued (a sweep will pick the work up)",
            type(exc).__name__,
            exc,
        )
        if inline_if_down:
            try:
                task.apply(args=args, kwargs=kwargs, throw=True)
            except Exception:
                logger.exception("Task %s%r failed when run in the web process", task.name, args)
        return False
    return True


def _task_named(name: str):
    from celery import current_app

    tasks = current_app.tasks
    if name not in tasks:
        current_app.loader.import_default_modules()  # imports every app's tasks.py
    return tasks[name]


def publish_on_commit(task, *args, inline_if_down: bool = False, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction commits (at once outside
    one). A broker that is down is logged, never raised: the caller's work is committed."""
    transaction.on_commit(lambda: publish(task, *args, inline_if_down=inline_if_down, **kwargs))
