"""Celery tasks of the review process: thin, idempotent, ids in and out; work in services."""

from celery import shared_task


@shared_task(name="reviews.send_decision_notifications", bind=True, max_retries=5)
def send_decision_notifications(self, release_id: int) -> int:
    """Queue the decision e-mail of every author of a release; a rerun queues only what is
    missing (idempotency keys ``decision:<release>:<paper>:<email>``)."""
    from .services.decisions import notify_release

    try:
        return notify_release(release_id)
    except Exception as exc:  # a database hiccup: try again later, nothing is sent twice
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(name="reviews.renotify_pending_releases")
def renotify_pending_releases() -> int:
    """Beat: queue the notification of releases whose task was lost or gave up."""
    from .services.decisions import renotify_pending_releases as renotify

    return renotify()


@shared_task(name="reviews.send_review_reminders")
def send_review_reminders() -> int:
    from .services.reminders import send_due_reminders

    return send_due_reminders()


@shared_task(name="reviews.advance_phases")
def advance_phases() -> int:
    from .services.phases import advance_by_dates

    return advance_by_dates()


@shared_task(name="reviews.detect_conflicts")
def detect_conflicts(workshop_id: int) -> int:
    from workshops.models import Workshop

    from .services.conflicts import detect_conflicts as detect

    return detect(Workshop.objects.get(pk=workshop_id))


from .auto_assign_tasks import *  # noqa: F401,F403,E402
