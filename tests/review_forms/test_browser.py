"""The review form with guidelines and custom questions in a real Chromium, at desktop and
phone widths: the guidelines open without JavaScript, every question is labelled, and a
required question is asked for on submit, not on a draft save."""

import pytest

from reviews.models import Review, ReviewAnswer
from reviews.permissions import forget_settings, review_settings
from tests.browser.flows import snap, unlabeled_controls
from tests.factories import PASSWORD

from .helpers import question

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_review_form_with_guidelines_and_questions(scenario, page, width):  # noqa: F811
    s = scenario
    settings = review_settings(s.workshop)
    settings.guidelines = "## How we review\n\n- Be **kind**.\n- Check the proofs."
    settings.save()
    forget_settings(s.workshop)
    required = question(s.workshop, "Ethics concerns", "text", required=True)
    question(s.workshop, "Best venue", "choice", visibility="authors")
    question(s.workshop, "I read the appendix", "checkbox", visibility="chairs")
    question(s.workshop, "Reproducibility", "score", score_max=4)

    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(s.assigned.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.goto(f"/review/paper/{s.workshop.slug}/1/review/")

    page.get_by_text("Reviewer guidelines").click()
    assert page.get_by_text("Check the proofs.").is_visible()
    assert unlabeled_controls(page) == []
    page.get_by_label("Beta").check()
    snap(page, f"review-form-questions-{width}")

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("domcontentloaded")
    assert Review.objects.get().state == "draft"
    page.goto(f"/review/paper/{s.workshop.slug}/1/review/")
    for criterion in s.criteria:
        page.locator(f"input[name=score_{criterion.pk}][value='2']").check()
    page.locator("input[name=recommendation][value='4']").check()
    page.locator("input[name=confidence][value='3']").check()
    page.get_by_role("button", name="Submit review").click()
    page.get_by_text("Ethics concerns").first.wait_for()
    assert "To submit, give:" in page.content()
    assert Review.objects.get().state == "draft"
    page.get_by_label("Ethics concerns").fill("None.")
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_url(f"**/review/paper/{s.workshop.slug}/1/")
    assert Review.objects.get().state == "submitted"
    assert ReviewAnswer.objects.get(question=required).value == "None."


@pytest.mark.parametrize("width", [1280, 390])
def test_chairs_question_editor_shows_the_lock(scenario, page, width):  # noqa: F811
    from tests.scenarios import submit_review

    from .helpers import answer

    s = scenario
    locked = question(s.workshop, "Ethics concerns", "text", required=True)
    question(s.workshop, "Best venue", "choice", visibility="authors")
    answer(submit_review(s.assignment, s.criteria), locked, "None.")

    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(s.chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.goto(f"/review/{s.workshop.slug}/manage/questions/")

    assert page.get_by_text("Locked", exact=True).is_visible()
    assert unlabeled_controls(page) == []
    snap(page, f"review-questions-editor-{width}")
    page.get_by_label("Question").fill("Data availability")
    page.get_by_label("Kind").select_option("checkbox")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_text("“Data availability” saved.").wait_for()


@pytest.mark.parametrize("width", [1280, 390])
def test_reviewer_paper_page_with_fields_and_answers(scenario, page, width):  # noqa: F811
    from reviews.services.assignments import assign
    from submissions.models import SubmissionFieldAnswer
    from tests.scenarios import submit_review

    from .helpers import answer, field

    s = scenario
    code = field(s.workshop, "Link to code", "url", visibility="reviewers")
    student = field(s.workshop, "Is the first author a student?", "choice", visibility="chairs")
    SubmissionFieldAnswer.objects.create(
        submission=s.paper, field=code, value="https://example.org/code"
    )
    SubmissionFieldAnswer.objects.create(submission=s.paper, field=student, value="Yes")
    venue = question(s.workshop, "Best venue", "choice", visibility="authors")
    note = question(s.workshop, "Chairs-only remark", "text", visibility="chairs")
    review = submit_review(s.assignment, s.criteria)
    answer(review, venue, "Beta")
    answer(review, note, "For the chairs only.")
    other = assign(submission=s.paper, reviewer=s.unassigned, by=s.chair, notify=False)
    submit_review(other, s.criteria)

    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(s.unassigned.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.goto(f"/review/paper/{s.workshop.slug}/1/")

    body = page.content()
    assert "https://example.org/code" in body and "Beta" in body
    assert "first author a student" not in body and "For the chairs only." not in body
    snap(page, f"reviewer-paper-fields-{width}")
