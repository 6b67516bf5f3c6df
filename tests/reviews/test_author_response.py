"""The author response: its window and deadline, the word limit, who reads what, the
notification, and the versions of the reviews updated after it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Entry
from mail.models import OutgoingEmail
from reviews.enums import Phase, ResponseReviews
from reviews.models import (
    AreaChairAssignment,
    AuthorResponse,
    ReviewSettings,
    ReviewVersion,
)
from reviews.permissions import forget_rights
from reviews.services.phases import advance_by_dates, phase_by_dates
from reviews.services.responses import ResponseError, count_words, save_response
from tests import factories as base
from tests.scenarios import AUTHOR_SECRETS, REVIEWER_SECRETS, set_phase, submit_review

from .conftest import reopen  # noqa: F401  (the review scenario's helpers)

SECRET_REVIEW_TEXT = "The ablation on CIFAR is unconvincing."


def enable_response(workshop, *, limit=500, reviews=ResponseReviews.TEXTS):
    settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
    settings.response_enabled = True
    settings.response_word_limit = limit
    settings.response_reviews = reviews
    settings.save()
    set_phase(workshop, Phase.RESPONSE)


def response_date(workshop, when, *, extended=None):
    return base.ImportantDateFactory(
        workshop=workshop, kind="author_response", original_at=when, extended_at=extended
    )


@pytest.fixture
def responding(scenario):
    """Paper #1 with a submitted review, the call in the response phase, responses due in 3
    days, and an area chair on the paper."""
    s = scenario
    submit_review(s.assignment, s.criteria, weaknesses=SECRET_REVIEW_TEXT)
    response_date(s.workshop, timezone.now() + dt.timedelta(days=3))
    enable_response(s.workshop)
    s.area_chair = base.member(s.workshop, "area_chair", full_name="Arno Areachair")
    AreaChairAssignment.objects.create(submission=s.paper, area_chair=s.area_chair)
    return s


def url(s, name="reviews:author_response"):
    return reverse(name, args=[s.workshop.slug, s.paper.number])


def post_response(client, s, text, version=1):
    return client.post(url(s), {"text": text, "version": version})


# --- Reading and writing -------------------------------------------------------------------


def test_author_reads_review_texts_without_scores_or_names_and_responds(responding, login):
    s = responding
    client = login(s.author)
    page = client.get(url(s))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reviewer 1" in html
    assert SECRET_REVIEW_TEXT in html
    assert "Overall recommendation" not in html  # texts only
    # Not only hidden by the page: no score reaches the page at all.
    for review in page.context["reviews"]:
        assert review.recommendation is None and review.confidence is None
        assert list(review.scores.all()) == []
    for secret in REVIEWER_SECRETS:
        assert secret not in html

    reply = post_response(client, s, "We **ran** the ablation. <script>alert(1)</script>")
    assert reply.status_code == 302
    response = AuthorResponse.objects.get(submission=s.paper)
    assert response.words == 5 and response.written_by == s.author
    html = client.get(url(s)).content.decode()
    assert "5 / 500 words" in html

    # Reviewers read it sanitised, signed "Authors", with no author's name.
    reviewer = login(s.assigned).get(url(s, "reviews:discussion")).content.decode()
    assert "<strong>ran</strong>" in reviewer
    assert "<script>alert(1)" not in reviewer
    assert "Authors" in reviewer
    for secret in AUTHOR_SECRETS:
        assert secret not in reviewer


def test_scores_are_shown_when_the_chairs_release_them(responding, login):
    ReviewSettings.objects.filter(workshop=responding.workshop).update(
        response_reviews=ResponseReviews.WITH_SCORES
    )
    html = login(responding.author).get(url(responding)).content.decode()
    assert "Overall recommendation" in html and "Novelty: 2/" in html
    assert "Secret note for the chairs" not in html


def test_the_author_paper_page_links_to_the_response(responding, login):
    detail = reverse("submissions:detail", args=[responding.workshop.slug, responding.paper.number])
    html = login(responding.author).get(detail).content.decode()
    assert url(responding) in html
    set_phase(responding.workshop, Phase.DISCUSSION)
    html = login(responding.author).get(detail).content.decode()
    assert url(responding) not in html


def test_any_author_may_edit_and_a_stale_edit_is_refused(responding, login):
    s = responding
    assert post_response(login(s.author), s, "First text.").status_code == 302
    # The co-author's page was opened before that save (version 1).
    stale = post_response(login(s.coauthor), s, "Coauthor's text.", version=1)
    assert stale.status_code == 409
    assert "Coauthor&#x27;s text." in stale.content.decode()  # kept in the form
    assert AuthorResponse.objects.get(submission=s.paper).text == "First text."
    # With the current version, the co-author's edit goes through.
    current = AuthorResponse.objects.get(submission=s.paper).version
    assert post_response(login(s.coauthor), s, "Coauthor's text.", current).status_code == 302
    assert AuthorResponse.objects.get(submission=s.paper).text == "Coauthor's text."


def test_over_the_word_limit_is_refused_and_the_text_kept(responding, login):
    ReviewSettings.objects.filter(workshop=responding.workshop).update(response_word_limit=5)
    text = "one two three four five six"
    page = post_response(login(responding.author), responding, text)
    assert page.status_code == 400
    html = page.content.decode()
    assert "has 6 words; the limit is 5" in html
    assert text in html  # still in the textarea
    assert "6 / 5 words" in html
    assert not AuthorResponse.objects.filter(submission=responding.paper).exclude(text="").exists()
    assert not OutgoingEmail.objects.filter(idempotency_key__startswith="response:").exists()


def test_words_are_counted_between_blanks():
    assert count_words("") == 0
    assert count_words("  a\n\nb  **c**  [d](https://e.org) ") == 4


# --- Who may read --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["unrelated_author", "assigned", "unassigned", "chair"])
def test_not_an_author_gets_a_404(responding, login, who):
    assert login(responding.user(who)).get(url(responding)).status_code == 404


@pytest.mark.parametrize("phase", [Phase.REVIEWING, Phase.DISCUSSION, Phase.DECISIONS])
def test_an_author_outside_the_response_phase_reads_nothing(responding, login, phase):
    set_phase(responding.workshop, phase)
    client = login(responding.author)
    page = client.get(url(responding))
    assert page.status_code == 403
    html = page.content.decode()
    assert "closed" in html and SECRET_REVIEW_TEXT not in html
    assert post_response(client, responding, "Too late.").status_code == 403
    assert not AuthorResponse.objects.filter(submission=responding.paper).exists()


def test_a_response_phase_without_the_response_enabled_is_closed(responding, login):
    ReviewSettings.objects.filter(workshop=responding.workshop).update(response_enabled=False)
    assert login(responding.author).get(url(responding)).status_code == 403


# --- The deadline --------------------------------------------------------------------------


def test_deadline_before_after_and_extended(responding, login):
    s = responding
    date = s.workshop.dates.get(kind="author_response")
    date.original_at = timezone.now() - dt.timedelta(minutes=1)
    date.save()
    client = login(s.author)
    assert client.get(url(s)).status_code == 403
    assert post_response(client, s, "Late.").status_code == 403
    assert not AuthorResponse.objects.filter(submission=s.paper).exclude(text="").exists()
    # The call's extension reopens it for every paper.
    date.extended_at = timezone.now() + dt.timedelta(hours=2)
    date.save()
    assert post_response(client, s, "In time.").status_code == 302
    assert AuthorResponse.objects.get(submission=s.paper).text == "In time."


def test_a_paper_extension_a_chair_grants(responding, login):
    s = responding
    date = s.workshop.dates.get(kind="author_response")
    date.original_at = timezone.now() - dt.timedelta(hours=1)
    date.save()
    chair = login(s.chair)
    form_url = url(s, "reviews:response_deadline")
    assert chair.get(form_url).status_code == 200
    later = timezone.now().astimezone(s.workshop.tzinfo) + dt.timedelta(days=1)
    assert chair.post(form_url, {"deadline": later.strftime("%Y-%m-%dT%H:%M")}).status_code == 302
    response = AuthorResponse.objects.get(submission=s.paper)
    # Typed in the workshop's zone (AoE here), stored as the same instant.
    assert response.deadline_override == later.replace(second=0, microsecond=0)
    assert Entry.objects.filter(submission=s.paper, action="response_deadline").exists()
    # The other paper keeps the call's (past) deadline; this one is open again.
    assert post_response(login(s.author), s, "With our extension.").status_code == 302
    # A date before the call's is refused, nothing changes.
    earlier = date.original_at.astimezone(s.workshop.tzinfo) - dt.timedelta(days=1)
    chair = login(s.chair)
    refused = chair.post(form_url, {"deadline": earlier.strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 400
    assert "later than the call" in refused.content.decode()
    assert (
        AuthorResponse.objects.get(submission=s.paper).deadline_override
        == response.deadline_override
    )


@pytest.mark.parametrize("who", ["assigned", "author", "conflicted_chair"])
def test_only_a_chair_of_the_paper_sets_its_deadline(responding, login, who):
    page = login(responding.user(who)).post(
        url(responding, "reviews:response_deadline"), {"deadline": "2031-01-01T12:00"}
    )
    assert page.status_code == 404
    assert not AuthorResponse.objects.filter(deadline_override__isnull=False).exists()


def test_the_deadline_is_read_in_anywhere_on_earth(responding):
    """23:59 AoE on 10 May is 11:59 UTC on 11 May: a save at 11:58 UTC passes, 12:00 not."""
    s = responding
    assert s.workshop.timezone_label.startswith("AoE")
    date = s.workshop.dates.get(kind="author_response")
    date.original_at = dt.datetime(2026, 5, 10, 23, 59, tzinfo=s.workshop.tzinfo)
    date.save()
    s.paper.workshop.refresh_from_db()
    in_time = dt.datetime(2026, 5, 11, 11, 58, tzinfo=dt.UTC)
    save_response(s.paper, user=s.author, text="In time.", version=1, now=in_time)
    forget_rights(s.author)
    with pytest.raises(ResponseError, match="deadline has passed"):
        save_response(
            s.paper,
            user=s.author,
            text="Too late.",
            version=2,
            now=dt.datetime(2026, 5, 11, 12, 0, tzinfo=dt.UTC),
        )
    assert AuthorResponse.objects.get(submission=s.paper).text == "In time."


# --- Notification --------------------------------------------------------------------------


def test_reviewers_and_area_chair_are_told_once(responding, login):
    s = responding
    second = base.member(s.workshop, "reviewer")
    base.AssignmentFactory(submission=s.paper, reviewer=second, ordinal=2)
    client = login(s.author)
    assert post_response(client, s, "First version.").status_code == 302
    assert post_response(client, s, "Second version.", version=2).status_code == 302
    mails = OutgoingEmail.objects.filter(idempotency_key__startswith="response:")
    assert sorted(m.recipient for m in mails) == sorted(
        [s.assigned.email, second.email, s.area_chair.email]
    )
    for mail in mails:
        for secret in AUTHOR_SECRETS:
            assert secret not in mail.body and secret not in mail.subject
    assert AuthorResponse.objects.get(submission=s.paper).notified_at is not None
    assert Entry.objects.filter(submission=s.paper, action="response_notified").count() == 1
    assert Entry.objects.filter(submission=s.paper, action="response_edited").count() == 1


# --- Review versions -----------------------------------------------------------------------


def review_form_data(s, **texts):
    data = {
        "recommendation": 4,
        "confidence": 3,
        "summary": "Sum.",
        "strengths": "Good.",
        "weaknesses": "Weak ablation.",
        "comments": "Nice.",
        "confidential_note": "",
        "version": texts.pop("version", 0),
        "submit": "1",
    }
    for c in s.criteria:
        data[f"score_{c.pk}"] = 2
    data.update(texts)
    return data


def test_versions_are_kept_and_the_changes_shown_after_the_response(scenario, login):
    s = scenario
    s.area_chair = base.member(s.workshop, "area_chair")
    AreaChairAssignment.objects.create(submission=s.paper, area_chair=s.area_chair)
    reviewer = login(s.assigned)
    edit = reverse("reviews:review_edit", args=[s.workshop.slug, s.paper.number])
    assert reviewer.post(edit, review_form_data(s)).status_code == 302
    version = ReviewVersion.objects.get()
    assert version.number == 1 and not version.after_response
    assert version.snapshot["weaknesses"] == "Weak ablation."

    # Reviews were due yesterday; the authors respond.
    s.assignment.due_at = timezone.now() - dt.timedelta(days=1)
    s.assignment.save()
    response_date(s.workshop, timezone.now() + dt.timedelta(days=2))
    enable_response(s.workshop)
    assert post_response(login(s.author), s, "We fixed the ablation.").status_code == 302

    # Past its deadline, the reviewer may still update a submitted review after the response,
    # which the review form shows.
    assert "We fixed the ablation." in login(s.assigned).get(edit).content.decode()
    from reviews.models import Review

    review = Review.objects.get(assignment=s.assignment)
    data = review_form_data(
        s,
        recommendation=5,
        weaknesses="The ablation is now convincing.",
        confidential_note="Raised my score after the rebuttal.",
        version=review.version,
    )
    assert login(s.assigned).post(edit, data).status_code == 302
    versions = list(ReviewVersion.objects.order_by("number"))
    assert [v.after_response for v in versions] == [False, True]

    changes = reverse("reviews:review_changes", args=[s.workshop.slug, s.paper.number, 1])
    for who in (s.chair, s.area_chair):
        html = login(who).get(changes).content.decode()
        assert "Overall recommendation" in html
        assert "4 — " in html and "5 — " in html
        assert "<del>Weak ablation.</del>" in html
        assert "<ins>The ablation is now convincing.</ins>" in html
        # The context holds the filtered changes only, never a raw snapshot.
        context = login(who).get(changes).context["result"]
        assert all(v.snapshot is None for v in context.versions)
    # The confidential note's change is for chairs only.
    assert "Raised my score after the rebuttal." in login(s.chair).get(changes).content.decode()
    assert "Raised my score" not in login(s.area_chair).get(changes).content.decode()
    assert login(s.assigned).get(changes).status_code == 404
    assert login(s.conflicted_chair).get(changes).status_code == 404

    manage = reverse("reviews:manage", args=[s.workshop.slug])
    assert "Updated after response" in login(s.chair).get(manage).content.decode()
    paper = reverse("reviews:manage_paper", args=[s.workshop.slug, s.paper.number])
    html = login(s.chair).get(paper).content.decode()
    assert "Updated after response" in html and changes in html


def test_without_a_response_the_deadline_still_closes_the_review(scenario):
    from reviews.permissions import paper_rights

    s = scenario
    submit_review(s.assignment, s.criteria)
    s.assignment.due_at = timezone.now() - dt.timedelta(days=1)
    s.assignment.save()
    enable_response(s.workshop)
    assert not paper_rights(s.assigned, s.paper).review_open


# --- Phases --------------------------------------------------------------------------------


def test_the_calendar_moves_through_the_response(scenario):
    s = scenario
    now = timezone.now()
    settings = ReviewSettings.objects.get(workshop=s.workshop)
    settings.follow_dates = True
    settings.save()
    due = s.workshop.dates.get(kind="reviews_due")
    due.original_at = now - dt.timedelta(days=1)
    due.save()
    settings.refresh_from_db()
    assert phase_by_dates(settings, now) == Phase.DISCUSSION  # no response: straight on

    settings.response_enabled = True
    settings.save()
    assert phase_by_dates(settings, now) == Phase.DISCUSSION  # enabled, but not dated
    date = response_date(s.workshop, now + dt.timedelta(days=2))
    assert advance_by_dates(now) == 1
    settings.refresh_from_db()
    assert settings.phase == Phase.RESPONSE

    # The call's response date passed, but one paper has its own later one.
    date.original_at = now - dt.timedelta(hours=1)
    date.save()
    AuthorResponse.objects.create(submission=s.paper, deadline_override=now + dt.timedelta(days=1))
    assert advance_by_dates(now) == 0
    assert advance_by_dates(now + dt.timedelta(days=2)) == 1
    settings.refresh_from_db()
    assert settings.phase == Phase.DISCUSSION


def test_the_phase_page_refuses_the_response_phase_until_enabled(scenario, login):
    s = scenario
    page = login(s.chair).post(
        reverse("reviews:manage_settings", args=[s.workshop.slug]),
        {
            "phase": Phase.RESPONSE,
            "others_reviews": "after_own",
            "default_reviews_per_paper": 3,
            "response_word_limit": 500,
            "response_reviews": "texts",
            "version": ReviewSettings.objects.get(workshop=s.workshop).version,
        },
    )
    assert page.status_code == 200
    assert "Enable the author response" in page.content.decode()
    assert ReviewSettings.objects.get(workshop=s.workshop).phase == Phase.REVIEWING


def test_the_call_page_shows_the_response_date_only_when_set(scenario, client):
    s = scenario
    page = reverse("workshops:detail", args=[s.workshop.slug])
    s.workshop.is_published = True
    s.workshop.save()
    assert "Author response" not in client.get(page).content.decode()
    response_date(s.workshop, dt.datetime(2030, 5, 10, 23, 59, tzinfo=s.workshop.tzinfo))
    html = client.get(page).content.decode()
    assert "Author response deadline" in html and "AoE" in html


# --- Queries -------------------------------------------------------------------------------


def test_response_page_queries_constant_in_reviews(responding, login):
    s = responding
    client = login(s.author)

    def count():
        client.get(url(s))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(s)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(2, 6):
        a = base.AssignmentFactory(
            submission=s.paper, reviewer=base.member(s.workshop, "reviewer"), ordinal=n
        )
        submit_review(a, s.criteria)
    assert count() == few
