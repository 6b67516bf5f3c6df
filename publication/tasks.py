"""Celery tasks of the publication app: thin, named, idempotent; the work is in services."""

from celery import shared_task

from .services import reminders


@shared_task(name="publication.send_camera_ready_reminders")
def send_camera_ready_reminders() -> int:
    """Remind the authors of incomplete camera-readies 7 days and 1 day before the deadline."""
    return reminders.send_deadline_reminders()
