"""Periodic tasks of the publication app, merged into Celery beat by config.celery."""

BEAT_SCHEDULE = {
    "publication-camera-ready-reminders": {
        "task": "publication.send_camera_ready_reminders",
        "schedule": 15 * 60.0,  # every 15 minutes; each reminder is keyed, so reruns are no-ops
    },
}
