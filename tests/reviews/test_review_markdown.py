"""Review texts in Markdown: sanitized wherever shown, with a preview that saves nothing."""

from django.urls import reverse

from reviews.enums import Phase
from reviews.models import Review
from tests.reviews.test_reviewing import form_data
from tests.scenarios import set_phase, submit_review

HOSTILE = (
    "**Clear** contribution.\n\n- first point\n- second point\n\n"
    '<script>alert("x")</script><img src="https://tracker.example/p.png">'
    "[link](javascript:alert(1))"
)


def review_url(scenario):
    return reverse("reviews:review_edit", args=[scenario.workshop.slug, 1])


def test_preview_renders_markdown_and_saves_nothing(scenario, login):
    client = login(scenario.assigned)

    response = client.post(review_url(scenario), form_data(scenario, comments=HOSTILE, preview="1"))

    body = response.content.decode()
    assert response.status_code == 200
    preview = body.split("Preview — not saved yet", 1)[1].split("<form", 1)[0]
    assert "<strong>Clear</strong>" in preview and "<li>first point</li>" in preview
    assert "<script" not in preview and "tracker.example" not in preview
    assert "javascript:" not in preview
    # The reviewer's input stays in the form.
    assert "**Clear** contribution." in body
    assert not Review.objects.exists()


def test_review_texts_are_shown_as_sanitized_markdown_to_the_chairs(scenario, login):
    submit_review(scenario.assignment, scenario.criteria, comments=HOSTILE)

    body = (
        login(scenario.chair)
        .get(reverse("reviews:manage_paper", args=[scenario.workshop.slug, 1]))
        .content.decode()
    )

    assert "<strong>Clear</strong>" in body
    assert "<script>alert" not in body and "tracker.example" not in body


def test_text_fields_say_markdown_works(scenario, login):
    set_phase(scenario.workshop, Phase.REVIEWING)

    body = login(scenario.assigned).get(review_url(scenario)).content.decode()

    assert "Markdown works" in body
