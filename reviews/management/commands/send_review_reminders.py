"""``manage.py send_review_reminders``: what Celery beat runs hourly, now (each reminder once)."""

from django.core.management.base import BaseCommand

from reviews.services.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Remind reviewers 3 days before and 1 day after their due date (never twice)."

    def handle(self, *args, **options):
        count = send_due_reminders()
        self.stdout.write(self.style.SUCCESS(f"{count} reminder(s) considered."))
