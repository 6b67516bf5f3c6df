"""Celery tasks of the automatic assignment (loaded through ``reviews.tasks``)."""

from celery import shared_task

__all__ = ["fail_stale_assignment_runs", "run_auto_assignment", "send_assignment_emails"]


@shared_task(name="reviews.run_auto_assignment")
def run_auto_assignment(run_id: int) -> str | None:
    """Compute a queued run's proposal; progress and failures are recorded on the run."""
    from .services.auto_assign import execute_run

    run = execute_run(run_id)
    return run.state if run is not None else None


@shared_task(name="reviews.fail_stale_assignment_runs")
def fail_stale_assignment_runs() -> int:
    """Beat: fail the runs whose worker died (no heartbeat), so their page stops waiting."""
    from .services.auto_assign import fail_stale_runs

    return fail_stale_runs()


@shared_task(name="reviews.send_assignment_emails")
def send_assignment_emails(run_id: int) -> int:
    """Start the delivery of a committed run's assignment e-mails, in batches (one outbox task
    per ``MAIL_BATCH_SIZE`` rows, sent over one SMTP connection).

    Idempotent: only rows still queued are handed over, and delivery itself skips sent rows.
    """
    from mail.services import publish_batches

    from .models import AssignmentRun
    from .services.auto_assign import email_ids_of_run

    run = AssignmentRun.objects.filter(pk=run_id).first()
    if run is None:
        return 0
    count = 0
    for ids in email_ids_of_run(run):
        publish_batches(ids, on_commit=False)
        count += len(ids)
    return count
