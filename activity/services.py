"""The one door that writes the activity log."""

from __future__ import annotations

import logging

from workshops.page_cache import invalidate

from .models import Entry, Kind

logger = logging.getLogger("activity")


def _plain(value):
    """A JSON-safe form of a before/after value (dates, model instances, choices)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def record(
    *,
    workshop,
    kind: str,
    action: str,
    actor=None,
    submission=None,
    message: str = "",
    changes: dict | None = None,
    from_state: str = "",
    to_state: str = "",
) -> Entry:
    """Record one change. ``changes`` maps a field to ``(before, after)``.

    Call it inside the transaction that makes the change, so the entry and the change commit
    (or roll back) together. ``submission`` must be set whenever the change is about one paper.
    """
    workshop_id = getattr(workshop, "pk", workshop)
    # The public pages show the workshop as it is now; a change about one paper does not show
    # on the list of calls, and a sent e-mail shows on no public page.
    if kind != Kind.MAIL:
        invalidate(workshop_id, index=submission is None)
    entry = Entry.objects.create(
        workshop_id=workshop_id,
        submission_id=getattr(submission, "pk", submission),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        message=message,
        changes={k: _plain(list(v)) for k, v in (changes or {}).items()},
    )
    logger.info(
        "activity workshop=%s kind=%s action=%s submission=%s actor=%s",
        workshop_id,
        kind,
        action,
        entry.submission_id,
        getattr(entry.actor, "pk", None),
    )
    return entry


def record_many(*, workshop, rows: list[dict]) -> list[Entry]:
    """Record several entries in one insert (e.g. one per paper of an automatic run). Each row
    takes ``record``'s keyword arguments but ``workshop``."""
    workshop_id = getattr(workshop, "pk", workshop)
    entries = []
    for row in rows:
        actor = row.get("actor")
        submission = row.get("submission")
        entries.append(
            Entry(
                workshop_id=workshop_id,
                submission_id=getattr(submission, "pk", submission),
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                kind=row["kind"],
                action=row["action"],
                from_state=row.get("from_state") or "",
                to_state=row.get("to_state") or "",
                message=row.get("message", ""),
                changes={k: _plain(list(v)) for k, v in (row.get("changes") or {}).items()},
            )
        )
    if entries:
        changes = [e for e in entries if e.kind != Kind.MAIL]
        if changes:
            invalidate(workshop_id, index=any(e.submission_id is None for e in changes))
        Entry.objects.bulk_create(entries)
        logger.info("activity workshop=%s entries=%s", workshop_id, len(entries))
    return entries


def name_of(user) -> str:
    """How a person is named in the log (chairs read it): name, else address."""
    if user is None:
        return ""
    return getattr(user, "full_name", "") or getattr(user, "email", "") or str(user)


def changed(before: dict, after: dict) -> dict:
    """``{field: (before, after)}`` for the fields whose value differs."""
    return {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}
