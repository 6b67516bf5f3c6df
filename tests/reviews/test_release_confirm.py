"""Releasing goes through a confirmation page; staged decisions change inline until then;
a correction after release sends one follow-up letter; the letter is the preview."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from activity.models import Entry
from mail.models import OutgoingEmail
from reviews.enums import Phase
from reviews.models import Decision, DecisionCorrection, DecisionRelease, DecisionTemplate
from reviews.services import ReviewFlowError
from reviews.services.decisions import (
    StaleConfirmation,
    correct_decision,
    plan_release,
    release_decisions,
    stage_decision,
)
from submissions.models import Submission
from tests.scenarios import release_now, set_phase, submit_review


@pytest.fixture
def decided(scenario):
    """Paper #1 (two authors, one review in) staged "accept as poster", paper #2 (one author,
    no review) staged "reject", in the decisions phase."""
    s = scenario
    submit_review(s.assignment, s.criteria)
    set_phase(s.workshop, Phase.DECISIONS)
    stage_decision(submission=s.paper, outcome="accept_poster", comments="Good.", by=s.chair)
    stage_decision(submission=s.other_paper, outcome="reject", by=s.chair)
    return s


def confirm_url(s):
    return reverse("reviews:release_confirm", args=[s.workshop.slug])


def fingerprint_of(html: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)


def test_the_confirmation_page_sends_nothing_and_shows_counts_gaps_and_warnings(decided, login):
    client = login(decided.chair)

    html = client.get(confirm_url(decided)).content.decode()

    assert OutgoingEmail.objects.count() == 0
    assert DecisionRelease.objects.count() == 0
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "sends 3 letters about 2 papers" in text
    assert "Accept as poster #1 2" in text  # outcome, papers, letters
    assert "Reject #2 1" in text
    assert "1 paper without any submitted review: #2 Poisoning at scale" in text
    # Reviews are due in 10 days in this scenario.
    assert "The review phase is still open" in text
    assert "call for papers is still open" not in text
    assert "Release 2 decisions and send 3 letters" in text


def test_the_call_still_open_is_warned_about(decided):
    from workshops.models import ImportantDate

    date = ImportantDate.objects.get(workshop=decided.workshop, kind="paper_submission")
    date.original_at = date.original_at.replace(year=date.original_at.year + 2)
    date.save()
    decided.workshop.refresh_from_db()

    plan = plan_release(decided.workshop, decided.chair)

    assert any("call for papers is still open" in w for w in plan.warnings)


def test_missing_reviews_are_listed_with_their_count(decided):
    from tests import factories as base

    base.AssignmentFactory(submission=decided.paper, reviewer=decided.unassigned, ordinal=2)

    plan = plan_release(decided.workshop, decided.chair)

    assert [(p.number, done, assigned) for p, done, assigned in plan.missing_reviews] == [(1, 1, 2)]
    assert [p.number for p in plan.no_review] == [2]


def test_confirming_releases_and_sends_exactly_what_the_preview_showed(
    decided, login, django_capture_on_commit_callbacks
):
    client = login(decided.chair)
    page = client.get(confirm_url(decided))
    previews = {g.outcome: g.preview for g in page.context["plan"].groups}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            confirm_url(decided), {"fingerprint": fingerprint_of(page.content.decode())}
        )

    assert response.status_code == 302
    assert DecisionRelease.objects.count() == 1
    assert len(mail.outbox) == 3 == page.context["plan"].letters
    for outcome, preview in previews.items():
        sent = OutgoingEmail.objects.get(recipient=preview["to"].email)
        assert (sent.subject, sent.body) == (preview["subject"], preview["body"]), outcome
        # The page showed that same text (escaped for HTML).
        assert unescape(page.content.decode()).count(preview["body"].strip()[:200]) == 1
        delivered = next(m for m in mail.outbox if m.to == [preview["to"].email])
        assert (delivered.subject, delivered.body) == (preview["subject"], preview["body"])


def test_a_confirmation_against_a_changed_set_is_refused(
    decided, login, django_capture_on_commit_callbacks
):
    client = login(decided.chair)
    fingerprint = fingerprint_of(client.get(confirm_url(decided)).content.decode())
    # Another chair changes a staged decision meanwhile.
    stage_decision(submission=decided.other_paper, outcome="accept_poster", by=decided.chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(decided), {"fingerprint": fingerprint}, follow=True)

    assert DecisionRelease.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert Submission.objects.get(pk=decided.other_paper.pk).state == "submitted"
    assert "changed since you opened the confirmation page" in response.content.decode()
    assert response.redirect_chain[-1][0] == confirm_url(decided)


@pytest.mark.parametrize("change", ["review", "template", "withdraw", "comments"])
def test_any_change_to_what_would_be_sent_makes_the_fingerprint_stale(decided, change):
    before = plan_release(decided.workshop, decided.chair).fingerprint
    if change == "review":
        review = decided.assignment.review
        review.comments = "Changed my mind."
        review.save()
    elif change == "template":
        DecisionTemplate.objects.create(
            workshop=decided.workshop, outcome="reject", subject="Sorry", body="No."
        )
    elif change == "withdraw":
        Decision.objects.filter(submission=decided.other_paper).delete()
    else:
        stage_decision(
            submission=decided.paper, outcome="accept_poster", comments="Better.", by=decided.chair
        )

    with pytest.raises(StaleConfirmation):
        release_decisions(workshop=decided.workshop, by=decided.chair, fingerprint=before)
    assert DecisionRelease.objects.count() == 0


def test_release_without_a_fingerprint_sends_nothing(decided, login):
    client = login(decided.chair)

    client.post(confirm_url(decided), {})

    assert DecisionRelease.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


def test_nothing_is_preselected_in_the_decision_form(decided, login):
    Decision.objects.filter(submission=decided.paper).delete()
    client = login(decided.chair)

    html = client.get(
        reverse("reviews:manage_paper", args=[decided.workshop.slug, 1])
    ).content.decode()
    select = re.search(r'<select name="outcome".*?</select>', html, re.S).group(0)
    response = client.post(
        reverse("reviews:manage_paper", args=[decided.workshop.slug, 1]),
        {"action": "decide", "outcome": "", "comments": ""},
        follow=True,
    )

    assert "selected" not in select.replace('value="" selected', "")
    assert "Choose an outcome" in response.content.decode()
    assert not Decision.objects.filter(submission=decided.paper).exists()


def test_decisions_page_has_no_preselected_outcome_for_undecided_papers(decided, login):
    Decision.objects.filter(submission=decided.other_paper).delete()
    client = login(decided.chair)

    html = client.get(reverse("reviews:decisions", args=[decided.workshop.slug])).content.decode()
    cell = re.search(r'id="decision-2".*?</td>', html, re.S).group(0)

    assert re.findall(r'<option value="(\w*)" selected', cell) == [""]


def stage_url(s, number):
    return reverse("reviews:decision_stage", args=[s.workshop.slug, number])


def test_inline_staging_changes_and_withdraws_until_release_with_htmx(decided, login):
    client = login(decided.chair)
    hx = {"HTTP_HX_REQUEST": "true"}

    changed = client.post(stage_url(decided, 2), {"outcome": "accept_poster"}, **hx)
    withdrawn = client.post(stage_url(decided, 1), {"outcome": ""}, **hx)

    assert changed.status_code == 200
    assert changed.content.decode().lstrip().startswith("<td")
    assert re.search(r'<option value="accept_poster" selected', changed.content.decode())
    assert Decision.objects.get(submission=decided.other_paper).outcome == "accept_poster"
    assert not Decision.objects.filter(submission=decided.paper).exists()
    assert "withdrawn" in withdrawn.content.decode()
    assert OutgoingEmail.objects.count() == 0


def test_inline_staging_without_javascript_redirects_back(decided, login):
    client = login(decided.chair)

    response = client.post(stage_url(decided, 2), {"outcome": "accept_poster"})

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:decisions", args=[decided.workshop.slug])
    assert Decision.objects.get(submission=decided.other_paper).outcome == "accept_poster"


def test_inline_staging_refuses_a_conflicted_chair_with_404(decided, login):
    client = login(decided.conflicted_chair)

    response = client.post(stage_url(decided, 1), {"outcome": "reject"})

    assert response.status_code == 404
    assert Decision.objects.get(submission=decided.paper).outcome == "accept_poster"


def test_inline_staging_after_release_is_refused_in_the_cell(
    decided, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=decided.workshop, by=decided.chair)
    client = login(decided.chair)

    response = client.post(stage_url(decided, 1), {"outcome": "reject"}, HTTP_HX_REQUEST="true")

    assert "already sent" in response.content.decode()
    assert Decision.objects.get(submission=decided.paper).outcome == "accept_poster"


# --- After release: corrections -----------------------------------------------------------


@pytest.fixture
def released(decided, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=decided.workshop, by=decided.chair)
    mail.outbox.clear()
    return decided


def test_a_correction_sends_one_follow_up_letter_per_author_and_is_logged(
    released, login, django_capture_on_commit_callbacks
):
    client = login(released.chair)
    url = reverse("reviews:manage_paper", args=[released.workshop.slug, 1])
    data = {
        "action": "correct_decision",
        "outcome": "reject",
        "comments": "Sorry.",
        "confirm": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        again = client.post(url, data, follow=True)  # a double POST

    paper = Submission.objects.get(pk=released.paper.pk)
    assert paper.state == "rejected"
    assert DecisionCorrection.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [released.author.email, released.coauthor.email]
    )
    assert all(m.subject.startswith("Correction: ") for m in mail.outbox)
    assert "The decision is now: Reject" in mail.outbox[0].body
    assert "Nothing changed" in again.content.decode()
    log = Entry.objects.filter(kind="submission", submission=paper).order_by("pk").last()
    assert "Accept as poster → Reject" in log.message
    assert log.actor == released.chair


def test_a_correction_within_accept_keeps_the_state_and_is_logged(
    released, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correct_decision(
            submission=released.paper, outcome="accept_talk", comments="Good.", by=released.chair
        )

    assert Submission.objects.get(pk=released.paper.pk).state == "accepted"
    assert len(mail.outbox) == 2
    assert Entry.objects.filter(
        kind="submission", submission=released.paper, message__contains="→ Accept as talk"
    ).exists()


def test_a_correction_needs_the_confirmation_box(released, login):
    client = login(released.chair)

    client.post(
        reverse("reviews:manage_paper", args=[released.workshop.slug, 1]),
        {"action": "correct_decision", "outcome": "reject", "comments": ""},
    )

    assert DecisionCorrection.objects.count() == 0
    assert (
        OutgoingEmail.objects.filter(idempotency_key__startswith="decision-correction").count() == 0
    )


def test_a_conflicted_chair_cannot_correct(released):
    with pytest.raises(ReviewFlowError):
        correct_decision(submission=released.paper, outcome="reject", by=released.conflicted_chair)
    assert DecisionCorrection.objects.count() == 0


# --- What the letter says ------------------------------------------------------------------


def test_the_subject_names_the_workshop_once(decided, django_capture_on_commit_callbacks):
    DecisionTemplate.objects.create(
        workshop=decided.workshop,
        outcome="accept",
        subject="[WRL] Great news about paper #{number}",
        body="Dear {author_name}, {outcome}.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=decided.workshop, by=decided.chair)

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[decided.author.email] == "[WRL] Great news about paper #1"
    # The default template does not name the workshop: the prefix does, once.
    assert subjects[decided.unrelated_author.email] == "[WRL 2026] Decision on paper #2"


def test_the_letter_links_to_the_paper_and_its_reviews(decided, django_capture_on_commit_callbacks):
    DecisionTemplate.objects.create(
        workshop=decided.workshop, outcome="reject", subject="Sorry", body="No link here."
    )

    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=decided.workshop, by=decided.chair)

    link = f"https://cfp.example.org/submissions/{decided.workshop.slug}/"
    for message in mail.outbox:
        number = 1 if message.to[0] != decided.unrelated_author.email else 2
        assert f"{link}{number}/" in message.body


def test_confirmation_and_decisions_pages_run_a_constant_number_of_queries(decided, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as base

    client = login(decided.chair)
    pages = [
        reverse("reviews:decisions", args=[decided.workshop.slug]),
        confirm_url(decided),
    ]
    for page in pages:
        client.get(page)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            for page in pages:
                assert client.get(page).status_code == 200
        return len(ctx)

    few = count()
    for number in range(3, 13):
        paper = base.SubmissionFactory(workshop=decided.workshop, number=number, submitted=True)
        for order in range(2):
            base.AuthorshipFactory(submission=paper, order=order)
        base.AssignmentFactory(submission=paper, reviewer=decided.unassigned, ordinal=1)
        stage_decision(submission=paper, outcome="reject", by=decided.chair)

    assert count() == few
