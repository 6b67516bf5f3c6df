"""Reminders to the authors of unfinished drafts before their deadline.

A reminder is an outbox row keyed ``draft-reminder:<submission>:<deadline iso>:<window>:<email>``:
a rerun of the periodic task queues nothing new, and an extended deadline (a new ISO
timestamp) allows a fresh reminder for the new deadline.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Coalesce

from workshops.enums import DateKind

from ..enums import SubmissionState
from . import deadlines

# Windows, the narrowest first: a draft within an hour of its deadline gets the "1h" reminder.
WINDOWS = (("1h", dt.timedelta(hours=1)), ("24h", dt.timedelta(hours=24)))
WIDEST = max(delta for _label, delta in WINDOWS)


def window_for(deadline: dt.datetime, now: dt.datetime) -> str | None:
    left = deadline - now
    if left <= dt.timedelta(0):
        return None
    for label, delta in WINDOWS:
        if left <= delta:
            return label
    return None


def reminder_key(submission, deadline: dt.datetime, window: str) -> str:
    # send_to_authors appends ":<email>"
    return f"draft-reminder:{submission.pk}:{deadline.isoformat()}:{window}"


def drafts_due(now: dt.datetime):
    """Drafts whose call deadline or own override falls within the widest window."""
    from workshops.models import ImportantDate

    from ..models import Submission

    workshop_ids = (
        ImportantDate.objects.filter(kind=DateKind.PAPER_SUBMISSION)
        .annotate(effective=Coalesce("extended_at", "original_at"))
        .filter(effective__gt=now, effective__lte=now + WIDEST)
        .values("workshop_id")
    )
    return Submission.objects.filter(state=SubmissionState.DRAFT).filter(
        Q(workshop_id__in=workshop_ids)
        | Q(deadline_override__gt=now, deadline_override__lte=now + WIDEST)
    )


def send_draft_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders due now; returns the number of drafts reminded."""
    from ..emails import send_to_authors

    now = now or deadlines.now()
    count = 0
    for submission in drafts_due(now).for_lists():
        deadline = deadlines.submission_deadline(submission)
        window = window_for(deadline, now) if deadline else None
        if window is None:
            continue
        send_to_authors(
            submission,
            "draft_reminder",
            key=reminder_key(submission, deadline, window),
            extra={"window": "1 hour" if window == "1h" else "24 hours"},
        )
        count += 1
    return count
