from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from . import bulk, signals  # noqa: F401  (connects the receivers)

        bulk.register()  # bulk actions and the decision: search of the chairs' list
