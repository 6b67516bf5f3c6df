"""``manage.py load_demo``: the demo workshops, users, submissions and reviews, idempotently."""

import importlib
import importlib.util
import inspect
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workshops.demo import loader, seeds

# Demo loaders of the other apps, run after the workshops and users when the app has one.
APP_LOADERS = ["submissions.demo", "reviews.demo"]


class Command(BaseCommand):
    help = (
        "Load the demo data: four real calls for papers, an open demo edition, demo accounts "
        f"(password {seeds.PASSWORD}) and, when the apps provide them, demo submissions and "
        "reviews. Running it again updates the data in place."
    )

    def add_arguments(self, parser):
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
        with transaction.atomic():
            summary = loader.load(stdout=self.stdout)
            for name in APP_LOADERS:
                if importlib.util.find_spec(name) is None:
                    continue
                self.stdout.write(f"Loading {name}...")
                load = importlib.import_module(name).load
                if "stdout" in inspect.signature(load).parameters:
                    load(stdout=self.stdout)
                else:
                    load()

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {summary['workshops']} workshops, {summary['users']} "
                f"accounts, {summary['memberships']} committee memberships."
            )
        )
        self.stdout.write(f"Demo logins (password {seeds.PASSWORD}):")
        self.stdout.write(f"  {seeds.ADMIN['email']}  site administrator")
        self.stdout.write(f"  {seeds.CHAIR['email']}  chair of every workshop")
        self.stdout.write(
            f"  {seeds.REVIEWERS[0]['email']} ... {seeds.REVIEWERS[-1]['email']}  reviewers"
        )
        self.stdout.write(
            f"  {seeds.AUTHORS[0]['email']} ... {seeds.AUTHORS[-1]['email']}  authors"
        )
