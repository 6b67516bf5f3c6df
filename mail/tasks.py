from celery import shared_task

from . import services


@shared_task(name="mail.send_email")
def send_email(email_id: int) -> str | None:
    """Deliver one outbox row. The row itself records retries and their backoff, so this task
    never waits in a worker (no countdown, nothing a killed worker could hold back): a row that
    needs another attempt is handed over again by ``requeue_stuck``."""
    email = services.deliver(email_id)
    return email.state if email is not None else None


@shared_task(name="mail.requeue_stuck")
def requeue_stuck() -> int:
    """Beat, every ``MAIL_SWEEP_SECONDS``: hand over rows whose delivery is due again."""
    return services.requeue_stuck()


@shared_task(name="mail.send_emails")
def send_emails(email_ids: list[int]) -> dict[str, int]:
    """Deliver a batch of outbox rows over one SMTP connection (``services.deliver_many``):
    each row claimed, sent under its own Message-ID and recorded as ``send_email`` does."""
    return services.deliver_many(email_ids)
