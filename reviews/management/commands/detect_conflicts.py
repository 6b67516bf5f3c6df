"""``manage.py detect_conflicts <slug>``: record the automatic conflicts of a workshop."""

from django.core.management.base import BaseCommand, CommandError

from reviews.services.conflicts import detect_conflicts
from workshops.models import Workshop


class Command(BaseCommand):
    help = "Find conflicts of interest (authorship, co-authorship, domains, affiliations)."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        workshop = Workshop.objects.filter(slug=slug).first()
        if workshop is None:
            raise CommandError(f"No workshop {slug!r}.")
        count = detect_conflicts(workshop)
        self.stdout.write(self.style.SUCCESS(f"{count} new conflict(s) in {workshop}."))
