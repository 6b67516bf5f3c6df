from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Submissions"

    def ready(self):
        # Register the rules permissions (rules' autodiscovery only looks for rules.py)
        # and connect the allauth signal receivers.
        from . import permissions, signals  # noqa: F401
