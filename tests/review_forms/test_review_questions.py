"""Custom review questions: every kind in the review form, required only to submit, drafts and
autosave, who reads which answer, the lock once answered, exports and query counts."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.models import Entry
from reviews.enums import Phase
from reviews.models import Review, ReviewAnswer, ReviewQuestion
from reviews.services import ReviewFlowError
from reviews.services.assignments import assign
from reviews.services.decisions import stage_decision
from reviews.services.questions import answers_by_review, questions_for
from reviews.services.reviewing import ReviewInput, save_review
from tests import factories as base
from tests.reviews.test_reviewing import form_data
from tests.scenarios import release_now, set_phase, submit_review

from .helpers import answer, question

HTMX = {"HTTP_HX_REQUEST": "true"}


def review_url(s, number=1):
    return reverse("reviews:review_edit", args=[s.workshop.slug, number])


def every_kind(workshop, **kwargs):
    return {
        "text": question(workshop, "Ethics concerns", "text", **kwargs),
        "choice": question(workshop, "Best venue", "choice", **kwargs),
        "multiple": question(workshop, "Artifacts checked", "multiple", **kwargs),
        "checkbox": question(workshop, "I read the appendix", "checkbox", **kwargs),
        "score": question(workshop, "Reproducibility", "score", score_max=4, **kwargs),
    }


def answers_data(qs):
    return {
        f"q_{qs['text'].pk}": "None that I see.",
        f"q_{qs['choice'].pk}": "Beta",
        f"q_{qs['multiple'].pk}": ["Alpha", "Gamma"],
        f"q_{qs['checkbox'].pk}": "on",
        f"q_{qs['score'].pk}": "3",
    }


def stored(review):
    return {a.question.label: a.value for a in ReviewAnswer.objects.filter(review=review)}


def test_every_kind_is_asked_and_stored(scenario, login):
    s = scenario
    qs = every_kind(s.workshop)
    client = login(s.assigned)

    page = client.get(review_url(s)).content.decode()
    for q in qs.values():
        assert q.label in page
    assert f'type="checkbox" name="q_{qs["checkbox"].pk}"' in page

    response = client.post(review_url(s), form_data(s, submit="1", **answers_data(qs)))

    assert response.status_code == 302
    review = Review.objects.get()
    assert review.is_submitted
    assert stored(review) == {
        "Ethics concerns": "None that I see.",
        "Best venue": "Beta",
        "Artifacts checked": ["Alpha", "Gamma"],
        "I read the appendix": True,
        "Reproducibility": 3,
    }
    # The form shows the answers again.
    page = client.get(review_url(s)).content.decode()
    assert "None that I see." in page
    assert re.search(rf'name="q_{qs["choice"].pk}" value="Beta"[^>]*checked', page)
    assert re.search(rf'name="q_{qs["score"].pk}" value="3"[^>]*checked', page)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("choice", "Delta"), ("multiple", ["Alpha", "Omega"]), ("score", "5"), ("score", "x")],
)
def test_a_value_outside_the_question_is_refused(scenario, login, kind, value):
    s = scenario
    q = question(s.workshop, "Q", kind, score_max=4)
    client = login(s.assigned)

    response = client.post(review_url(s), form_data(s, save="1", **{f"q_{q.pk}": value}))

    assert response.status_code == 400
    assert not Review.objects.exists() and not ReviewAnswer.objects.exists()
    # The service refuses it too, whatever the form lets through.
    with pytest.raises(ReviewFlowError):
        save_review(
            assignment=s.assignment,
            user=s.assigned,
            data=ReviewInput(),
            scores={},
            submit=False,
            answers={q.pk: value},
        )
    assert not ReviewAnswer.objects.exists()


def test_an_answer_to_another_workshops_question_is_refused(scenario):
    s = scenario
    foreign = question(base.WorkshopFactory(), "Elsewhere")
    with pytest.raises(ReviewFlowError, match="another workshop"):
        save_review(
            assignment=s.assignment,
            user=s.assigned,
            data=ReviewInput(),
            scores={},
            submit=False,
            answers={foreign.pk: "x"},
        )
    assert not Review.objects.exists()


def test_required_questions_block_submission_not_drafts(scenario, login):
    s = scenario
    required = question(s.workshop, "Conflict statement", required=True)
    optional = question(s.workshop, "Anything else", required=False)
    client = login(s.assigned)

    draft = client.post(review_url(s), form_data(s, save="1"))
    assert draft.status_code == 302
    assert Review.objects.get().state == "draft"

    refused = client.post(
        review_url(s), form_data(s, submit="1", version=str(Review.objects.get().version))
    )
    assert refused.status_code == 400
    assert "Conflict statement" in refused.content.decode()
    assert "Anything else" not in refused.content.decode().split("To submit, give:")[1][:200]
    assert Review.objects.get().state == "draft"

    accepted = client.post(
        review_url(s),
        form_data(
            s,
            submit="1",
            version=str(Review.objects.get().version),
            **{f"q_{required.pk}": "None."},
        ),
    )
    assert accepted.status_code == 302
    review = Review.objects.get()
    assert review.is_submitted and stored(review) == {"Conflict statement": "None."}
    assert optional.answers.count() == 0


def test_autosave_keeps_answers_and_a_cleared_answer_is_removed(scenario, login):
    s = scenario
    q = question(s.workshop, "Ethics concerns", required=True)
    client = login(s.assigned)

    first = client.post(
        review_url(s),
        form_data(s, autosave="1", version="0", **{f"q_{q.pk}": "Half a thought"}),
        **HTMX,
    )
    assert first.status_code == 200
    assert "Draft saved automatically at" in first.content.decode()
    review = Review.objects.get()
    assert stored(review) == {"Ethics concerns": "Half a thought"}

    second = client.post(
        review_url(s),
        form_data(s, autosave="1", version=str(review.version), **{f"q_{q.pk}": ""}),
        **HTMX,
    )
    assert "Draft saved automatically at" in second.content.decode()
    assert stored(review) == {}
    review.refresh_from_db()
    assert review.version == 2  # the cleared answer was a change
    assert review.state == "draft"


def test_a_caller_without_answers_keeps_the_stored_ones(scenario):
    s = scenario
    q = question(s.workshop, "Ethics concerns", required=True)
    review = submit_review(s.assignment, s.criteria)
    answer(review, q, "Fine.")
    save_review(
        assignment=s.assignment,
        user=s.assigned,
        data=ReviewInput(recommendation=3, confidence=3),
        scores={c.pk: 2 for c in s.criteria},
        submit=True,
        version=review.version,
    )
    assert stored(review) == {"Ethics concerns": "Fine."}


# --- Who reads which answer --------------------------------------------------------------------


@pytest.fixture
def answered(scenario):
    """Three questions, one per visibility, answered in a submitted review of paper #1, and a
    second reviewer with a submitted review of their own (so they may read the others)."""
    s = scenario
    qs = {
        "authors": question(s.workshop, "Q-authors", visibility="authors"),
        "committee": question(s.workshop, "Q-committee", visibility="committee"),
        "chairs": question(s.workshop, "Q-chairs", visibility="chairs"),
    }
    review = submit_review(s.assignment, s.criteria)
    for visibility, q in qs.items():
        answer(review, q, f"Answer for {visibility}")
    other = assign(submission=s.paper, reviewer=s.unassigned, by=s.chair, notify=False)
    submit_review(other, s.criteria, comments="Second opinion.")
    return s, qs, review


SHOWN = {
    "chair": {"authors", "committee", "chairs"},
    "reviewer": {"authors", "committee"},
    "author": {"authors"},
}


def shown_in(body):
    return {v for v in ("authors", "committee", "chairs") if f"Answer for {v}" in body}


def test_chairs_read_every_answer(answered, login):
    s, _, _ = answered
    client = login(s.chair)
    for name in ("reviews:manage_paper", "reviews:paper"):
        body = client.get(reverse(name, args=[s.workshop.slug, 1])).content.decode()
        assert shown_in(body) == SHOWN["chair"], name


def test_other_reviewers_read_committee_answers_only(answered, login):
    s, _, _ = answered
    body = login(s.unassigned).get(reverse("reviews:paper", args=[s.workshop.slug, 1]))
    assert body.status_code == 200
    assert shown_in(body.content.decode()) == SHOWN["reviewer"]


def test_the_reviewer_reads_all_their_own_answers(answered, login):
    s, _, _ = answered
    set_phase(s.workshop, Phase.DISCUSSION)  # the review is no longer editable: read-only card
    body = login(s.assigned).get(review_url(s)).content.decode()
    assert shown_in(body) == SHOWN["chair"]


def test_conflicted_chair_sees_nothing_of_the_paper(answered, login):
    s, _, _ = answered
    client = login(s.conflicted_chair)
    for name in ("reviews:manage_paper", "reviews:paper"):
        assert client.get(reverse(name, args=[s.workshop.slug, 1])).status_code == 404


def test_authors_read_only_author_answers_of_released_reviews(
    answered, login, django_capture_on_commit_callbacks
):
    s, _, _ = answered
    client = login(s.author)
    url = reverse("reviews:author_view", args=[s.workshop.slug, 1])
    assert shown_in(client.get(url).content.decode()) == set()  # nothing before the release

    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="accept_talk", by=s.chair)
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=s.workshop, by=s.chair)

    assert shown_in(client.get(url).content.decode()) == SHOWN["author"]
    letters = [m for m in mail.outbox if m.to[0] == s.author.email and "accepted" in m.subject]
    assert letters and shown_in(letters[0].body) == SHOWN["author"]


def test_answers_per_review_for_an_export(answered):
    s, qs, review = answered
    assert [q.label for q in questions_for(s.workshop, "committee")] == ["Q-authors", "Q-committee"]
    by_review = answers_by_review(Review.objects.filter(pk=review.pk), "chairs")
    assert by_review == {
        review.pk: {qs[v].pk: f"Answer for {v}" for v in ("authors", "committee", "chairs")}
    }
    assert answers_by_review([review], "authors") == {
        review.pk: {qs["authors"].pk: "Answer for authors"}
    }


# --- The chairs' editor and the lock ----------------------------------------------------------


def questions_url(s):
    return reverse("reviews:questions", args=[s.workshop.slug])


def definition(**kwargs):
    data = {
        "action": "save",
        "label": "Ethics concerns",
        "help_text": "",
        "kind": "text",
        "score_max": "5",
        "visibility": "committee",
        "order": "1",
        "choices_text": "",
    }
    data.update(kwargs)
    return data


def test_chairs_add_edit_and_delete_unanswered_questions(scenario, login):
    s = scenario
    client = login(s.chair)
    assert client.get(questions_url(s)).status_code == 200

    response = client.post(
        questions_url(s),
        definition(label="Venue", kind="choice", choices_text="Main\n\nMain\nWorkshop"),
    )
    assert response.status_code == 302
    q = ReviewQuestion.objects.get()
    assert (q.workshop, q.kind, q.choices) == (s.workshop, "choice", ["Main", "Workshop"])

    client.post(questions_url(s), definition(question=str(q.pk), label="Venue?", required="on"))
    q.refresh_from_db()
    assert (q.label, q.kind, q.choices, q.required) == ("Venue?", "text", [], True)

    client.post(questions_url(s), {"action": "delete", "question": str(q.pk)})
    assert not ReviewQuestion.objects.exists()
    log = list(Entry.objects.filter(workshop=s.workshop).order_by("pk"))
    assert [(e.kind, e.action, e.actor_id) for e in log] == [
        ("settings", "review_question_added", s.chair.pk),
        ("settings", "review_question_changed", s.chair.pk),
        ("settings", "review_question_deleted", s.chair.pk),
    ]
    assert log[1].changes["label"] == ["Venue", "Venue?"]
    assert all(e.submission_id is None for e in log)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"kind": "choice", "choices_text": "Only one"}, "at least two choices"),
        ({"kind": "score", "score_max": "1"}, "maximum between 2 and 10"),
        ({"label": ""}, "This field is required"),
    ],
)
def test_a_bad_definition_is_refused(scenario, login, data, error):
    response = login(scenario.chair).post(questions_url(scenario), definition(**data))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not ReviewQuestion.objects.exists()


def test_a_locked_question_cannot_change_or_go(scenario, login):
    s = scenario
    q = question(s.workshop, "Ethics concerns", required=True)
    answer(submit_review(s.assignment, s.criteria), q, "Fine.")
    before = list(ReviewQuestion.objects.values())
    client = login(s.chair)

    page = client.get(questions_url(s) + f"?edit={q.pk}").content.decode()
    assert "already has answers" in page and "Locked" in page

    edit = client.post(
        questions_url(s), definition(question=str(q.pk), label="Changed", kind="score"), follow=True
    )
    assert "can no longer be changed or deleted" in edit.content.decode()
    delete = client.post(questions_url(s), {"action": "delete", "question": str(q.pk)}, follow=True)
    assert "can no longer be changed or deleted" in delete.content.decode()
    assert list(ReviewQuestion.objects.values()) == before
    assert ReviewAnswer.objects.count() == 1
    assert not Entry.objects.filter(action__startswith="review_question").exists()

    # Adding a question stays possible.
    assert client.post(questions_url(s), definition(label="New one")).status_code == 302
    assert ReviewQuestion.objects.count() == 2


def test_only_unconflicted_chairs_of_the_workshop_edit_questions(scenario, login):
    s = scenario
    q = question(s.workshop, "Ethics concerns")
    for user in (s.assigned, s.author):
        response = login(user).post(questions_url(s), definition(question=str(q.pk), label="X"))
        assert response.status_code in (403, 404)
    other = base.WorkshopFactory()
    chair_elsewhere = base.member(other, "chair")
    response = login(chair_elsewhere).post(
        reverse("reviews:questions", args=[other.slug]),
        definition(question=str(q.pk), label="X"),
    )
    assert response.status_code == 404
    q.refresh_from_db()
    assert q.label == "Ethics concerns"


# --- Query counts -------------------------------------------------------------------------------


def count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_questions(s, n):
    for i in range(n):
        for visibility in ("authors", "committee", "chairs"):
            question(s.workshop, f"Q{i}-{visibility}", "score", visibility=visibility)


def answer_all(review):
    for q in ReviewQuestion.objects.filter(workshop=review.assignment.submission.workshop):
        ReviewAnswer.objects.get_or_create(review=review, question=q, defaults={"value": 2})


def test_review_form_queries_do_not_grow_with_questions(scenario, login):
    s = scenario
    client = login(s.assigned)
    add_questions(s, 1)
    review = submit_review(
        s.assignment,
        s.criteria,
        state="draft",
        submitted_at=None,
        recommendation=None,
        confidence=None,
    )
    answer_all(review)
    few = count(client, review_url(s))
    add_questions(s, 6)
    answer_all(review)
    many = count(client, review_url(s))
    assert many == few


def test_review_lists_queries_do_not_grow_with_questions_or_reviews(scenario, login):
    s = scenario
    add_questions(s, 1)
    answer_all(submit_review(s.assignment, s.criteria))
    urls = [
        reverse("reviews:manage_paper", args=[s.workshop.slug, 1]),
        reverse("reviews:paper", args=[s.workshop.slug, 1]),
    ]
    client = login(s.chair)
    few = [count(client, url) for url in urls]
    add_questions(s, 5)
    for _ in range(3):
        reviewer = base.member(s.workshop, "reviewer")
        answer_all(
            submit_review(
                assign(submission=s.paper, reviewer=reviewer, by=s.chair, notify=False), s.criteria
            )
        )
    answer_all(Review.objects.get(assignment=s.assignment))
    many = [count(client, url) for url in urls]
    assert many == few
