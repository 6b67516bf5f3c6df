"""The one Chromium of the test run, shared with tests/browser (a second Playwright in the same
thread is refused)."""

from tests.browser.conftest import browser  # noqa: F401
