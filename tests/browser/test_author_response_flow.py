"""The author response in a real browser: the live word count, the save, the reviewer's view,
and the chair's comparison of a review's versions; each page fits 390 px."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.enums import Phase
from reviews.models import AuthorResponse, ReviewSettings
from reviews.services.reviewing import ReviewInput, save_review
from tests import factories as base
from tests.browser.flows import review_scenario, snap
from tests.scenarios import AUTHOR_SECRETS, REVIEWER_SECRETS, set_phase

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(base.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("domcontentloaded")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def review(s, **changes):
    data = ReviewInput(
        recommendation=3,
        confidence=3,
        summary="A method for label noise.",
        strengths="Clear writing.",
        weaknesses="The ablation on CIFAR is missing.",
        comments="Please add the ablation.",
        **changes,
    )
    return save_review(
        assignment=s.assignment,
        user=s.reviewer,
        data=data,
        scores={c.pk: 2 for c in s.criteria},
        submit=True,
    )


def test_author_responds_reviewer_reads_chair_compares(page):
    s = review_scenario()
    review(s)
    now = timezone.now()
    base.ImportantDateFactory(
        workshop=s.workshop, kind="author_response", original_at=now + dt.timedelta(days=2)
    )
    ReviewSettings.objects.filter(workshop=s.workshop).update(
        response_enabled=True, response_word_limit=12
    )
    set_phase(s.workshop, Phase.RESPONSE)

    sign_in(page, s.author.email)
    page.goto(f"/submissions/{s.workshop.slug}/{s.paper.number}/")
    page.get_by_role("link", name="Read the reviews and respond").click()
    assert "The ablation on CIFAR is missing." in page.content()
    box = page.get_by_label("Response text")
    box.fill("We added the ablation on CIFAR in the appendix; it confirms the main result.")
    page.locator("#word-count.over").wait_for()  # 14 words, counted as typed
    assert "14 / 12 words" in page.locator("#word-count").inner_text()
    page.get_by_role("button", name="Save the response").click()
    assert "the limit is 12" in page.content()
    assert not AuthorResponse.objects.exclude(text="").exists()
    box = page.get_by_label("Response text")
    box.fill("We added the **CIFAR ablation** to the appendix.")
    page.get_by_role("button", name="Save the response").click()
    page.get_by_text("Your response was saved").wait_for()
    html = page.content()
    for secret in REVIEWER_SECRETS:
        assert secret not in html
    snap(page, "author-response-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    snap(page, "author-response-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)

    sign_in(page, s.reviewer.email)
    page.goto(f"/review/paper/{s.workshop.slug}/{s.paper.number}/")
    card = page.locator("#author-response")
    assert "CIFAR ablation" in card.inner_text() and "Authors" in card.inner_text()
    for secret in AUTHOR_SECRETS:
        assert secret not in page.content()
    sign_out(page)

    # The reviewer updates the review after reading the response.
    data = ReviewInput(
        recommendation=4,
        confidence=3,
        summary="A method for label noise.",
        strengths="Clear writing.",
        weaknesses="The ablation in the appendix answers my concern.",
        comments="Please add the ablation.",
    )
    save_review(
        assignment=s.assignment,
        user=s.reviewer,
        data=data,
        scores={c.pk: 3 for c in s.criteria},
        submit=True,
    )

    sign_in(page, s.chair.email)
    page.goto(f"/review/{s.workshop.slug}/manage/paper/{s.paper.number}/")
    page.get_by_role("link", name="see what changed").click()
    table = page.locator("table.review-diff").inner_text()
    assert "Overall recommendation" in table and "Novelty" in table
    snap(page, "review-changes-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    snap(page, "review-changes-390")
