from celery import shared_task

from . import services

MAX_RETRIES = 5


@shared_task(name="mail.send_email", bind=True, max_retries=MAX_RETRIES)
def send_email(self, email_id: int) -> None:
    """Deliver one outbox row; transient failures retry with backoff (1, 2, 4, 8, 16 min)."""
    try:
        services.deliver(email_id)
    except services.TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            services.mark_failed(email_id, f"gave up after {MAX_RETRIES} retries: {exc}")
            return
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="mail.requeue_stuck")
def requeue_stuck() -> int:
    """Periodic safety net for rows whose delivery task never ran."""
    return services.requeue_stuck()
