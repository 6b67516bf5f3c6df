"""Browser tests: uploaded files go to the test's own folder.

The fixtures (``browser``, ``page``, ``login``, ``logout``) are in ``tests/browser/fixtures.py``.
"""

import pytest


@pytest.fixture(autouse=True)
def _media(media_root):
    """Uploaded PDFs go to the test's own folder; the live server runs in this process."""
