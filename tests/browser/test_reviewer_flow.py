"""A reviewer in a real browser: from the reviewing home to a submitted review, never seeing who
wrote the paper (double-blind)."""

import pytest

from reviews.enums import ReviewState
from reviews.models import Review
from tests import factories as base
from tests import scenarios
from tests.browser import flows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_reviews_assigned_paper_without_seeing_authors(page, login):
    scenario = flows.review_scenario()
    paper = scenario.paper

    login(scenario.reviewer.email, base.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviewing").click()
    flows.snap(page, "reviewer-home")
    page.get_by_role("link", name="My papers").click()
    flows.snap(page, "reviewer-workshop")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=paper.title))
    assert row.get_by_role("cell").last.inner_text().startswith("Not started")
    row.get_by_role("link", name=paper.title).click()

    # The paper page: title, abstract and PDF, and nothing that names the authors.
    flows.snap(page, "reviewer-paper")
    assert page.get_by_role("heading", level=1).inner_text() == f"#1 {paper.title}"
    assert page.get_by_text("You are Reviewer 1").is_visible()
    assert page.get_by_role("link", name="Download the paper (PDF)").is_visible()
    text = page.content()
    for secret in scenarios.AUTHOR_SECRETS:
        assert secret not in text

    # The form asks one question per criterion of the workshop, with its own scale.
    page.get_by_role("link", name="Write my review").click()
    flows.snap(page, "review-form")
    assert page.content().count('type="radio"') == 5 + 3 + 6 + 5
    flows.field_group(page, "Novelty").get_by_label("4 — Very good").check()
    flows.field_group(page, "Soundness").get_by_label("3 — Strong").check()
    flows.field_group(page, "Overall recommendation").get_by_label("5 — Accept").check()
    flows.field_group(page, "Confidence").get_by_label("4 — Confident").check()
    page.get_by_label("Summary of the paper").fill("A method for noisy labels.")
    page.get_by_label("Strengths").fill("Simple and effective.")
    page.get_by_label("Weaknesses").fill("Only two datasets.")
    page.get_by_label("Detailed comments to the authors").fill("Add a third dataset.")
    page.get_by_label("Confidential note to the chairs").fill("Probably a student paper.")
    page.get_by_role("button", name="Submit review").click()

    page.wait_for_url(f"**/review/paper/{scenario.workshop.slug}/1/")
    assert "Review submitted." in page.locator(".messages").inner_text()
    assert page.locator("main .badge", has_text="Submitted").is_visible()
    assert page.get_by_role("link", name="Edit my review").is_visible()
    # Once their own review is in, the reviewer reads the reviews of the paper (theirs here).
    own = page.get_by_role("article")
    assert own.get_by_role("heading", name="Reviewer 1").is_visible()
    assert "Add a third dataset." in own.inner_text()
    flows.snap(page, "reviewer-paper-reviewed")
    page.get_by_role("link", name=f"← {scenario.workshop.short_name}").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=paper.title))
    assert row.get_by_role("cell").last.inner_text() == "Submitted"

    review = Review.objects.get(assignment=scenario.assignment)
    assert review.state == ReviewState.SUBMITTED
    assert (review.recommendation, review.confidence) == (5, 4)
    assert sorted(review.scores.values_list("criterion__name", "value")) == [
        ("Novelty", 4),
        ("Soundness", 3),
    ]


def test_review_form_questions_are_named_groups(page, login):
    scenario = flows.review_scenario()
    login(scenario.reviewer.email, base.PASSWORD)
    page.goto(f"/review/paper/{scenario.workshop.slug}/1/review/")

    for question in ("Novelty", "Soundness", "Overall recommendation", "Confidence"):
        assert (
            page.get_by_role("radiogroup", name=question)
            .or_(page.get_by_role("group", name=question))
            .count()
            == 1
        ), question
    assert flows.orphan_labels(page) == []


def test_review_form_options_read_as_answers_of_their_criterion(page, login):
    scenario = flows.review_scenario()
    novelty = scenario.criteria[0]
    novelty.description = "Is the idea new?"
    novelty.save()
    login(scenario.reviewer.email, base.PASSWORD)
    page.goto(f"/review/paper/{scenario.workshop.slug}/1/review/")

    group = page.get_by_role("group", name="Novelty Is the idea new?")
    option = group.get_by_role("radio", name="4 — Very good")
    weight = "el => getComputedStyle(el).fontWeight"

    assert option.count() == 1
    assert group.locator("legend .question").evaluate(weight) == "600"
    assert option.evaluate(f"el => ({weight})(el.labels[0])") == "400"


def test_review_draft_is_saved_as_the_reviewer_types_and_a_quick_submit_still_goes_through(
    page, login
):
    scenario = flows.review_scenario()
    login(scenario.reviewer.email, base.PASSWORD)
    page.goto(f"/review/paper/{scenario.workshop.slug}/1/review/")

    page.get_by_label("Detailed comments to the authors").fill("A first thought.")
    status = page.locator("#autosave-status")
    status.get_by_text("Draft saved automatically at").wait_for(timeout=15_000)
    review = Review.objects.get()
    assert (review.state, review.comments) == (ReviewState.DRAFT, "A first thought.")

    # Typing and submitting at once: the submit waits for the automatic save in flight and
    # carries its version, so it is not refused as coming from a stale page.
    flows.field_group(page, "Novelty").get_by_label("4 — Very good").check()
    flows.field_group(page, "Soundness").get_by_label("3 — Strong").check()
    flows.field_group(page, "Overall recommendation").get_by_label("5 — Accept").check()
    flows.field_group(page, "Confidence").get_by_label("4 — Confident").check()
    page.get_by_label("Detailed comments to the authors").fill("The final words.")
    page.wait_for_timeout(2900)  # the automatic save starts about now
    page.get_by_role("button", name="Submit review").click()

    page.wait_for_url(f"**/review/paper/{scenario.workshop.slug}/1/")
    assert "Review submitted." in page.locator(".messages").inner_text()
    review.refresh_from_db()
    assert (review.state, review.comments) == (ReviewState.SUBMITTED, "The final words.")
