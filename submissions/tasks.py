"""Celery tasks of the submissions app: thin, named, idempotent; the work is in services."""

from celery import shared_task

from .services import reminders


@shared_task(name="submissions.send_draft_reminders")
def send_draft_reminders() -> int:
    """Remind the authors of unfinished drafts 24 h and 1 h before their deadline."""
    return reminders.send_draft_reminders()
