"""Two tabs of one reviewer, two chairs: a save loaded before someone else's is refused with
what differs and keeps its input; the first save stays intact; a deliberate resave goes through."""

import pytest
from django.urls import reverse

from reviews.enums import Phase, Visibility
from reviews.models import Decision, DecisionTemplate, Review
from reviews.permissions import forget_settings, review_settings
from reviews.services.decisions import stage_decision
from reviews.services.phases import set_phase as move_phase
from tests import factories as base
from tests.scenarios import set_phase, submit_review
from tests.versions import browser, hidden_version
from tests.workshops.payloads import form_data

pytestmark = pytest.mark.django_db

REFUSED = "Not saved: someone else saved first"


def page_data(response, name="form", **changes):
    """What the browser posts for the form ``name`` of the page, with ``changes`` typed in."""
    return {**form_data(response.context[name]), **changes}


@pytest.fixture
def second_chair(scenario):
    return base.member(
        scenario.workshop, "chair", full_name="Dana Chair", email="dana@chairs.example"
    )


# --- Review --------------------------------------------------------------------------------


def review_url(s):
    return reverse("reviews:review_edit", args=[s.workshop.slug, s.paper.number])


def scores(s, *values):
    return {f"score_{c.pk}": str(v) for c, v in zip(s.criteria, values, strict=True)}


def test_review_two_tabs_the_stale_one_is_refused(scenario):
    s = scenario
    tab1, tab2 = browser(s.assigned), browser(s.assigned)
    draft = {**scores(s, 3, 2), "recommendation": "4", "confidence": "3", "save": "1"}
    tab1.post(review_url(s), {**draft, "summary": "First draft."})  # a review exists
    page1, page2 = tab1.get(review_url(s)), tab2.get(review_url(s))

    first = tab1.post(
        review_url(s), page_data(page1, summary="Rewritten in tab one.", recommendation="5")
    )
    assert first.status_code == 302
    second = tab2.post(review_url(s), page_data(page2, weaknesses="Typed in tab two.", submit="1"))

    assert second.status_code == 409
    body = second.content.decode()
    assert REFUSED in body and "from another window or tab" in body
    assert "Rewritten in tab one." in body  # the saved summary, next to the old one typed
    assert "Typed in tab two." in body  # kept in the form
    review = Review.objects.get()
    assert (review.summary, review.recommendation, review.weaknesses) == (
        "Rewritten in tab one.",
        5,
        "",
    )
    assert review.state == "draft"

    again = tab2.post(
        review_url(s),
        {
            **page_data(second, summary="Rewritten in tab one.", recommendation="5"),
            "version": hidden_version(second),
            "submit": "1",
        },
    )
    assert again.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.summary, review.weaknesses) == (
        "submitted",
        "Rewritten in tab one.",
        "Typed in tab two.",
    )


def test_review_first_written_in_two_tabs_at_once(scenario):
    s = scenario
    tab1, tab2 = browser(s.assigned), browser(s.assigned)
    page1, page2 = tab1.get(review_url(s)), tab2.get(review_url(s))
    assert hidden_version(page1) == hidden_version(page2) == "0"

    assert tab1.post(review_url(s), page_data(page1, summary="One.", save="1")).status_code == 302
    refused = tab2.post(review_url(s), page_data(page2, summary="Two.", save="1"))

    assert refused.status_code == 409
    assert Review.objects.get().summary == "One."


def test_review_saved_unchanged_keeps_other_tabs_valid(scenario):
    s = scenario
    tab1, tab2 = browser(s.assigned), browser(s.assigned)
    tab1.post(review_url(s), {**scores(s, 3, 2), "summary": "Draft.", "save": "1"})
    page1, page2 = tab1.get(review_url(s)), tab2.get(review_url(s))

    assert tab1.post(review_url(s), page_data(page1, save="1")).status_code == 302
    assert (
        tab2.post(review_url(s), page_data(page2, summary="Better.", save="1")).status_code == 302
    )
    assert Review.objects.get().summary == "Better."


# --- Decision ------------------------------------------------------------------------------


@pytest.fixture
def deciding(scenario):
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DECISIONS)
    return scenario


def paper_url(s):
    return reverse("reviews:manage_paper", args=[s.workshop.slug, s.paper.number])


