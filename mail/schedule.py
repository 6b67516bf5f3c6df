from datetime import timedelta

from django.conf import settings

BEAT_SCHEDULE = {
    "mail-requeue-stuck": {
        "task": "mail.requeue_stuck",
        "schedule": timedelta(seconds=settings.MAIL_SWEEP_SECONDS),
        # A sweep that waited longer than its period is superseded by the next one.
        "options": {"expires": settings.MAIL_SWEEP_SECONDS},
    },
}
