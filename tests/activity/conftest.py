"""The review scenario (tests/reviews/conftest.py) serves the activity log's tests too."""

from tests.reviews.conftest import _files_and_links, login, scenario  # noqa: F401
