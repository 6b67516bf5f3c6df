"""Every deadline rule of the submission process, in one place.

Times are stored in UTC and compared as aware datetimes, so enforcement is exact whatever the
workshop's zone; the zone (AoE by default) only decides how a deadline is *shown*. Each function
takes an optional ``now`` so tests can pin the clock; without it, :func:`now` is used (tests may
also monkeypatch ``submissions.services.deadlines.now``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def _now(value: dt.datetime | None) -> dt.datetime:
    return value if value is not None else now()


def paper_deadline(workshop) -> dt.datetime | None:
    """The paper submission deadline of the call, extension included."""
    return workshop.submission_deadline


def abstract_deadline(workshop) -> dt.datetime | None:
    """The abstract registration deadline, extension included, when the call has one."""
    return workshop.abstract_deadline


def creation_deadline(workshop) -> dt.datetime | None:
    """Until when a *new* submission may be started: the abstract deadline when there is one."""
    return workshop.creation_deadline


def submission_deadline(submission) -> dt.datetime | None:
    """The deadline of one submission: the call's, or the later one a chair granted it."""
    paper = paper_deadline(submission.workshop)
    override = submission.deadline_override
    if override and (paper is None or override > paper):
        return override
    return paper


def override_error(workshop, value: dt.datetime, *, now: dt.datetime | None = None) -> str | None:
    """Why ``value`` cannot be a submission's own deadline, or None: it must be later than the
    call's paper deadline (an earlier one would change nothing) and not in the past."""
    call_deadline = paper_deadline(workshop)
    if call_deadline is not None and value <= call_deadline:
        local = in_workshop_zone(call_deadline, workshop)
        return (
            "A submission’s own deadline must be later than the call’s paper deadline "
            f"({local:%Y-%m-%d %H:%M} {workshop.timezone_label}); to go back to the call’s "
            "deadline, tick “Remove the override”."
        )
    if value <= _now(now):
        return "That date is already in the past: choose a later one."
    return None


def can_create(workshop, *, now: dt.datetime | None = None) -> bool:
    """Whether a new submission may be started now (published call, before the deadline)."""
    return workshop.accepts_new_submissions(_now(now))


def is_open(submission, *, now: dt.datetime | None = None) -> bool:
    """Whether the authors may still change the paper (edits, new PDF, submitting a draft)."""
    deadline = submission_deadline(submission)
    return bool(deadline and _now(now) <= deadline)


def time_left(deadline: dt.datetime | None, *, now: dt.datetime | None = None):
    """The time until ``deadline`` (a timedelta, negative once passed) or None."""
    if deadline is None:
        return None
    return deadline - _now(now)


def in_workshop_zone(value: dt.datetime | None, workshop) -> dt.datetime | None:
    return value.astimezone(workshop.tzinfo) if value else None
