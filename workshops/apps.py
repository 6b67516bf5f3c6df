from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self):
        # Register the rules permissions; rules' autodiscovery only imports modules named rules.py.
        from . import permissions  # noqa: F401
        from .page_cache import connect_signals

        connect_signals()
