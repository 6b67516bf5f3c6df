"""Review drafts saved as the reviewer types (htmx), never past a newer save or a submission."""

import re

from django.urls import reverse

from reviews.models import Review
from tests.reviews.test_reviewing import form_data
from tests.scenarios import submit_review

HTMX = {"HTTP_HX_REQUEST": "true"}


def review_url(scenario):
    return reverse("reviews:review_edit", args=[scenario.workshop.slug, 1])


def new_version(response) -> int:
    match = re.search(
        r'name="version" value="(\d+)" id="id_version" hx-swap-oob', response.content.decode()
    )
    return int(match.group(1)) if match else 0


def test_autosave_keeps_a_draft_and_hands_back_the_new_version(scenario, login):
    client = login(scenario.assigned)

    first = client.post(
        review_url(scenario),
        form_data(scenario, comments="Half a thought", autosave="1", version="0"),
        **HTMX,
    )

    assert first.status_code == 200
    assert "Draft saved automatically at" in first.content.decode()
    review = Review.objects.get()
    assert (review.state, review.comments) == ("draft", "Half a thought")
    assert new_version(first) == review.version

    second = client.post(
        review_url(scenario),
        form_data(scenario, comments="A whole thought", autosave="1", version=new_version(first)),
        **HTMX,
    )

    assert "Draft saved automatically at" in second.content.decode()
    assert Review.objects.get().comments == "A whole thought"


def test_autosave_from_a_stale_tab_saves_nothing(scenario, login):
    client = login(scenario.assigned)
    client.post(
        review_url(scenario),
        form_data(scenario, comments="Tab A", autosave="1", version="0"),
        **HTMX,
    )

    stale = client.post(
        review_url(scenario),
        form_data(scenario, comments="Tab B", autosave="1", version="0"),
        **HTMX,
    )

    assert "saved in another window or tab" in stale.content.decode()
    assert "hx-swap-oob" not in stale.content.decode()
    assert Review.objects.get().comments == "Tab A"


def test_autosave_never_changes_a_submitted_review(scenario, login):
    review = submit_review(scenario.assignment, scenario.criteria, comments="Final words")
    client = login(scenario.assigned)

    response = client.post(
        review_url(scenario),
        form_data(scenario, comments="Second thoughts", autosave="1", version=str(review.version)),
        **HTMX,
    )

    assert "Update review" in response.content.decode()
    assert Review.objects.get().comments == "Final words"


def test_the_form_autosaves_only_drafts(scenario, login):
    client = login(scenario.assigned)
    assert 'hx-vals=\'{"autosave": "1"}\'' in client.get(review_url(scenario)).content.decode()

    submit_review(scenario.assignment, scenario.criteria)

    assert "hx-vals" not in client.get(review_url(scenario)).content.decode()


def test_autosave_is_refused_to_another_reviewer(scenario, login):
    client = login(scenario.unassigned)

    response = client.post(
        review_url(scenario), form_data(scenario, autosave="1", version="0"), **HTMX
    )

    assert response.status_code == 404
    assert not Review.objects.exists()
