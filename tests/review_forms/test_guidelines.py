"""Reviewer guidelines: written by the chairs on the review settings page (Markdown, sanitized),
read with the invitation, on the bidding page and beside the review form, folded in a
<details> that opens without JavaScript."""

from django.urls import reverse

from reviews.enums import Phase
from reviews.models import ReviewerInvitation
from reviews.permissions import forget_settings, review_settings
from tests.reviews.test_edit_conflicts import page_data
from tests.scenarios import set_phase
from tests.versions import browser

GUIDELINES = (
    "## How we review\n\nBe **kind**. See [the FAQ](https://example.org/faq).\n\n"
    '<script>alert("x")</script><img src=x onerror=alert(1)>'
)


def set_guidelines(s, text=GUIDELINES):
    settings = review_settings(s.workshop)
    settings.guidelines = text
    settings.save()
    forget_settings(s.workshop)


def assert_guidelines(body):
    assert "<summary>Reviewer guidelines</summary>" in body
    assert "<strong>kind</strong>" in body
    assert 'href="https://example.org/faq"' in body
    assert "<script>alert" not in body and "onerror" not in body


def test_chairs_write_the_guidelines_on_the_settings_page(scenario):
    s = scenario
    client = browser(s.chair)
    url = reverse("reviews:manage_settings", args=[s.workshop.slug])
    page = client.get(url)
    assert 'name="guidelines"' in page.content.decode()

    response = client.post(url, page_data(page, guidelines="Be **kind**."))

    assert response.status_code == 302
    forget_settings(s.workshop)
    assert review_settings(s.workshop).guidelines == "Be **kind**."


def test_guidelines_beside_the_review_form(scenario, login):
    set_guidelines(scenario)
    body = login(scenario.assigned).get(
        reverse("reviews:review_edit", args=[scenario.workshop.slug, 1])
    )
    assert_guidelines(body.content.decode())


def test_guidelines_on_the_bidding_page(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    set_guidelines(scenario)
    body = login(scenario.unassigned).get(reverse("reviews:bids", args=[scenario.workshop.slug]))
    assert body.status_code == 200
    assert_guidelines(body.content.decode())


def test_guidelines_with_the_invitation(scenario, login):
    set_guidelines(scenario)
    invitation = ReviewerInvitation.objects.create(
        workshop=scenario.workshop, email="nia@new.example", invited_by=scenario.chair
    )
    client = login(scenario.unrelated_author)
    for name in ("reviews:invitation_accept", "reviews:invitation_decline"):
        body = client.get(reverse(name, args=[invitation.token])).content.decode()
        assert_guidelines(body)
    assert (
        '<details class="card guidelines" open>'
        in client.get(
            reverse("reviews:invitation_accept", args=[invitation.token])
        ).content.decode()
    )


def test_no_guidelines_no_box(scenario, login):
    body = login(scenario.assigned).get(
        reverse("reviews:review_edit", args=[scenario.workshop.slug, 1])
    )
    assert "Reviewer guidelines" not in body.content.decode()
