"""The one door that changes a workshop's program: sessions, their slots, publication.

Every change runs in one transaction that first locks the workshop's ``Program`` row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), so two chairs
saving sessions at the same moment cannot both pass the overlap check. Edits of an existing
session are checked against the version its page showed (``workshops.concurrency.claim``);
a refused or invalid save writes nothing. Each change is recorded in the activity log
(kind "program"); a change about one paper gets its own entry with ``submission`` set, so a
chair with a conflict never reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.models import Kind
from activity.services import record
from publication.accepted import accepted_submissions
from workshops.concurrency import EditConflict, claim, conflict_with
from workshops.enums import DateKind

from .models import Program, Session, Slot


@dataclass
class SlotInput:
    """One row of a session's slots as typed: a paper, or a titled item, with a duration."""

    submission: object | None = None  # a Submission
    title: str = ""
    duration_minutes: int | None = None
    order: int = 0
    pk: int | None = None  # the slot it edits; None for a new slot


@dataclass
class SessionInput:
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str = ""
    description: str = ""
    people: list = field(default_factory=list)


# --- Reading ------------------------------------------------------------------------------


def program_of(workshop) -> Program:
    """The workshop's program row, created (unpublished) on first use."""
    try:
        return Program.objects.get_or_create(workshop=workshop)[0]
    except IntegrityError:  # created by a concurrent request in between
        return Program.objects.get(workshop=workshop)


def workshop_day(workshop) -> dt.date | None:
    """The local date of the workshop (its ``WORKSHOP_DAY`` date, in the workshop's zone)."""
    for date in workshop.dates.all():
        if date.kind == DateKind.WORKSHOP_DAY and date.effective_at is not None:
            return timezone.localtime(date.effective_at, workshop.tzinfo).date()
    return None


