"""The public accepted papers in Chromium at desktop and phone widths: readable, no sideways
scrolling, the abstract opens without JavaScript tricks, the PDF link works."""

import os

import pytest
from django.urls import reverse

from tests import factories

from .helpers import add_camera_ready, decided_paper, publish, release

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _async_unsafe(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.parametrize("width", [1280, 390])
def test_accepted_pages_fit_the_screen(browser, live_server, media_root, width):
    workshop = factories.WorkshopFactory(name="Workshop on Trustworthy Machine Learning")
    rel = release(workshop)
    long_title = (
        "Certified robustness of very deep neural networks against adaptive adversaries "
        "under distribution shift"
    )
    for number, outcome in enumerate(["accept_talk", "accept_poster", "accept_virtual_poster"], 1):
        paper = decided_paper(workshop, number, outcome=outcome, rel=rel, title=long_title)
        add_camera_ready(paper, pages=2, orcid="0000-0002-1825-0097")
    publish(workshop, papers=True)

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US"
    )
    page = context.new_page()
    for name, url in (
        ("detail", workshop.get_absolute_url() + "#accepted"),
        ("accepted", reverse("accepted:list", args=[workshop.slug])),
    ):
        page.goto(url)
        assert page.get_by_role("heading", name="Accepted papers").is_visible()
        page.get_by_text("Abstract").first.click()
        assert page.get_by_text("Final abstract of 1.").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        if os.environ.get("SCREENSHOT_DIR"):
            os.makedirs(os.environ["SCREENSHOT_DIR"], exist_ok=True)
            page.screenshot(
                path=f"{os.environ['SCREENSHOT_DIR']}/accepted-{name}-{width}.png", full_page=True
            )
    with page.expect_response(lambda r: r.url.endswith("/accepted/1.pdf")) as info:
        page.get_by_role("link", name="PDF of").first.click()
    assert info.value.status == 200
    assert info.value.headers["content-type"] == "application/pdf"
    context.close()


def _signed_in_context(browser, live_server, user, width):
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US"
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


@pytest.mark.parametrize("width", [1280, 390])
def test_chair_pages_fit_the_screen(browser, live_server, media_root, width):
    workshop = factories.WorkshopFactory(is_archival=True, proceedings="IEEE Xplore")
    chair = factories.member(workshop, "chair")
    rel = release(workshop)
    for number in (1, 2, 3):
        paper = decided_paper(workshop, number, rel=rel)
        if number != 3:
            add_camera_ready(paper, pages=2)
    context = _signed_in_context(browser, live_server, chair, width)
    page = context.new_page()
    page.goto(reverse("accepted:manage", args=[workshop.slug]))
    page.get_by_role("button", name="Publish the accepted papers").click()
    assert page.get_by_text("The accepted papers are now public.").is_visible()
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/accepted-manage-{width}.png", full_page=True)
    page.goto(reverse("exports:index", args=[workshop.slug]))
    assert page.get_by_text("1 accepted paper not ready for the publisher").is_visible()
    page.get_by_label("#3 Paper 3: a study").fill("1")
    page.get_by_role("button", name="Save the order").click()
    assert page.get_by_text("Proceedings order saved").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the exports page scrolls sideways by {overflow}px at {width}px"
    if shots:
        page.screenshot(path=f"{shots}/exports-{width}.png", full_page=True)
    context.close()
