"""The response demo edition of ``load_demo``: between reviewing and decisions, its phase
("Author response") follows its dates; area chairs, meta-reviews, author responses, a review
updated after a response, guidelines, a custom review question and a custom submission field."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from activity.models import Entry
from mail.models import OutgoingEmail
from reviews.enums import MetaReviewState, Phase, ReviewState
from reviews.models import (
    AreaChairAssignment,
    Assignment,
    AuthorResponse,
    Bid,
    Comment,
    Conflict,
    Decision,
    MetaReview,
    Review,
    ReviewAnswer,
    ReviewerProfile,
    ReviewQuestion,
    ReviewScore,
    ReviewSettings,
    ReviewVersion,
)
from reviews.services.phases import advance_by_dates, phase_by_dates
from reviews.services.questions import locked_question_ids
from submissions.enums import FileKind
from submissions.models import (
    Authorship,
    Submission,
    SubmissionField,
    SubmissionFieldAnswer,
    SubmissionFile,
)
from submissions.services.fields import missing_fields
from workshops.demo import response, seeds
from workshops.enums import DateKind, MemberRole
from workshops.models import ImportantDate, Membership, Workshop

SLUG = seeds.RESPONSE_EDITION["slug"]
AREA_CHAIRS = [a["email"] for a in seeds.AREA_CHAIRS]
COUNTED = [
    Workshop,
    ImportantDate,
    Membership,
    Submission,
    Authorship,
    SubmissionFile,
    SubmissionField,
    SubmissionFieldAnswer,
    ReviewerProfile,
    Conflict,
    Bid,
    Assignment,
    Review,
    ReviewScore,
    ReviewQuestion,
    ReviewAnswer,
    ReviewVersion,
    AreaChairAssignment,
    MetaReview,
    AuthorResponse,
    Comment,
    Decision,
    Entry,
    OutgoingEmail,
]


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def edition() -> Workshop:
    return Workshop.objects.prefetch_related("dates").get(slug=SLUG)


def settings_of(workshop) -> ReviewSettings:
    settings = ReviewSettings.objects.get(workshop=workshop)
    settings.workshop = workshop
    return settings


@pytest.fixture
def demo(db):
    load()
    return edition()


def test_its_phase_is_the_author_response_its_dates_imply(demo):
    now = timezone.now()
    settings = settings_of(demo)

    assert demo.is_demo and demo.is_published
    assert "(demo, author response)" in demo.name
    assert demo.is_double_blind
    assert demo.submission_deadline < now
    assert demo.date(DateKind.REVIEWS_DUE).effective_at < now
    response_due = demo.date(DateKind.AUTHOR_RESPONSE).effective_at
    # The window is open, its deadline a few days ahead of the run.
    assert now + dt.timedelta(days=2) < response_due < now + dt.timedelta(days=7)
    assert demo.date(DateKind.AUTHOR_NOTIFICATION).effective_at > response_due
    assert settings.follow_dates and settings.response_enabled
    assert settings.phase == Phase.RESPONSE == phase_by_dates(settings, now)
    assert not Decision.objects.filter(submission__workshop=demo).exists()
    # The calendar leaves it there until the response deadline, then moves on to discussion.
    advance_by_dates(now)
    assert settings_of(demo).phase == Phase.RESPONSE
    assert phase_by_dates(settings, response_due + dt.timedelta(seconds=1)) == Phase.DISCUSSION


def test_area_chairs_sign_in_and_each_oversees_papers(demo, client):
    papers = Submission.objects.filter(workshop=demo)
    conflicts = set(Conflict.objects.active().values_list("submission_id", "user_id"))
    for email in AREA_CHAIRS:
        response = client.post(
            reverse("account_login"), {"login": email, "password": seeds.PASSWORD}
        )
        assert response.status_code == 302 and response.url == reverse("workshops:index")
        client.logout()
        membership = Membership.objects.get(workshop=demo, user__email=email)
        assert membership.role == MemberRole.AREA_CHAIR
        profile = ReviewerProfile.objects.get(workshop=demo, user__email=email)
        assert profile.ac_min_papers and profile.ac_max_papers >= profile.ac_min_papers
        mine = AreaChairAssignment.objects.filter(
            submission__workshop=demo, area_chair__email=email
        )
        assert 1 <= mine.count() <= profile.ac_max_papers
        assert not Authorship.objects.filter(submission__workshop=demo, user__email=email).exists()
    # One area chair per paper, never a conflicted one.
    pairs = list(
        AreaChairAssignment.objects.filter(submission__workshop=demo).values_list(
            "submission_id", "area_chair_id"
        )
    )
    assert sorted(s for s, _ in pairs) == sorted(papers.values_list("pk", flat=True))
    assert not set(pairs) & conflicts


def test_an_area_chair_sees_their_paper_and_not_the_other_area_chairs(demo, client):
    first = AreaChairAssignment.objects.filter(
        submission__workshop=demo, area_chair__email=AREA_CHAIRS[0]
    ).first()
    other = AreaChairAssignment.objects.filter(
        submission__workshop=demo, area_chair__email=AREA_CHAIRS[1]
    ).first()
    client.force_login(first.area_chair)

    own = client.get(reverse("reviews:paper", args=[SLUG, first.submission.number]))
    refused = client.get(reverse("reviews:paper", args=[SLUG, other.submission.number]))

    assert own.status_code == 200 and first.submission.title in own.content.decode()
    assert refused.status_code == 404


def test_reviews_read_like_real_ones(demo):
    papers = list(Submission.objects.filter(workshop=demo).order_by("number"))
    due = demo.date(DateKind.REVIEWS_DUE).effective_at
    conflicts = set(Conflict.objects.active().values_list("submission_id", "user_id"))
    question = ReviewQuestion.objects.filter(workshop=demo, required=True).get()
    drafts = 0
    for paper in papers:
        assignments = Assignment.objects.filter(submission=paper).select_related("review")
        assert assignments.count() == 3
        assert not {(paper.pk, a.reviewer_id) for a in assignments} & conflicts
        for assignment in assignments:
            review = assignment.review
            assert paper.title in review.summary  # from the paper's own abstract
            if review.state == ReviewState.DRAFT:
                drafts += 1  # a late reviewer, for the area chair to remind
                assert not review.versions.exists()
                continue
            assert paper.submitted_at < review.submitted_at < due
            # Each score as a share of its scale (0: lowest, 1: highest).
            scores = [
                (s.value - 1) / (len(s.criterion.scale) - 1)
                for s in review.scores.select_related("criterion")
            ]
            assert len(scores) == demo.criteria.count()
            # Scores follow the recommendation (1..6): high with an accept, low with a reject.
            mean = sum(scores) / len(scores)
            if review.recommendation >= 5:
                assert mean > 0.5, (review.recommendation, scores)
            if review.recommendation <= 2:
                assert mean < 0.5, (review.recommendation, scores)
            assert review.answers.filter(question=question).exists()
            assert review.versions.first().number == 1
    assert drafts == 1
    # Every reviewer is a demo reviewer of the committee.
    reviewer_emails = {r["email"] for r in seeds.REVIEWERS}
    assert (
        set(
            Assignment.objects.filter(submission__workshop=demo).values_list(
                "reviewer__email", flat=True
            )
        )
        <= reviewer_emails
    )


def test_a_response_arrived_and_a_review_was_updated_after_it(demo):
    now = timezone.now()
    due = demo.date(DateKind.REVIEWS_DUE).effective_at
    deadline = demo.date(DateKind.AUTHOR_RESPONSE).effective_at
    limit = settings_of(demo).response_word_limit
    responses = AuthorResponse.objects.filter(submission__workshop=demo)

    assert responses.exists()
    for answer in responses:
        assert answer.has_text and answer.words == len(answer.text.split()) <= limit
        assert due < answer.submitted_at < now < deadline
        assert answer.written_by.authorships.filter(submission=answer.submission).exists()

    updated = ReviewVersion.objects.filter(
        review__assignment__submission__workshop=demo, after_response=True
    )
    assert updated.count() == 1
    second = updated.get()
    first = second.review.versions.get(number=1)
    assert second.number == 2 and not first.after_response
    paper_response = AuthorResponse.objects.get(submission=second.review.assignment.submission)
    assert first.submitted_at < paper_response.submitted_at < second.submitted_at < now
    assert first.snapshot["recommendation"] < second.snapshot["recommendation"]
    assert second.snapshot["recommendation"] == second.review.recommendation


def test_meta_reviews_one_submitted_one_draft(demo):
    metas = MetaReview.objects.filter(assignment__submission__workshop=demo)
    submitted = metas.filter(state=MetaReviewState.SUBMITTED)
    drafts = metas.filter(state=MetaReviewState.DRAFT)

    assert submitted.exists() and drafts.exists()
    for meta in submitted:
        assert meta.recommendation and meta.comments and meta.submitted_at < timezone.now()
        # The recommendation agrees with the paper's reviews.
        reviews = Review.objects.filter(
            assignment__submission=meta.assignment.submission, state=ReviewState.SUBMITTED
        )
        mean = sum(r.recommendation for r in reviews) / reviews.count()
        assert (mean >= 4) == meta.recommendation.startswith("accept")


def test_guidelines_a_custom_question_and_a_custom_field_with_answers(demo):
    settings = settings_of(demo)
    papers = Submission.objects.filter(workshop=demo).prefetch_related(
        "field_answers", "workshop__submission_fields"
    )

    assert "**" in settings.guidelines  # Markdown
    questions = ReviewQuestion.objects.filter(workshop=demo)
    assert questions.exists()
    # A question with answers is locked, so its answers keep their meaning.
    assert set(questions.filter(answers__isnull=False).values_list("pk", flat=True)) == (
        locked_question_ids(demo)
    )
    assert SubmissionFieldAnswer.objects.filter(submission__workshop=demo).exists()
    assert all(missing_fields(paper) == [] for paper in papers)


def test_every_paper_has_an_anonymized_review_pdf(demo):
    names = [a["full_name"] for a in seeds.AUTHORS]
    for paper in Submission.objects.filter(workshop=demo):
        record = SubmissionFile.objects.get(submission=paper, kind=FileKind.PAPER)
        with record.file.open("rb") as handle:
            text = "".join(page.extract_text() for page in PdfReader(handle).pages)
        assert paper.title in text and "Anonymous authors" in text
        assert not any(name in text for name in names)
        assert len(PdfReader(record.file.path).pages) == record.pages


def test_a_reviewer_and_an_area_chair_see_no_author_of_the_double_blind_edition(demo, client):
    names = [a["full_name"] for a in seeds.AUTHORS] + [a["email"] for a in seeds.AUTHORS]
    first_paper = Submission.objects.get(workshop=demo, number=1)
    reviewer = Assignment.objects.filter(submission=first_paper).first().reviewer
    area_chair = AreaChairAssignment.objects.get(submission=first_paper).area_chair
    for user in (reviewer, area_chair):
        client.force_login(user)
        pages = [
            reverse("reviews:home"),
            reverse("reviews:workshop", args=[SLUG]),
            reverse("reviews:paper", args=[SLUG, 1]),
            reverse("reviews:discussion", args=[SLUG, 1]),
        ]
        for url in pages:
            page = client.get(url)
            assert page.status_code == 200, (user.email, url)
            html = page.content.decode()
            if "/paper/" in url and "discussion" not in url:
                assert first_paper.title in html
            leaked = [name for name in names if name in html]
            assert leaked == [], (user.email, url, leaked)
        client.logout()
    # The chair's page of the same paper names its authors: the names are there to leak.
    client.force_login(Membership.objects.get(workshop=demo, role=MemberRole.CHAIR).user)
    html = client.get(reverse("reviews:manage_paper", args=[SLUG, 1])).content.decode()
    assert all(a.name in html for a in first_paper.authors.all())


def test_load_demo_again_creates_nothing_and_keeps_a_chairs_edits(demo):
    settings = ReviewSettings.objects.get(workshop=demo)
    settings.guidelines = "Our own guidelines."
    settings.save()
    draft = MetaReview.objects.filter(
        assignment__submission__workshop=demo, state=MetaReviewState.DRAFT
    ).first()
    draft.comments = "Edited by the area chair."
    draft.save()
    Submission.objects.filter(workshop=demo, number=2).update(title="A title the chair fixed")
    first = counts()

    output = load()

    assert counts() == first
    assert "response edition: 0 papers" in output
    assert ReviewSettings.objects.get(workshop=demo).guidelines == "Our own guidelines."
    assert MetaReview.objects.get(pk=draft.pk).comments == "Edited by the area chair."
    assert Submission.objects.filter(title="A title the chair fixed").exists()
    assert settings_of(edition()).phase == Phase.RESPONSE


def test_its_public_page_shows_the_response_deadline_and_no_submission(client, demo):
    page = client.get(f"/w/{SLUG}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "(demo, author response)" in html and "Author response" in html
    assert "Submit a paper" not in html
    # It points to the two other editions.
    assert 'href="/w/demo-trustworthy-ml/"' in html
    assert 'href="/w/demo-trustworthy-ml-2025/"' in html


def test_load_demo_writes_no_email_for_the_edition(demo):
    assert not OutgoingEmail.objects.filter(workshop=demo).exists()


def test_every_new_row_passes_model_validation(demo):
    for model in (
        AreaChairAssignment,
        MetaReview,
        AuthorResponse,
        ReviewVersion,
        ReviewQuestion,
        ReviewAnswer,
        SubmissionField,
        SubmissionFieldAnswer,
        ReviewSettings,
        ReviewerProfile,
    ):
        rows = model.objects.all()
        assert rows.exists(), model.__name__
        for row in rows:
            row.full_clean()


def test_once_the_window_closed_a_later_run_moves_the_whole_calendar(demo):
    """Days later the calendar has moved the edition to discussion; a run opens the window
    again, every dated row moving with the dates, so the story stays in order."""
    later = demo.date(DateKind.AUTHOR_RESPONSE).effective_at + dt.timedelta(days=3, hours=5)
    advance_by_dates(later)
    Entry.objects.filter(workshop=demo, to_state=Phase.DISCUSSION).update(created_at=later)
    assert settings_of(edition()).phase == Phase.DISCUSSION
    before = {
        "paper": Submission.objects.get(workshop=demo, number=1).submitted_at,
        "due": demo.date(DateKind.REVIEWS_DUE).effective_at,
        "response": AuthorResponse.objects.filter(submission__workshop=demo).first().submitted_at,
    }
    first = counts()

    days = response.load(now=later)["rolled_days"]

    moved = edition()
    shift = dt.timedelta(days=days)
    deadline = moved.date(DateKind.AUTHOR_RESPONSE).effective_at
    assert later + dt.timedelta(days=2) < deadline < later + dt.timedelta(days=7)
    assert settings_of(moved).phase == Phase.RESPONSE == phase_by_dates(settings_of(moved), later)
    assert Submission.objects.get(workshop=demo, number=1).submitted_at == before["paper"] + shift
    assert moved.date(DateKind.REVIEWS_DUE).effective_at == before["due"] + shift
    assert (
        AuthorResponse.objects.filter(submission__workshop=demo).first().submitted_at
        == before["response"] + shift
    )
    # Nothing is dated after the run, and the calendar's move to discussion is undone.
    assert not Entry.objects.filter(workshop=demo, created_at__gt=later).exists()
    assert not Review.objects.filter(
        assignment__submission__workshop=demo,
        submitted_at__gte=moved.date(DateKind.REVIEWS_DUE).effective_at,
    ).exists()
    after = counts()
    assert after["Entry"] == first["Entry"] - 1
    assert {k: v for k, v in after.items() if k != "Entry"} == {
        k: v for k, v in first.items() if k != "Entry"
    }
    # A second run the same day moves nothing.
    assert response.load(now=later)["rolled_days"] == 0


def test_a_chairs_staged_decision_stops_the_calendar(demo):
    paper = Submission.objects.filter(workshop=demo).first()
    Decision.objects.create(submission=paper, outcome="reject", decided_by=None)
    later = demo.date(DateKind.AUTHOR_RESPONSE).effective_at + dt.timedelta(days=1)
    dates = list(ImportantDate.objects.filter(workshop=demo).values_list("original_at", flat=True))

    assert response.load(now=later)["rolled_days"] == 0
    assert (
        list(ImportantDate.objects.filter(workshop=demo).values_list("original_at", flat=True))
        == dates
    )


def test_reset_keeps_the_edition_coherent(demo):
    dates = dict(ImportantDate.objects.filter(workshop=demo).values_list("kind", "original_at"))
    ImportantDate.objects.filter(workshop=demo, kind=DateKind.AUTHOR_RESPONSE).update(
        extended_at=timezone.now() + dt.timedelta(days=10)
    )
    first = counts()

    load("--reset")

    assert dict(ImportantDate.objects.filter(workshop=demo).values_list("kind", "original_at")) == (
        dates
    )
    assert not ImportantDate.objects.filter(workshop=demo, extended_at__isnull=False).exists()
    assert counts()["Review"] == first["Review"]
    assert settings_of(edition()).phase == Phase.RESPONSE
