"""The review scenario of tests/reviews (a double-blind workshop in review), reused here."""

from tests.reviews.conftest import _files_and_links, login, scenario  # noqa: F401
