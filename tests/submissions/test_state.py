import datetime as dt

import pytest
from django.core import mail

from activity.models import Entry
from mail.models import EmailState, OutgoingEmail
from submissions.enums import ActivityAction, SubmissionState
from submissions.services import state
from submissions.services.state import TransitionNotAllowed, set_state
from tests.factories import SubmissionFactory

CO = {"name": "Charles Babbage", "email": "charles@engine.example"}


@pytest.mark.django_db
def test_set_state_submit_logs_and_mails_every_author_once(
    make_submission, author_user, frozen_now, django_capture_on_commit_callbacks
):
    submission = make_submission(state=SubmissionState.DRAFT, co_authors=[CO])
    with django_capture_on_commit_callbacks(execute=True):
        set_state(submission, SubmissionState.SUBMITTED, by=author_user)
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.submitted_at is not None
    rows = OutgoingEmail.objects.filter(template_role="submission.submitted")
    assert sorted(rows.values_list("recipient", flat=True)) == [
        "ada@analytical.example",
        "charles@engine.example",
    ]
    assert set(rows.values_list("state", flat=True)) == {EmailState.SENT}
    assert len(mail.outbox) == 2
    assert f"#{submission.number}" in mail.outbox[0].subject
    assert submission.title in mail.outbox[0].body
    activity = Entry.objects.filter(kind="submission").get(submission=submission)
    assert (activity.action, activity.from_state, activity.to_state, activity.actor) == (
        ActivityAction.SUBMITTED,
        SubmissionState.DRAFT,
        SubmissionState.SUBMITTED,
        author_user,
    )


@pytest.mark.django_db
def test_set_state_submit_twice_refused_without_second_mail(
    make_submission, author_user, frozen_now, django_capture_on_commit_callbacks
):
    submission = make_submission(state=SubmissionState.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        set_state(submission, SubmissionState.SUBMITTED, by=author_user)
        with pytest.raises(TransitionNotAllowed):
            set_state(submission, SubmissionState.SUBMITTED, by=author_user)
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_set_state_submit_incomplete_refused(make_submission, author_user, frozen_now):
    submission = make_submission(state=SubmissionState.DRAFT)
    submission.files.all().delete()
    with pytest.raises(TransitionNotAllowed, match="PDF missing"):
        set_state(submission, SubmissionState.SUBMITTED, by=author_user)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT
    assert not Entry.objects.filter(kind="submission").exists()


@pytest.mark.django_db
def test_set_state_submit_after_deadline_refused(
    make_submission, author_user, frozen_now, deadline
):
    submission = make_submission(state=SubmissionState.DRAFT)
    frozen_now(deadline + dt.timedelta(seconds=1))
    with pytest.raises(TransitionNotAllowed, match="deadline"):
        set_state(submission, SubmissionState.SUBMITTED, by=author_user)


@pytest.mark.django_db
def test_set_state_withdraw_after_deadline_allowed(
    make_submission, author_user, frozen_now, deadline, django_capture_on_commit_callbacks
):
    submission = make_submission()
    frozen_now(deadline + dt.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        submission.withdraw(by=author_user, reason="Found a bug")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.WITHDRAWN
    assert submission.withdrawn_at is not None
    assert [m.subject for m in mail.outbox] == [
        f"[{submission.workshop.short_name}] Submission #{submission.number} withdrawn: "
        f"{submission.title}"
    ]
    assert "Found a bug" in mail.outbox[0].body


@pytest.mark.django_db
def test_set_state_desk_reject_requires_reason(make_submission, chair):
    submission = make_submission()
    with pytest.raises(TransitionNotAllowed, match="reason"):
        set_state(submission, SubmissionState.DESK_REJECTED, by=chair, reason="  ")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED


@pytest.mark.django_db
def test_set_state_desk_reject_and_reinstate_mail_each_event(
    make_submission, chair, django_capture_on_commit_callbacks
):
    submission = make_submission()
    with django_capture_on_commit_callbacks(execute=True):
        submission.desk_reject(by=chair, reason="Out of <b>scope</b>")
        set_state(submission, SubmissionState.SUBMITTED, by=chair)
        set_state(submission, SubmissionState.DESK_REJECTED, by=chair, reason="Over length")
    roles = list(OutgoingEmail.objects.order_by("pk").values_list("template_role", flat=True))
    assert roles == [
        "submission.desk_rejected",
        "submission.reinstated",
        "submission.desk_rejected",
    ]
    assert "Out of <b>scope</b>" in mail.outbox[0].body  # plain text, not HTML-escaped
    assert submission.desk_reject_reason == "Over length"


@pytest.mark.django_db
def test_set_state_decision_sends_no_mail(make_submission, chair):
    submission = make_submission()
    set_state(submission, SubmissionState.ACCEPTED, by=chair)
    set_state(submission, SubmissionState.REJECTED, by=chair)
    assert not OutgoingEmail.objects.exists()
    assert submission.state == SubmissionState.REJECTED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (SubmissionState.WITHDRAWN, SubmissionState.SUBMITTED),
        (SubmissionState.WITHDRAWN, SubmissionState.WITHDRAWN),
        (SubmissionState.REJECTED, SubmissionState.WITHDRAWN),
        (SubmissionState.SUBMITTED, SubmissionState.DRAFT),
        (SubmissionState.DRAFT, SubmissionState.ACCEPTED),
        (SubmissionState.DRAFT, SubmissionState.DESK_REJECTED),
    ],
)
@pytest.mark.django_db
def test_set_state_forbidden_transition_refused(make_submission, chair, current, target):
    submission = make_submission(state=current)
    with pytest.raises(TransitionNotAllowed):
        set_state(submission, target, by=chair, reason="x")
    submission.refresh_from_db()
    assert submission.state == current


@pytest.mark.django_db
def test_missing_items_lists_what_a_draft_lacks(call, author_user):
    submission = SubmissionFactory(workshop=call, created_by=author_user, abstract="")
    missing = state.missing_items(submission)
    assert "PDF missing" in missing
    assert "Code of conduct not acknowledged" in missing
    assert "Dual-submission statement not acknowledged" in missing
    assert "Anonymization statement not acknowledged" in missing
    assert "Abstract missing" in missing
    assert "No topic chosen" in missing
    assert "Submission type missing" in missing


@pytest.mark.django_db
def test_missing_items_complete_submission_empty(make_submission):
    assert state.missing_items(make_submission(state=SubmissionState.DRAFT)) == []
