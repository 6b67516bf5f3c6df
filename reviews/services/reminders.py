"""Reminders to reviewers with unsubmitted reviews; each one is sent once (idempotency key)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from mail.models import OutgoingEmail
from submissions.emails import format_in_zone

from ..enums import ReviewState
from ..models import Assignment, ReviewSettings
from ..permissions import REVIEWABLE_STATES, due_date
from .emails import send, site_url

BEFORE = dt.timedelta(days=3)
AFTER = dt.timedelta(days=1)
# A late reminder is sent once, in the week after the due date (not for ancient assignments).
LATE_WINDOW = dt.timedelta(days=7)


def _open_assignments(workshops):
    return (
        Assignment.objects.active()
        .filter(submission__workshop__in=workshops, submission__state__in=REVIEWABLE_STATES)
        .exclude(review__state=ReviewState.SUBMITTED)
        .select_related("reviewer", "submission__workshop")
        .prefetch_related("submission__workshop__dates")
    )


def _remind(assignment, *, kind: str, due, key: str):
    submission = assignment.submission
    workshop = submission.workshop
    late = kind != "before"
    return send(
        "reminder",
        workshop=workshop,
        recipient=assignment.reviewer.email,
        user=assignment.reviewer,
        subject=(
            f"Overdue review: paper #{submission.number}"
            if late
            else f"Reminder: review of paper #{submission.number} due soon"
        ),
        key=key,
        context={
            "reviewer": assignment.reviewer,
            "paper_number": submission.number,
            "paper_title": submission.title,
            "due_text": format_in_zone(due, workshop),
            "late": late,
            "url": site_url(
                reverse("reviews:review_edit", args=[workshop.slug, submission.number])
            ),
        },
    )


def send_due_reminders(*, now=None) -> int:
    """3 days before and 1 day after the due date, for every workshop in a reviewing phase.

    Returns the number of reminders queued by this run (one already sent is not counted)."""
    now = now or timezone.now()
    workshops = [
        s.workshop_id
        for s in ReviewSettings.objects.all().only("workshop_id", "phase")
        if s.flags.can_review
    ]
    sent = 0
    for assignment in _open_assignments(workshops):
        due = due_date(assignment, assignment.submission.workshop)
        if due is None:
            continue
        if due - BEFORE <= now < due:
            kind = "before"
        elif due + AFTER <= now < due + AFTER + LATE_WINDOW:
            kind = "after"
        else:
            continue
        key = f"review-reminder:{assignment.pk}:{kind}:{due:%Y%m%d}"
        if OutgoingEmail.objects.filter(idempotency_key=key).exists():
            continue
        _remind(assignment, kind=kind, due=due, key=key)
        sent += 1
    return sent


def late_assignments(workshop, *, now=None):
    now = now or timezone.now()
    return [
        a
        for a in _open_assignments([workshop.pk])
        if (due := due_date(a, a.submission.workshop)) is not None and due < now
    ]


def remind_late_reviewers(*, workshop, by=None, now=None) -> int:
    """A chair's button: remind every late reviewer now (at most once a day per assignment)."""
    now = now or timezone.now()
    late = late_assignments(workshop, now=now)
    for assignment in late:
        due = due_date(assignment, workshop)
        _remind(
            assignment,
            kind="manual",
            due=due,
            key=f"review-reminder:{assignment.pk}:manual:{now:%Y%m%d}",
        )
    return len(late)
