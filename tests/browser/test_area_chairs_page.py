"""A chair assigns area chairs on the Area chairs page in a real browser, with JavaScript off
(plain forms), at desktop and phone widths."""

import pytest
from django.urls import reverse

from reviews.models import AreaChairAssignment
from tests import factories as base
from tests.autoassign.conftest import make_venue
from tests.browser.flows import snap, unlabeled_controls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_chair_assigns_an_area_chair_without_javascript(browser, live_server, width):
    venue = make_venue(n_papers=3, n_reviewers=1)
    alice = base.member(venue.workshop, "area_chair", full_name="Alice Areachair")
    base.BidFactory(submission=venue.papers[1], reviewer=alice, preference="eager")
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(venue.chair.email)
    page.get_by_label("Password").fill(base.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(reverse("reviews:area_chairs", args=[venue.workshop.slug]))

    row = page.locator("#paper-2")
    assert "Alice Areachair" in row.inner_text() and "eager" in row.inner_text()
    assert unlabeled_controls(page) == []
    snap(page, f"area-chairs-{width}")
    row.get_by_role("button", name="Assign").click()
    page.wait_for_load_state("domcontentloaded")

    assert AreaChairAssignment.objects.filter(submission=venue.papers[1], area_chair=alice).exists()
    assert "Unassign Alice Areachair from paper #2" in page.locator("#paper-2").inner_html()
    # The page fits the viewport: no horizontal scroll of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    context.close()
