"""A real Chromium driven by Playwright against Django's live server.

Debian's chromium is used through ``executable_path``: no browser is downloaded. Without a
Chromium the browser tests are skipped, unless ``REQUIRE_BROWSER=1`` (CI), where that is an error.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (arranging data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


# One Playwright and one Chromium per test run. Other test folders import ``browser`` into
# their own conftest, which makes it a second session fixture: both share this one, since a
# second Playwright in the same thread is refused ("Sync API inside the asyncio loop").
_shared: dict = {"users": 0, "playwright": None, "browser": None}


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = "no Chromium found (install Debian's chromium or set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    if _shared["users"] == 0:
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS
        )
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            _shared["browser"].close()
            _shared["playwright"].stop()
            _shared.update(playwright=None, browser=None)


@pytest.fixture(autouse=True)
def _media(media_root):
    """Uploaded PDFs go to the test's own folder; the live server runs in this process."""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Sign in through the real allauth form."""

    def _login(email: str, password: str):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state("domcontentloaded")
        # The navigation shows the sign-out button only to a signed-in user.
        page.get_by_role("button", name="Sign out").wait_for()

    return _login


@pytest.fixture
def logout(page):
    """Sign out through the button of the navigation."""

    def _logout():
        page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
        page.get_by_role("link", name="Sign in").wait_for()

    return _logout
