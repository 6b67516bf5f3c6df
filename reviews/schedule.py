"""Periodic work of the review process, merged into Celery beat by config/celery.py."""

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE = {
    "reviews.send_review_reminders": {
        "task": "reviews.send_review_reminders",
        "schedule": crontab(minute=15),  # hourly; each reminder is sent once per assignment
    },
    "reviews.renotify_pending_releases": {
        "task": "reviews.renotify_pending_releases",
        # Releases whose notification task was lost (broker down, worker killed) or gave up:
        # as often as the outbox sweep, so a lost release resumes within about 2 minutes.
        "schedule": timedelta(seconds=settings.MAIL_SWEEP_SECONDS),
        "options": {"expires": settings.MAIL_SWEEP_SECONDS},
    },
    "reviews.advance_phases": {
        "task": "reviews.advance_phases",
        "schedule": crontab(minute="*/10"),
    },
}
