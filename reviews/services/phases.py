"""Moving a workshop's review phase, by a chair or by the calendar."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from activity.models import Kind
from activity.services import record
from workshops.concurrency import bump

from ..enums import Phase
from ..models import ReviewSettings
from ..permissions import forget_settings, reviews_due
from ..phases import is_before


def set_phase(workshop, phase: str, *, by=None) -> ReviewSettings:
    with transaction.atomic():
        settings, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
        before = settings.phase
        settings.phase = Phase(phase)
        settings.save(update_fields=["phase", "updated_at"])
        bump(ReviewSettings, settings.pk)  # a settings page opened before must not undo it
        if before != settings.phase:
            _record_phase(workshop, before, settings.phase, by=by)
    forget_settings(workshop)
    return settings


def _record_phase(workshop, before, after, *, by=None, message=""):
    record(
        workshop=workshop,
        kind=Kind.PHASE,
        action="phase_changed",
        actor=by,
        from_state=before,
        to_state=after,
        message=message
        or f"Review phase: {Phase(before).label if before else '—'} → {Phase(after).label}",
        changes={"phase": (before, after)},
    )


def phase_by_dates(settings, now) -> str:
    """The phase the calendar implies (never past discussion: decisions are a chair's call).

    Reviews due → the author response when enabled and the call has its date (until the last
    response deadline) → discussion."""
    workshop = settings.workshop
    submission = workshop.submission_deadline
    due = reviews_due(workshop)
    if submission is None or now <= submission:
        return Phase.SUBMISSION
    if settings.bidding_closes_at and now <= settings.bidding_closes_at:
        return Phase.BIDDING
    if settings.bidding_closes_at is None and not due:
        return Phase.BIDDING
    if due is None or now <= due:
        return Phase.REVIEWING
    if settings.response_enabled:
        # The author response follows the reviews when the chairs enabled it; the phase stays
        # until the last response deadline (a paper's own extension included) has passed.
        from .responses import latest_deadline

        last = latest_deadline(workshop)
        if last is not None and now <= last:
            return Phase.RESPONSE
    return Phase.DISCUSSION


def advance_by_dates(now=None) -> int:
    """Move forward every workshop whose settings follow the dates; returns how many moved."""
    now = now or timezone.now()
    moved = 0
    for settings in (
        ReviewSettings.objects.filter(follow_dates=True)
        .select_related("workshop")
        .prefetch_related("workshop__dates")
    ):
        target = phase_by_dates(settings, now)
        if is_before(settings.phase, target):
            before = settings.phase
            with transaction.atomic():
                settings.phase = target
                settings.save(update_fields=["phase", "updated_at"])
                bump(ReviewSettings, settings.pk)  # a settings page opened before must not undo it
                _record_phase(
                    settings.workshop,
                    before,
                    target,
                    message=f"Review phase moved by the calendar: "
                    f"{Phase(before).label} → {Phase(target).label}",
                )
            moved += 1
    return moved
