"""The workshop's log in a real browser: it fits 1280 px, the table scrolls inside its
container at 390 px, and the filter works without JavaScript."""

import pytest
from django.urls import reverse

from activity.models import Kind
from activity.services import record
from reviews.services.assignments import assign, set_due
from reviews.services.phases import set_phase
from tests import factories as base
from tests.browser import flows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZE_JS = "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


@pytest.fixture
def busy_log():
    s = flows.review_scenario()
    other = base.member(s.workshop, "reviewer", full_name="Uma Unassigned")
    for i in range(12):
        paper = base.SubmissionFactory(
            workshop=s.workshop,
            number=10 + i,
            title=f"Certifiably robust training of very large models, part {i}",
            submitted=True,
        )
        a = assign(submission=paper, reviewer=other, by=s.chair, notify=False)
        set_due(a, None, by=s.chair)
    set_phase(s.workshop, "discussion", by=s.chair)
    record(
        workshop=s.workshop,
        kind=Kind.SETTINGS,
        action="call_edited",
        actor=s.chair,
        message="Call edited: Call text and basics",
        changes={"Tagline": ("A workshop on robustness", "A workshop on robust and fair ML")},
    )
    return s


@pytest.mark.parametrize("width", [1280, 390])
def test_the_log_page_at_two_widths(page, login, busy_log, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(busy_log.chair.email, base.PASSWORD)
    url = reverse("activity:workshop_log", args=[busy_log.workshop.slug])
    assert page.goto(url).status == 200
    flows.snap(page, f"activity-log-{width}")
    width_seen, _ = page.evaluate(SIZE_JS)
    assert width_seen <= width
    # The filter is a plain GET form.
    page.get_by_label("Kind").select_option("phase")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("domcontentloaded")
    assert "kind=phase" in page.url
    assert page.locator("table.table-activity tbody tr").count() == 1
    paper_url = reverse("reviews:manage_paper", args=[busy_log.workshop.slug, 10])
    page.goto(paper_url)
    flows.snap(page, f"activity-paper-{width}")
    assert page.get_by_role("heading", name="Activity").is_visible()
