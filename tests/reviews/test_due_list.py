"""What a reviewer still owes: counts and the next due date on the home page, late papers first."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from reviews.services.assignments import assign
from tests import factories as base
from tests.scenarios import submit_review


def test_home_counts_reviews_to_write_and_late_ones(scenario, login):
    late_paper = base.SubmissionFactory(workshop=scenario.workshop, number=5, submitted=True)
    late = assign(submission=late_paper, reviewer=scenario.assigned, by=scenario.chair)
    late.due_at = timezone.now() - dt.timedelta(days=1)
    late.save()

    body = login(scenario.assigned).get(reverse("reviews:home")).content.decode()

    assert "2 reviews to write" in body
    assert "1 late" in body
    assert "Next due" in body


def test_home_says_when_every_review_is_in(scenario, login):
    submit_review(scenario.assignment, scenario.criteria)

    body = login(scenario.assigned).get(reverse("reviews:home")).content.decode()

    assert "All 1 review submitted" in body
    assert "to write" not in body


def test_workshop_page_lists_late_and_open_reviews_before_submitted_ones(scenario, login):
    done_paper = base.SubmissionFactory(
        workshop=scenario.workshop, number=3, title="Already reviewed", submitted=True
    )
    done = assign(submission=done_paper, reviewer=scenario.assigned, by=scenario.chair)
    submit_review(done, scenario.criteria)
    late_paper = base.SubmissionFactory(
        workshop=scenario.workshop, number=4, title="Overdue paper", submitted=True
    )
    late = assign(submission=late_paper, reviewer=scenario.assigned, by=scenario.chair)
    late.due_at = timezone.now() - dt.timedelta(hours=2)
    late.save()

    body = (
        login(scenario.assigned)
        .get(reverse("reviews:workshop", args=[scenario.workshop.slug]))
        .content.decode()
    )

    assert (
        body.index("Overdue paper") < body.index("Robust training") < body.index("Already reviewed")
    )
    assert body.count('class="badge bad">Late') == 1