def test_decision_staged_by_two_chairs_the_later_is_refused(deciding, second_chair):
    s = deciding
    carla, dana = browser(s.chair), browser(second_chair)
    page_carla, page_dana = carla.get(paper_url(s)), dana.get(paper_url(s))

    first = carla.post(
        paper_url(s),
        page_data(page_carla, "decision_form", action="decide", outcome="accept_poster"),
    )
    assert first.status_code == 302
    second = dana.post(
        paper_url(s),
        page_data(
            page_dana, "decision_form", action="decide", outcome="reject", comments="Too thin."
        ),
    )

    assert second.status_code == 409
    body = second.content.decode()
    assert REFUSED in body and "Carla Chair" in body
    assert "Accept (poster)" in body or "accept" in body.lower()
    assert "Too thin." in body
    decision = Decision.objects.get(submission=s.paper)
    assert (decision.outcome, decision.decided_by) == ("accept_poster", s.chair)

    again = dana.post(
        paper_url(s),
        page_data(second, "decision_form", action="decide", version=hidden_version(second)),
    )
    assert again.status_code == 302
    decision.refresh_from_db()
    assert (decision.outcome, decision.comments, decision.decided_by) == (
        "reject",
        "Too thin.",
        second_chair,
    )


def test_stale_page_does_not_remove_a_changed_decision(deciding, second_chair):
    s = deciding
    stage_decision(submission=s.paper, outcome="accept_poster", by=s.chair)
    stale = browser(second_chair).get(paper_url(s))
    stage_decision(
        submission=s.paper, outcome="reject", by=s.chair, version=Decision.objects.get().version
    )

    response = browser(second_chair).post(
        paper_url(s), {"action": "clear_decision", "version": hidden_version(stale)}, follow=True
    )

    assert "was not removed" in response.content.decode()
    assert Decision.objects.get(submission=s.paper).outcome == "reject"


# --- Review settings -----------------------------------------------------------------------


def settings_url(s):
    return reverse("reviews:manage_settings", args=[s.workshop.slug])


def test_settings_saved_by_two_chairs_the_later_is_refused(scenario, second_chair):
    s = scenario
    carla, dana = browser(s.chair), browser(second_chair)
    page_carla, page_dana = carla.get(settings_url(s)), dana.get(settings_url(s))

    first = carla.post(settings_url(s), page_data(page_carla, others_reviews=Visibility.ALWAYS))
    assert first.status_code == 302
    second = dana.post(settings_url(s), page_data(page_dana, default_reviews_per_paper="5"))

    assert second.status_code == 409
    forget_settings(s.workshop)
    saved = review_settings(s.workshop)
    assert (saved.others_reviews, saved.default_reviews_per_paper) == (Visibility.ALWAYS, 3)
    assert REFUSED in second.content.decode()


def test_settings_page_cannot_undo_a_phase_the_calendar_moved(scenario):
    s = scenario
    chair = browser(s.chair)
    page = chair.get(settings_url(s))
    move_phase(s.workshop, Phase.DISCUSSION)  # the calendar (or another chair) moves on

    refused = chair.post(settings_url(s), page_data(page, default_reviews_per_paper="4"))

    assert refused.status_code == 409
    forget_settings(s.workshop)
    assert review_settings(s.workshop).phase == Phase.DISCUSSION
    assert "Discussion" in refused.content.decode()


# --- Decision e-mail templates -------------------------------------------------------------


def templates_url(s):
    return reverse("reviews:templates", args=[s.workshop.slug]) + "?outcome=reject"


@pytest.mark.parametrize("exists", [False, True], ids=["new template", "saved template"])
def test_template_saved_in_two_tabs_the_later_is_refused(scenario, exists):
    s = scenario
    if exists:
        DecisionTemplate.objects.create(
            workshop=s.workshop, outcome="reject", subject="Decision", body="Dear {author_name}"
        )
    tab1, tab2 = browser(s.chair), browser(s.chair)
    page1, page2 = tab1.get(templates_url(s)), tab2.get(templates_url(s))

    first = tab1.post(templates_url(s), page_data(page1, subject="Tab one", outcome="reject"))
    assert first.status_code == 302
    second = tab2.post(templates_url(s), page_data(page2, subject="Tab two", outcome="reject"))

    assert second.status_code == 409
    assert "Tab one" in second.content.decode() and "Tab two" in second.content.decode()
    assert DecisionTemplate.objects.get(workshop=s.workshop, outcome="reject").subject == "Tab one"
