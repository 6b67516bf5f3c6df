"""Writing reviews: form from the criteria, drafts, submission, scales, deadline, attacks."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.enums import Phase
from reviews.models import Review, ReviewScore
from reviews.permissions import forget_settings
from reviews.services import ReviewFlowError
from reviews.services.reviewing import ReviewInput, save_review
from tests.scenarios import set_phase, submit_review


def form_data(s, *, scores=(3, 2), recommendation="5", confidence="4", **extra):
    data = {
        f"score_{c.pk}": str(v) for c, v in zip(s.criteria, scores, strict=True) if v is not None
    }
    data.update(
        recommendation=recommendation,
        confidence=confidence,
        summary="Summary.",
        strengths="Good.",
        weaknesses="Few.",
        comments="Comments.",
        confidential_note="Between us.",
    )
    data.update(extra)
    return data


def snapshot():
    return (
        list(Review.objects.values()),
        list(ReviewScore.objects.values()),
    )


def test_review_form_lists_criteria_with_their_scales(scenario, login):
    client = login(scenario.assigned)

    body = client.get(
        reverse("reviews:review_edit", args=[scenario.workshop.slug, 1])
    ).content.decode()

    assert "Novelty" in body and "Soundness" in body
    assert "3 — Strong" in body
    assert "6 — Strong accept" in body
    assert "Confidential note to the chairs" in body


def test_save_draft_then_submit(scenario, login):
    client = login(scenario.assigned)
    url = reverse("reviews:review_edit", args=[scenario.workshop.slug, 1])

    client.post(url, form_data(scenario, scores=(3, None), confidence="", save="1"))
    review = Review.objects.get()
    assert review.state == "draft"
    assert review.scores.count() == 1

    response = client.post(url, form_data(scenario, submit="1"))

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == "submitted" and review.submitted_at is not None
    assert dict(review.scores.values_list("criterion__name", "value")) == {
        "Novelty": 3,
        "Soundness": 2,
    }
    assert review.recommendation == 5 and review.confidence == 4


def test_submit_incomplete_review_is_refused(scenario, login):
    client = login(scenario.assigned)
    url = reverse("reviews:review_edit", args=[scenario.workshop.slug, 1])

    response = client.post(url, form_data(scenario, scores=(3, None), submit="1"))

    assert response.status_code == 400
    assert "To submit, give: Soundness" in response.content.decode()
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("score_1", "6"),
        ("score_2", "4"),
        ("recommendation", "7"),
        ("confidence", "0"),
        ("score_1", "x"),
    ],
)
def test_score_outside_scale_is_refused_by_view(scenario, login, field, value):
    client = login(scenario.assigned)
    index = {"score_1": 0, "score_2": 1}
    data = form_data(scenario, submit="1")
    if field in index:
        data[f"score_{scenario.criteria[index[field]].pk}"] = value
    else:
        data[field] = value
    before = snapshot()

    response = client.post(reverse("reviews:review_edit", args=[scenario.workshop.slug, 1]), data)

    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(
    "scores,recommendation", [((6, 1), 3), ((1, 4), 3), ((1, 1), 9), ((0, 1), 3)]
)
def test_score_outside_scale_is_refused_by_service(scenario, scores, recommendation):
    before = snapshot()

    with pytest.raises(ReviewFlowError):
        save_review(
            assignment=scenario.assignment,
            user=scenario.assigned,
            data=ReviewInput(recommendation=recommendation, confidence=3),
            scores={c.pk: v for c, v in zip(scenario.criteria, scores, strict=True)},
            submit=True,
        )

    assert snapshot() == before


def test_score_for_criterion_of_another_workshop_is_refused(scenario):
    from tests.factories import ReviewCriterionFactory

    foreign = ReviewCriterionFactory()

    with pytest.raises(ReviewFlowError):
        save_review(
            assignment=scenario.assignment,
            user=scenario.assigned,
            data=ReviewInput(recommendation=3, confidence=3),
            scores={foreign.pk: 1},
            submit=False,
        )

    assert not Review.objects.exists()


def test_review_for_unassigned_paper_is_404_and_changes_nothing(scenario, login):
    client = login(scenario.unassigned)
    before = snapshot()

    response = client.post(
        reverse("reviews:review_edit", args=[scenario.workshop.slug, 1]),
        form_data(scenario, submit="1"),
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_service_refuses_review_by_someone_else(scenario):
    with pytest.raises(ReviewFlowError):
        save_review(
            assignment=scenario.assignment,
            user=scenario.unassigned,
            data=ReviewInput(recommendation=3, confidence=3),
            scores={},
            submit=False,
        )
    assert not Review.objects.exists()


@pytest.mark.parametrize("page", ["paper", "paper_pdf", "review_edit", "discussion"])
def test_reviewer_guessing_other_paper_gets_404(scenario, login, page):
    client = login(scenario.assigned)

    response = client.get(reverse(f"reviews:{page}", args=[scenario.workshop.slug, 2]))

    assert response.status_code == 404


def test_edit_after_deadline_is_refused_and_changes_nothing(scenario, login):
    review = submit_review(scenario.assignment, scenario.criteria)
    scenario.assignment.due_at = timezone.now() - dt.timedelta(minutes=1)
    scenario.assignment.save()
    client = login(scenario.assigned)
    before = snapshot()

    response = client.post(
        reverse("reviews:review_edit", args=[scenario.workshop.slug, 1]),
        form_data(scenario, submit="1", comments="Changed after the deadline"),
    )

    assert response.status_code == 403
    assert snapshot() == before
    review.refresh_from_db()
    assert review.comments == "Nice work."


def test_deadline_is_checked_by_the_service_too(scenario):
    due = scenario.assignment.due_at
    with pytest.raises(ReviewFlowError, match="deadline"):
        save_review(
            assignment=scenario.assignment,
            user=scenario.assigned,
            data=ReviewInput(recommendation=3, confidence=3),
            scores={},
            submit=False,
            now=due + dt.timedelta(seconds=1),
        )
    assert not Review.objects.exists()


def test_workshop_reviews_due_applies_without_assignment_due_date(scenario):
    scenario.assignment.due_at = None
    scenario.assignment.save()
    due = scenario.workshop.dates.get(kind="reviews_due").original_at

    save_review(
        assignment=scenario.assignment,
        user=scenario.assigned,
        data=ReviewInput(recommendation=3),
        scores={},
        submit=False,
        now=due - dt.timedelta(seconds=1),
    )
    with pytest.raises(ReviewFlowError, match="deadline"):
        save_review(
            assignment=scenario.assignment,
            user=scenario.assigned,
            data=ReviewInput(recommendation=4),
            scores={},
            submit=False,
            now=due + dt.timedelta(seconds=1),
        )
    assert Review.objects.get().recommendation == 3


def test_late_reviews_accepted_until_chair_date(scenario):
    from reviews.models import ReviewSettings

    due = scenario.assignment.due_at
    ReviewSettings.objects.filter(workshop=scenario.workshop).update(
        late_reviews_until=due + dt.timedelta(days=2)
    )
    forget_settings(scenario.workshop)

    save_review(
        assignment=scenario.assignment,
        user=scenario.assigned,
        data=ReviewInput(recommendation=3),
        scores={},
        submit=False,
        now=due + dt.timedelta(days=1),
    )

    assert Review.objects.count() == 1


def test_reviews_cannot_be_written_in_bidding_phase(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.assigned)

    response = client.post(
        reverse("reviews:review_edit", args=[scenario.workshop.slug, 1]),
        form_data(scenario, submit="1"),
    )

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_other_reviews_hidden_until_own_review_submitted(scenario, login):
    from reviews.services.assignments import assign

    other = assign(submission=scenario.paper, reviewer=scenario.unassigned, by=scenario.chair)
    submit_review(other, scenario.criteria, comments="The other opinion.")
    client = login(scenario.assigned)
    url = reverse("reviews:paper", args=[scenario.workshop.slug, 1])

    assert "The other opinion." not in client.get(url).content.decode()

    submit_review(scenario.assignment, scenario.criteria)
    client = login(scenario.assigned)
    body = client.get(url).content.decode()

    assert "The other opinion." in body
    assert "Reviewer 2" in body
    assert "Secret note for the chairs" not in body


def test_chair_sees_reviewer_names_and_confidential_notes(scenario, login):
    submit_review(scenario.assignment, scenario.criteria)
    client = login(scenario.chair)

    body = client.get(
        reverse("reviews:manage_paper", args=[scenario.workshop.slug, 1])
    ).content.decode()

    assert "Rita Reviewer-Jones" in body
    assert "Secret note for the chairs" in body


def test_conflicted_chair_opening_the_paper_changes_nothing(scenario, login):
    client = login(scenario.conflicted_chair)
    before = snapshot()

    for name in ["paper", "paper_pdf", "discussion"]:
        assert (
            client.get(reverse(f"reviews:{name}", args=[scenario.workshop.slug, 1])).status_code
            == 404
        )
    response = client.post(
        reverse("reviews:manage_paper", args=[scenario.workshop.slug, 1]),
        {"action": "decide", "outcome": "reject"},
    )

    assert response.status_code == 404
    assert snapshot() == before
    from reviews.models import Decision

    assert not Decision.objects.exists()
