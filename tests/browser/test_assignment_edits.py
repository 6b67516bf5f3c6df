"""A chair edits an automatic-assignment proposal by hand in a real browser: each edit updates
the proposal in place (htmx), without reloading the page."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import AssignmentRun, ProposedPair
from tests import factories as base
from tests.autoassign.conftest import make_venue
from tests.autoassign.test_views import RUN_DATA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_removing_and_adding_a_proposed_reviewer_updates_the_proposal_in_place(page, login):
    venue = make_venue(chair=base.UserFactory(full_name="Carla Chair"))
    client = Client()
    client.force_login(venue.chair)
    client.post(reverse("autoassign:index", args=[venue.workshop.slug]), RUN_DATA)  # eager
    run = AssignmentRun.objects.get(workshop=venue.workshop)
    pair = ProposedPair.objects.filter(run=run, submission=venue.papers[3]).first()
    reviewer = pair.reviewer

    login(venue.chair.email, base.PASSWORD)
    page.goto(reverse("autoassign:run", args=[venue.workshop.slug, run.pk]))
    # A marker on the document survives only if the page is not reloaded.
    page.evaluate("document.body.dataset.marker = 'same-page'")
    page.get_by_role(
        "button", name=f"Remove {reviewer.full_name} from paper #{venue.papers[3].number}"
    ).click()

    page.locator("#messages").get_by_text(
        f"Reviewer removed from paper #{venue.papers[3].number}."
    ).wait_for()
    assert page.evaluate("document.body.dataset.marker") == "same-page"
    assert not ProposedPair.objects.filter(pk=pair.pk).exists()
    assert page.locator("#proposal-area").get_by_text("missing reviewer").count() == 1

    page.get_by_label("Paper number").fill(str(venue.papers[3].number))
    page.get_by_label("Reviewer", exact=True).select_option(str(reviewer.pk))
    page.get_by_role("button", name="Add", exact=True).click()

    page.locator("#messages").get_by_text(f"added to paper #{venue.papers[3].number}").wait_for()
    assert page.evaluate("document.body.dataset.marker") == "same-page"
    assert page.locator("#proposal-area").get_by_text("missing reviewer").count() == 0
    assert ProposedPair.objects.filter(
        run=run, submission=venue.papers[3], reviewer=reviewer
    ).exists()
