"""Bidding, manual assignment, discussion, reminders, criteria, settings and the outbox."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mail.models import EmailState, OutgoingEmail
from reviews.enums import Phase
from reviews.models import Assignment, Bid, Comment, ReviewerProfile, ReviewSettings
from reviews.permissions import due_date
from reviews.services import ReviewFlowError
from reviews.services.assignments import assign, unassign
from reviews.services.discussion import post_comment
from reviews.services.phases import advance_by_dates
from reviews.services.reminders import remind_late_reviewers, send_due_reminders
from tests import factories as base
from tests.scenarios import set_phase, submit_review
from workshops.models import ReviewCriterion

# --- Bidding ---------------------------------------------------------------------------------


def test_bidding_list_sorted_by_topic_match_without_conflicted_papers(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    profile = ReviewerProfile.objects.create(workshop=scenario.workshop, user=scenario.unassigned)
    profile.topics.set([scenario.topics[1]])
    client = login(scenario.unassigned)

    body = client.get(reverse("reviews:bids", args=[scenario.workshop.slug])).content.decode()

    assert body.index("Poisoning at scale") < body.index("Robust training under label noise")
    conflicted = login(scenario.conflicted_reviewer)
    body = conflicted.get(reverse("reviews:bids", args=[scenario.workshop.slug])).content.decode()
    assert "Robust training" not in body and "Poisoning at scale" in body


def test_bid_saved_without_javascript(scenario, login):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.unassigned)

    response = client.post(
        reverse("reviews:bid", args=[scenario.workshop.slug, 2]),
        {f"p{scenario.other_paper.pk}-preference": "eager"},
    )

    assert response.status_code == 302
    assert Bid.objects.get(reviewer=scenario.unassigned).preference == "eager"


@pytest.mark.parametrize("role", ["conflicted_reviewer", "author", "unrelated_author"])
def test_bid_on_conflicted_or_foreign_paper_is_404(scenario, login, role):
    set_phase(scenario.workshop, Phase.BIDDING)
    client = login(scenario.user(role))

    response = client.post(
        reverse("reviews:bid", args=[scenario.workshop.slug, 1]), {"preference": "eager"}
    )

    assert response.status_code == 404
    assert not Bid.objects.exists()


def test_bidding_closed_outside_bidding_phase(scenario, login):
    client = login(scenario.unassigned)

    response = client.post(
        reverse("reviews:bid", args=[scenario.workshop.slug, 2]), {"preference": "eager"}
    )

    assert response.status_code == 404
    assert not Bid.objects.exists()


# --- Assignment ------------------------------------------------------------------------------


def test_assign_emails_reviewer_once_with_default_due(scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = assign(submission=scenario.other_paper, reviewer=scenario.unassigned, by=scenario.chair)
        again = assign(
            submission=scenario.other_paper, reviewer=scenario.unassigned, by=scenario.chair
        )

    assert a.pk == again.pk and a.ordinal == 1
    assert a.due_at is None  # follows the workshop's date, extensions included
    assert due_date(a, scenario.workshop) == (
        scenario.workshop.dates.get(kind="reviews_due").original_at
    )
    assert [m.to[0] for m in mail.outbox] == [scenario.unassigned.email]
    assert OutgoingEmail.objects.get().idempotency_key == f"assignment:{a.pk}"


def test_ordinals_stay_stable_after_unassign(scenario):
    b = assign(submission=scenario.paper, reviewer=scenario.unassigned, by=scenario.chair)
    assert b.ordinal == 2
    unassign(scenario.assignment, by=scenario.chair)
    third = base.member(scenario.workshop, "reviewer")

    c = assign(submission=scenario.paper, reviewer=third, by=scenario.chair)

    assert c.ordinal == 3


def test_unassign_refused_after_submitted_review(scenario):
    submit_review(scenario.assignment, scenario.criteria)

    with pytest.raises(ReviewFlowError):
        unassign(scenario.assignment, by=scenario.chair)

    assert Assignment.objects.filter(pk=scenario.assignment.pk).exists()


def test_non_member_cannot_be_assigned(scenario):
    with pytest.raises(ReviewFlowError):
        assign(submission=scenario.paper, reviewer=scenario.unrelated_author, by=scenario.chair)


def test_chair_assigns_from_reviewer_page(scenario, login):
    client = login(scenario.chair)
    url = reverse("reviews:manage_reviewer", args=[scenario.workshop.slug, scenario.unassigned.pk])

    assert client.get(url).status_code == 200
    client.post(url, {"action": "assign", "submission": scenario.other_paper.pk})

    assert Assignment.objects.filter(
        reviewer=scenario.unassigned, submission=scenario.other_paper
    ).exists()


def test_reviewer_declines_assignment(scenario, login):
    client = login(scenario.assigned)

    client.post(reverse("reviews:decline", args=[scenario.workshop.slug, 1]), {"reason": "Busy"})

    scenario.assignment.refresh_from_db()
    assert scenario.assignment.state == "declined"
    assert scenario.assignment.decline_reason == "Busy"


# --- Discussion ------------------------------------------------------------------------------


def test_discussion_notifies_other_participants(
    scenario, login, django_capture_on_commit_callbacks
):
    other = assign(submission=scenario.paper, reviewer=scenario.unassigned, by=scenario.chair)
    submit_review(scenario.assignment, scenario.criteria)
    submit_review(other, scenario.criteria)
    set_phase(scenario.workshop, Phase.DISCUSSION)
    mail.outbox.clear()
    client = login(scenario.assigned)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reviews:discussion", args=[scenario.workshop.slug, 1]),
            {"body": "I think it is fine."},
        )

    assert Comment.objects.count() == 1
    recipients = sorted(m.to[0] for m in mail.outbox)
    # The other reviewer and the unconflicted chair; not the author, not the conflicted chair.
    assert recipients == sorted([scenario.unassigned.email, scenario.chair.email])
    assert all("Reviewer 1" in m.subject for m in mail.outbox)
    page = client.get(reverse("reviews:discussion", args=[scenario.workshop.slug, 1]))
    assert "Reviewer 1" in page.content.decode()


def test_chair_comment_shown_as_chair(scenario, login):
    submit_review(scenario.assignment, scenario.criteria)
    set_phase(scenario.workshop, Phase.DISCUSSION)
    post_comment(submission=scenario.paper, author=scenario.chair, body="Chair here.")
    client = login(scenario.assigned)

    body = client.get(reverse("reviews:discussion", args=[scenario.workshop.slug, 1])).content
    assert b"<strong>Chair</strong>" in body
    assert b"Carla" not in body.replace(b"Carla Chair</a>", b"")


def test_conflicted_reviewer_cannot_post(scenario, login):
    set_phase(scenario.workshop, Phase.DISCUSSION)
    client = login(scenario.conflicted_reviewer)

    response = client.post(
        reverse("reviews:discussion", args=[scenario.workshop.slug, 1]), {"body": "Hi"}
    )

    assert response.status_code == 404
    assert not Comment.objects.exists()


# --- Reminders -------------------------------------------------------------------------------


def test_reminders_three_days_before_and_one_day_after_each_once(
    scenario, django_capture_on_commit_callbacks
):
    due = scenario.assignment.due_at
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=due - dt.timedelta(days=4)) == 0
        send_due_reminders(now=due - dt.timedelta(days=2, hours=23))
        send_due_reminders(now=due - dt.timedelta(days=1))
        send_due_reminders(now=due + dt.timedelta(hours=12))
        send_due_reminders(now=due + dt.timedelta(days=1, hours=1))
        send_due_reminders(now=due + dt.timedelta(days=2))

    assert len(mail.outbox) == 2
    assert "due soon" in mail.outbox[0].subject
    assert "Overdue" in mail.outbox[1].subject
    assert all(m.to == [scenario.assigned.email] for m in mail.outbox)


def test_no_reminder_after_submission(scenario, django_capture_on_commit_callbacks):
    submit_review(scenario.assignment, scenario.criteria)

    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(now=scenario.assignment.due_at - dt.timedelta(days=1))

    assert mail.outbox == []


def test_remind_late_button(scenario, login, django_capture_on_commit_callbacks):
    scenario.assignment.due_at = timezone.now() - dt.timedelta(days=2)
    scenario.assignment.save()
    client = login(scenario.chair)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:remind_late", args=[scenario.workshop.slug]))
        client.post(reverse("reviews:remind_late", args=[scenario.workshop.slug]))

    assert [m.to[0] for m in mail.outbox] == [scenario.assigned.email]
    assert remind_late_reviewers(workshop=scenario.workshop) == 1


def test_beat_schedule_declares_reminders():
    from reviews.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["reviews.send_review_reminders"]["task"] == "reviews.send_review_reminders"


# --- Phases ----------------------------------------------------------------------------------


def test_phase_follows_dates_forward_only(scenario):
    settings = ReviewSettings.objects.get(workshop=scenario.workshop)
    settings.phase = Phase.SUBMISSION
    settings.follow_dates = True
    settings.bidding_closes_at = timezone.now() + dt.timedelta(days=1)
    settings.save()

    advance_by_dates()
    assert ReviewSettings.objects.get(pk=settings.pk).phase == Phase.BIDDING

    advance_by_dates(now=timezone.now() + dt.timedelta(days=2))
    assert ReviewSettings.objects.get(pk=settings.pk).phase == Phase.REVIEWING

    ReviewSettings.objects.filter(pk=settings.pk).update(phase=Phase.DECISIONS)
    advance_by_dates(now=timezone.now() + dt.timedelta(days=30))
    assert ReviewSettings.objects.get(pk=settings.pk).phase == Phase.DECISIONS


def test_chair_sets_phase(scenario, login):
    client = login(scenario.chair)

    client.post(
        reverse("reviews:manage_settings", args=[scenario.workshop.slug]),
        {"phase": "bidding", "others_reviews": "after_own", "default_reviews_per_paper": "3"},
    )

    assert ReviewSettings.objects.get(workshop=scenario.workshop).phase == "bidding"


# --- Criteria --------------------------------------------------------------------------------


def criteria_post(scenario, name="Clarity"):
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, c in enumerate(scenario.criteria):
        data.update(
            {
                f"form-{i}-id": c.pk,
                f"form-{i}-name": c.name,
                f"form-{i}-order": c.order,
                f"form-{i}-description": "",
                f"form-{i}-scale_text": "\n".join(c.scale),
            }
        )
    data.update({"form-2-name": name, "form-2-order": "3", "form-2-scale_text": "Bad\nGood"})
    return data


def test_chair_edits_criteria_before_first_review(scenario, login):
    client = login(scenario.chair)

    response = client.post(
        reverse("reviews:criteria", args=[scenario.workshop.slug]), criteria_post(scenario)
    )

    assert response.status_code == 302
    assert ReviewCriterion.objects.get(name="Clarity").scale == ["Bad", "Good"]


def test_criteria_locked_after_first_submitted_review(scenario, login):
    submit_review(scenario.assignment, scenario.criteria)
    client = login(scenario.chair)

    response = client.post(
        reverse("reviews:criteria", args=[scenario.workshop.slug]),
        criteria_post(scenario),
        follow=True,
    )

    assert "can no longer change" in response.content.decode()
    assert not ReviewCriterion.objects.filter(name="Clarity").exists()


# --- Outbox ----------------------------------------------------------------------------------


def test_outbox_lists_workshop_mail_and_resends_failed(scenario, login):
    from mail.models import OutgoingEmail as E

    failed = E.objects.create(
        workshop=scenario.workshop,
        recipient="x@y.example",
        subject="Hello",
        body="b",
        idempotency_key="k1",
        state=EmailState.FAILED,
        error="550 no such user",
    )
    E.objects.create(recipient="z@y.example", subject="Elsewhere", body="b", idempotency_key="k2")
    client = login(scenario.chair)
    url = reverse("reviews:outbox", args=[scenario.workshop.slug])

    body = client.get(url).content.decode()
    assert "x@y.example" in body and "550 no such user" in body
    assert "Elsewhere" not in body

    client.post(reverse("reviews:outbox_resend", args=[scenario.workshop.slug, failed.pk]))
    failed.refresh_from_db()
    assert failed.state in {EmailState.QUEUED, EmailState.SENT}


def test_outbox_of_other_workshop_is_404(scenario, login):
    from mail.models import OutgoingEmail as E

    other = base.SubmissionFactory(submitted=True).workshop
    email = E.objects.create(
        workshop=other,
        recipient="x@y.example",
        subject="S",
        body="b",
        idempotency_key="k3",
        state=EmailState.FAILED,
    )
    client = login(scenario.chair)

    response = client.post(
        reverse("reviews:outbox_resend", args=[scenario.workshop.slug, email.pk])
    )

    assert response.status_code == 404
    email.refresh_from_db()
    assert email.state == EmailState.FAILED


def test_outbox_hides_mail_about_papers_the_chair_is_conflicted_with(
    scenario, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(submission=scenario.paper, reviewer=scenario.unassigned, by=scenario.chair)
        assign(submission=scenario.other_paper, reviewer=scenario.assigned, by=scenario.chair)
    url = reverse("reviews:outbox", args=[scenario.workshop.slug])

    chair_view = login(scenario.chair).get(url).content.decode()
    conflicted_view = login(scenario.conflicted_chair).get(url).content.decode()

    assert "uma@reviewers2.example" in chair_view and "rita@reviewers.example" in chair_view
    assert "uma@reviewers2.example" not in conflicted_view
    assert "rita@reviewers.example" in conflicted_view  # paper #2: no conflict


def test_management_commands(scenario):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("detect_conflicts", scenario.workshop.slug, stdout=out)
    call_command("send_review_reminders", stdout=out)

    assert "new conflict" in out.getvalue() and "reminder" in out.getvalue()


# --- Declines, loads and reminders ------------------------------------------------------------


def test_declined_assignment_emails_the_chairs_who_may_see_the_paper(
    scenario, login, django_capture_on_commit_callbacks
):
    client = login(scenario.assigned)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reviews:decline", args=[scenario.workshop.slug, 1]), {"reason": "Busy"}
        )

    # Conrad is conflicted with the paper: only Carla is told.
    assert [m.to for m in mail.outbox] == [[scenario.chair.email]]
    assert "declined paper #1" in mail.outbox[0].subject
    assert "Busy" in mail.outbox[0].body


def test_assigning_beyond_the_maximum_needs_confirmation(scenario, login):
    ReviewerProfile.objects.update_or_create(
        workshop=scenario.workshop, user=scenario.assigned, defaults={"max_papers": 1}
    )
    client = login(scenario.chair)
    url = reverse("reviews:manage_paper", args=[scenario.workshop.slug, 2])

    page = client.get(url).content.decode()
    client.post(url, {"action": "assign", "reviewer": scenario.assigned.pk})
    refused = not Assignment.objects.filter(
        submission=scenario.other_paper, reviewer=scenario.assigned
    ).exists()
    client.post(url, {"action": "assign", "reviewer": scenario.assigned.pk, "beyond_max": "1"})

    assert "1/1" in page and "at maximum" in page
    assert refused
    assert Assignment.objects.filter(
        submission=scenario.other_paper, reviewer=scenario.assigned
    ).exists()


def test_send_due_reminders_counts_only_new_reminders(scenario, django_capture_on_commit_callbacks):
    due = scenario.assignment.due_at
    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders(now=due - dt.timedelta(days=2))
        again = send_due_reminders(now=due - dt.timedelta(days=1))

    assert (first, again) == (1, 0)
