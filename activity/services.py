"""The one door that writes the activity log."""

from __future__ import annotations

import logging

from .models import Entry

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
    entry = Entry.objects.create(
        workshop_id=workshop_id,
        submission=submission,
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
        getattr(submission, "pk", None),
        getattr(entry.actor, "pk", None),
    )
    return entry
