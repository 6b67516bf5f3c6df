from tests.reviews.conftest import _files_and_links, login, scenario  # noqa: F401
