import datetime as dt

import pytest
from django.core import mail

from mail.models import OutgoingEmail
from submissions.enums import SubmissionState
from submissions.services.reminders import send_draft_reminders
from submissions.tasks import send_draft_reminders as task
from workshops.enums import DateKind

CO = {"name": "Charles Babbage", "email": "charles@engine.example"}


def reminder_keys():
    return sorted(
        OutgoingEmail.objects.filter(template_role="submission.draft_reminder").values_list(
            "idempotency_key", flat=True
        )
    )


@pytest.mark.django_db
def test_reminders_24h_and_1h_once_each(
    make_submission, deadline, django_capture_on_commit_callbacks
):
    draft = make_submission(state=SubmissionState.DRAFT, co_authors=[CO])
    make_submission()  # submitted: never reminded
    with django_capture_on_commit_callbacks(execute=True):
        assert send_draft_reminders(now=deadline - dt.timedelta(hours=30)) == 0
        send_draft_reminders(now=deadline - dt.timedelta(hours=23))
        send_draft_reminders(now=deadline - dt.timedelta(hours=22))  # rerun: nothing new
        send_draft_reminders(now=deadline - dt.timedelta(minutes=50))
        send_draft_reminders(now=deadline - dt.timedelta(minutes=10))
        send_draft_reminders(now=deadline + dt.timedelta(minutes=10))  # closed
    iso = deadline.isoformat()
    assert reminder_keys() == [
        f"draft-reminder:{draft.pk}:{iso}:1h:ada@analytical.example",
        f"draft-reminder:{draft.pk}:{iso}:1h:charles@engine.example",
        f"draft-reminder:{draft.pk}:{iso}:24h:ada@analytical.example",
        f"draft-reminder:{draft.pk}:{iso}:24h:charles@engine.example",
    ]
    assert len(mail.outbox) == 4
    assert "still a draft" in mail.outbox[0].subject


@pytest.mark.django_db
def test_reminders_new_deadline_allows_new_reminder(make_submission, call, deadline):
    draft = make_submission(state=SubmissionState.DRAFT)
    send_draft_reminders(now=deadline - dt.timedelta(hours=2))
    date = call.dates.get(kind=DateKind.PAPER_SUBMISSION)
    date.extended_at = deadline + dt.timedelta(days=2)
    date.save()
    send_draft_reminders(now=date.extended_at - dt.timedelta(hours=3))
    assert reminder_keys() == [
        f"draft-reminder:{draft.pk}:{deadline.isoformat()}:24h:ada@analytical.example",
        f"draft-reminder:{draft.pk}:{date.extended_at.isoformat()}:24h:ada@analytical.example",
    ]


@pytest.mark.django_db
def test_reminders_follow_chair_override(make_submission, deadline):
    favoured = make_submission(
        state=SubmissionState.DRAFT, deadline_override=deadline + dt.timedelta(days=3)
    )
    send_draft_reminders(now=deadline - dt.timedelta(hours=2))
    assert reminder_keys() == []
    send_draft_reminders(now=favoured.deadline_override - dt.timedelta(minutes=30))
    assert len(reminder_keys()) == 1


@pytest.mark.django_db
def test_reminder_task_runs_eagerly(make_submission, frozen_now, deadline):
    make_submission(state=SubmissionState.DRAFT)
    frozen_now(deadline - dt.timedelta(hours=5))
    task.delay()
    assert len(reminder_keys()) == 1


def test_beat_schedule_registered():
    from config.celery import app

    app.loader.import_default_modules()
    app.finalize()
    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "submissions.send_draft_reminders" in entries
