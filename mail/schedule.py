from datetime import timedelta

BEAT_SCHEDULE = {
    "mail-requeue-stuck": {"task": "mail.requeue_stuck", "schedule": timedelta(minutes=10)},
}
