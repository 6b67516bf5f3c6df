"""``manage.py load_demo``: the demo workshops, users, submissions and reviews, idempotently.

A run creates what is missing and changes nothing that exists, so ``make run`` calls it every
time; ``--reset`` restores the demo workshops and accounts to the seeds.
"""

import importlib
import importlib.util
import inspect
import logging
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workshops.demo import loader, seeds

# Demo loaders of the other apps, run after the workshops and users when the app has one.
# The complete and response editions' cycles come last: they build on the accounts and on
# nothing else.
APP_LOADERS = [
    "submissions.demo",
    "reviews.demo",
    "workshops.demo.cycle",
    "workshops.demo.response",
]


class Command(BaseCommand):
    help = (
        "Load the demo data: four real calls for papers, an open demo edition, a demo edition "
        "whose cycle is complete, one in its author response, demo accounts "
        f"(password {seeds.PASSWORD}) and, when the apps provide them, demo submissions and "
        "reviews. Running it again only creates what is missing: chairs' edits and changed "
        "passwords are kept. --reset restores the seed state."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Restore the demo workshops and accounts to the seeds: overwrite their fields "
            "and passwords, move the open demo edition's dates to today and its review back to "
            "the phase they imply, and remove the topics, dates and people that are not in the "
            "seeds.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even under the production settings (the demo accounts have a published "
            "password, and admin@demo.test is a superuser).",
        )

    def handle(self, *args, **options):
        # SETTINGS_MODULE is None while settings are overridden (tests); the variable still tells.
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if module.endswith(".production") and not options["allow_production"]:
            raise CommandError(
                "Refusing to create demo accounts with a published password under the "
                "production settings; pass --allow-production for a throw-away instance."
            )
        self.stdout.write("Loading demo workshops and accounts...")
        # The demo's story is written to the activity log; one console line per entry is noise.
        logging.getLogger("activity").setLevel(logging.WARNING)
        with transaction.atomic():
            summary = loader.load(stdout=self.stdout, reset=options["reset"])
            for name in APP_LOADERS:
                if importlib.util.find_spec(name) is None:
                    continue
                self.stdout.write(f"Loading {name}...")
                load = importlib.import_module(name).load
                parameters = inspect.signature(load).parameters
                kwargs = {"stdout": self.stdout} if "stdout" in parameters else {}
                if "reset" in parameters:
                    kwargs["reset"] = options["reset"]
                load(**kwargs)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {summary['workshops']} workshops "
                f"({summary['workshops_created']} created), {summary['users']} accounts "
                f"({summary['users_created']} created), {summary['memberships']} committee "
                "memberships." + (" Restored to the seeds." if options["reset"] else "")
            )
        )
        self.stdout.write(f"Demo logins (password {seeds.PASSWORD}):")
        self.stdout.write(f"  {seeds.ADMIN['email']}  site administrator")
        self.stdout.write(f"  {seeds.CHAIR['email']}  chair of every workshop")
        self.stdout.write(
            f"  {seeds.REVIEWERS[0]['email']} ... {seeds.REVIEWERS[-1]['email']}  reviewers"
        )
        self.stdout.write(
            f"  {', '.join(a['email'] for a in seeds.AREA_CHAIRS)}  area chairs of the "
            "response edition"
        )
        self.stdout.write(
            f"  {seeds.AUTHORS[0]['email']} ... {seeds.AUTHORS[-1]['email']}  authors"
        )