def same_room(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def local(value: dt.datetime, workshop) -> dt.datetime:
    return timezone.localtime(value, workshop.tzinfo)


def span(session_or_input, workshop) -> str:
    start, end = (
        local(session_or_input.starts_at, workshop),
        local(session_or_input.ends_at, workshop),
    )
    return f"{start:%H:%M}–{end:%H:%M}"


# --- Validation ---------------------------------------------------------------------------


def _errors(
    workshop, data: SessionInput, slots: list[SlotInput], *, session=None, kept_minutes: int = 0
) -> list[str]:
    """Every reason the session cannot be saved as typed (empty: it can).

    ``slots`` are the rows the editor typed: only their papers are checked (accepted, placed
    once). ``kept_minutes`` is the length of the slots kept unseen (a paper the editor is
    conflicted with): they count for the session's length, but are never named."""
    errors = []
    if data.ends_at <= data.starts_at:
        return ["The session must end after it starts."]
    day = workshop_day(workshop)
    if day is None:
        errors.append(
            "The workshop has no workshop day yet: add the “Workshop” date in the call’s "
            "Dates section, then place sessions on that day."
        )
    else:
        start, end = local(data.starts_at, workshop), local(data.ends_at, workshop)
        day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), workshop.tzinfo)
        if start.date() != day or end > day_end:
            errors.append(
                f"The session falls outside the workshop day ({day:%A %d %B %Y}, "
                f"{workshop.timezone_label}): it runs from {start:%d %B %H:%M} to "
                f"{end:%d %B %H:%M}."
            )
    others = Session.objects.filter(workshop=workshop).exclude(pk=getattr(session, "pk", None))
    for other in others:
        if (
            same_room(other.room, data.room)
            and other.starts_at < data.ends_at
            and data.starts_at < other.ends_at
        ):
            where = (
                f"room “{data.room.strip()}”" if data.room.strip() else "the same room (none given)"
            )
            errors.append(
                f"The session overlaps “{other.title}” ({span(other, workshop)}) in {where}. "
                "Move one of them or put it in another room."
            )
    length = int((data.ends_at - data.starts_at).total_seconds() // 60)
    total = sum(s.duration_minutes or 0 for s in slots) + kept_minutes
    if total > length:
        errors.append(
            f"The slots last {total} minutes in all, longer than the session ({length} minutes)."
        )
    papers = [s.submission for s in slots if s.submission is not None]
    accepted = set(
        accepted_submissions(workshop)
        .filter(pk__in=[p.pk for p in papers])
        .values_list("pk", flat=True)
    )
    seen = set()
    for paper in papers:
        if paper.pk not in accepted:
            errors.append(
                f"Paper #{paper.number} is not an accepted paper with a released decision: "
                "only those can be placed in the program."
            )
        if paper.pk in seen:
            errors.append(f"Paper #{paper.number} is placed twice in this session.")
        seen.add(paper.pk)
    elsewhere = Slot.objects.none()
    if papers:
        elsewhere = Slot.objects.filter(
            session__workshop=workshop, submission__in=[p.pk for p in papers]
        ).select_related("session", "submission")
        if session is not None:
            elsewhere = elsewhere.exclude(session=session)
    for slot in elsewhere:
        errors.append(
            f"Paper #{slot.submission.number} is already in the session “{slot.session.title}”: "
            "a paper is placed once in the program."
        )
    return errors


def _lock_program(workshop) -> Program:
    program = program_of(workshop)
    return Program.objects.select_for_update().get(pk=program.pk)


# --- Changing -----------------------------------------------------------------------------


def save_session(
    workshop,
    data: SessionInput,
    slots: list[SlotInput],
    *,
    by,
    session: Session | None = None,
    version: int | None = None,
    shown_slot_ids: set[int] | None = None,
) -> Session:
    """Create ``session`` (None) or change it, with its slots, all or nothing.

    ``slots`` are the rows the editor saw and typed; existing slots the editor was not shown
    (``shown_slot_ids`` leaves them out: a paper the chair is conflicted with) are kept as
    they are and still count for the durations (never checked, never named). Raises
    ``EditConflict`` when the session was saved since ``version``, ``ValidationError`` (every
    message) when the session cannot be placed."""
    with transaction.atomic():
        _lock_program(workshop)
        before = None
        if session is not None:
            if claim(Session, session.pk, version) is None:
                raise conflict_with(
                    Session.objects.filter(pk=session.pk).first(),
                    "This session was changed by someone else (or in another tab) after you "
                    "opened this page: nothing of your changes was saved.",
                )
            before = Session.objects.get(pk=session.pk)
            existing = list(before.slots.select_related("submission"))
        else:
            existing = []
        shown = set(s.pk for s in existing) if shown_slot_ids is None else set(shown_slot_ids)
        kept = [s for s in existing if s.pk not in shown]
        by_pk = {s.pk: s for s in existing if s.pk in shown}
        typed = [s for s in slots if s.pk is None or s.pk in by_pk]
        # The kept slots are not the editor's to check: a kept paper whose decision changed
        # since must not be named (nor block the save) to a chair conflicted with it.
        errors = _errors(
            workshop,
            data,
            typed,
            session=before,
            kept_minutes=sum(s.duration_minutes or 0 for s in kept),
        )
        if errors:
            raise ValidationError(errors)

        target = before or Session(workshop=workshop)
        moved = before is not None and (
            before.starts_at != data.starts_at
            or before.ends_at != data.ends_at
            or before.room.strip() != data.room.strip()
        )
        changes = {}
        for name in ("kind", "title", "starts_at", "ends_at", "room", "description"):
            old = getattr(before, name) if before else None
            new = getattr(data, name)
            if old != new:
                changes[name] = (old, new)
            setattr(target, name, new)
        if moved:
            target.sequence += 1
        target.save()
        old_people = sorted(p.name for p in before.people.all()) if before else []
        target.people.set(data.people)
        new_people = sorted(p.name for p in data.people)
        if old_people != new_people:
            changes["people"] = (old_people, new_people)

        _save_slots(workshop, target, typed, by_pk, by=by)
        record(
            workshop=workshop,
            kind=Kind.PROGRAM,
            action="session_changed" if before else "session_created",
            actor=by,
            message=f"Session “{target.title}” {'changed' if before else 'added'}"
            f"{' (time or room moved)' if moved else ''}.",
            changes=changes,
        )
        return target


def _save_slots(workshop, session, typed: list[SlotInput], by_pk: dict, *, by) -> None:
    """Write the typed slots over the shown ones; one log entry per paper that changed."""
    typed_pks = {s.pk for s in typed if s.pk is not None}
    for pk, slot in by_pk.items():
        if pk not in typed_pks:
            if slot.submission is not None:
                _paper_entry(workshop, session, slot.submission, "slot_removed", by=by)
            slot.delete()
    for row in typed:
        slot = by_pk.get(row.pk) if row.pk is not None else None
        if slot is None:
            slot = Slot(session=session)
            old = None
        else:
            old = (slot.submission_id, slot.title, slot.duration_minutes, slot.order)
        if slot.submission is not None and (
            row.submission is None or row.submission.pk != slot.submission_id
        ):
            _paper_entry(workshop, session, slot.submission, "slot_removed", by=by)
        slot.submission = row.submission
        slot.title = row.title
        slot.duration_minutes = row.duration_minutes
        slot.order = row.order
        new = (slot.submission_id, slot.title, slot.duration_minutes, slot.order)
        if new == old:
            continue
        slot.save()
        if row.submission is not None:
            added = old is None or old[0] != row.submission.pk
            _paper_entry(
                workshop,
                session,
                row.submission,
                "slot_added" if added else "slot_changed",
                by=by,
                changes={}
                if added
                else {
                    k: (o, n)
                    for k, o, n in zip(("duration_minutes", "order"), old[2:], new[2:], strict=True)
                    if o != n
                },
            )


def _paper_entry(workshop, session, paper, action, *, by, changes=None) -> None:
    verb = {
        "slot_added": "placed in",
        "slot_removed": "taken out of",
        "slot_changed": "moved within",
    }[action]
    record(
        workshop=workshop,
        kind=Kind.PROGRAM,
        action=action,
        actor=by,
        submission=paper,
        message=f"Paper #{paper.number} {verb} the session “{session.title}”.",
        changes=changes or {},
    )


def delete_session(workshop, session: Session, *, by, version: int | None = None) -> None:
    """Remove a session and its slots (the papers go back to the unplaced list)."""
    with transaction.atomic():
        _lock_program(workshop)
        if claim(Session, session.pk, version) is None:
            raise conflict_with(
                Session.objects.filter(pk=session.pk).first(),
                "This session was changed by someone else after you opened this page: "
                "it was not deleted.",
            )
        current = Session.objects.get(pk=session.pk)
        for slot in current.slots.select_related("submission"):
            if slot.submission is not None:
                _paper_entry(workshop, current, slot.submission, "slot_removed", by=by)
        record(
            workshop=workshop,
            kind=Kind.PROGRAM,
            action="session_deleted",
            actor=by,
            message=f"Session “{current.title}” deleted.",
            changes={"title": (current.title, None)},
        )
        current.delete()


def set_published(workshop, publish: bool, *, by, version: int | None = None) -> Program:
    """Publish (or withdraw) the program: its public page, section and calendar feed."""
    with transaction.atomic():
        program = _lock_program(workshop)
        if claim(Program, program.pk, version) is None:
            raise EditConflict(
                "The program was published or withdrawn by someone else after you opened "
                "this page: nothing was changed.",
                version=Program.objects.get(pk=program.pk).version,
            )
        program.refresh_from_db()
        before = program.published_at
        if publish and before is None:
            program.published_at = timezone.now()
        elif not publish:
            program.published_at = None
        if program.published_at != before:
            program.save(update_fields=["published_at", "updated_at"])
            record(
                workshop=workshop,
                kind=Kind.PROGRAM,
                action="published" if publish else "unpublished",
                actor=by,
                message="Program published." if publish else "Program withdrawn from the public.",
                changes={"published_at": (before, program.published_at)},
            )
        return program
