"""An area chair in a real browser: from the reviewing home to their papers, one paper and a
submitted meta-review (with its preview), never seeing who wrote the double-blind paper; then
the author reads it, signed "Area chair"."""

import pytest

from reviews.enums import MetaReviewState, Phase
from reviews.models import AreaChairAssignment, EmergencyReviewerRequest, MetaReview
from reviews.services.decisions import stage_decision
from tests import factories as base
from tests import scenarios
from tests.browser import flows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AC_NAME = "Alma Areachair"


def test_area_chair_writes_a_meta_review_the_author_reads_it_unsigned(page, login):
    scenario = flows.review_scenario(Phase.DISCUSSION)
    scenarios.submit_review(scenario.assignment, scenario.criteria)
    ac = base.member(
        scenario.workshop, "area_chair", full_name=AC_NAME, email="alma@areachairs.example"
    )
    AreaChairAssignment.objects.create(submission=scenario.paper, area_chair=ac)

    login(ac.email, base.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviewing").click()
    page.get_by_role("link", name="My papers as area chair").click()
    flows.snap(page, "area-chair-papers")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=scenario.paper.title))
    assert scenarios.REVIEWER_NAME in row.inner_text()
    assert "1 / 1" in row.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    flows.snap(page, "area-chair-papers-narrow")
    page.set_viewport_size({"width": 1280, "height": 900})
    row.get_by_role("link", name=scenario.paper.title).click()
    flows.snap(page, "area-chair-paper")
    text = page.content()
    for secret in scenarios.AUTHOR_SECRETS:
        assert secret not in text
    assert flows.unlabeled_controls(page) == []

    page.get_by_role("link", name="Write the meta-review").click()
    page.get_by_label("Recommendation to the chairs").select_option(label="Accept as poster")
    page.get_by_label("Meta-review for the authors").fill("All reviewers liked the **method**.")
    page.get_by_label("Confidential note to the chairs").fill("Lean accept.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview strong", has_text="method").is_visible()
    flows.snap(page, "area-chair-meta-review-preview")
    page.get_by_role("button", name="Submit the meta-review").click()
    assert "Meta-review submitted." in page.locator(".messages").inner_text()
    meta = MetaReview.objects.get()
    assert meta.state == MetaReviewState.SUBMITTED and meta.recommendation == "accept_poster"

    # An emergency reviewer: asked by the area chair, handled by a chair from the overview.
    page.get_by_text("Ask the chairs for an emergency reviewer").click()
    page.get_by_label("Why (for the chairs)").fill("Reviewer 2 dropped out.")
    page.get_by_role("button", name="Ask for an emergency reviewer").click()
    assert "the request is open" in page.content()
    page.get_by_role("button", name="Sign out").click()
    login(scenario.chair.email, base.PASSWORD)
    page.goto(f"/review/{scenario.workshop.slug}/manage/paper/1/")
    assert "Lean accept." in page.content()  # the confidential note, for the chairs
    flows.snap(page, "chair-paper-area-chair")
    page.goto(f"/w/{scenario.workshop.slug}/manage/")
    requests = page.locator("section", has_text="Emergency reviewer requests")
    assert "Reviewer 2 dropped out." in requests.inner_text()
    requests.get_by_role("button", name="Mark handled").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Request marked handled." in page.locator(".messages").inner_text()
    assert EmergencyReviewerRequest.objects.get().handled_by == scenario.chair
    page.goto(f"/review/{scenario.workshop.slug}/manage/decisions/")
    assert page.get_by_role("cell", name="Accept as poster", exact=True).is_visible()
    flows.snap(page, "chair-decisions-area-chair")

    # The chairs release; the author reads the meta-review signed "Area chair".
    scenarios.set_phase(scenario.workshop, Phase.DECISIONS)
    stage_decision(submission=scenario.paper, outcome="accept_poster", by=scenario.chair)
    scenarios.release_now(workshop=scenario.workshop, by=scenario.chair)
    page.get_by_role("button", name="Sign out").click()
    login(scenario.author.email, base.PASSWORD)
    page.goto(f"/review/paper/{scenario.workshop.slug}/1/author-view/")
    card = page.locator("article.meta-review")
    assert "Area chair" in card.inner_text()
    assert "All reviewers liked the method." in card.inner_text()
    text = page.content()
    assert AC_NAME not in text and "Lean accept." not in text
    flows.snap(page, "author-meta-review")
