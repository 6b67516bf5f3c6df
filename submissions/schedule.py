"""Periodic tasks of the submissions app, merged into Celery beat by config.celery."""

BEAT_SCHEDULE = {
    "submissions-draft-reminders": {
        "task": "submissions.send_draft_reminders",
        "schedule": 5 * 60.0,  # every five minutes; each reminder is keyed, so reruns are no-ops
    },
}
