"""Chairs' private tags on papers: add and remove in bulk, each change logged.

Tags go to the workshop's activity log as entries of kind "tag", one per paper: never of kind
"submission", the paper's history its authors read.
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import PaperTag

logger = logging.getLogger("submissions.tags")

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
TAG_HELP = "Up to 40 letters, digits, hyphens or underscores (spaces become hyphens)."


def normalize_tag(text: str) -> str:
    """``"Best paper "`` -> ``"best-paper"``; raises ``ValidationError`` for anything else."""
    name = re.sub(r"\s+", "-", (text or "").strip().lower()).lstrip("#")
    if not TAG_PATTERN.match(name):
        raise ValidationError(f"“{text}” is not a valid tag. {TAG_HELP}")
    return name


def add_tag(submissions, name: str, *, by) -> int:
    """Tag every submission of ``submissions`` (one workshop's); returns how many got it new."""
    name = normalize_tag(name)
    submissions = list(submissions)
    with transaction.atomic():
        have = set(
            PaperTag.objects.filter(submission__in=submissions, name=name).values_list(
                "submission_id", flat=True
            )
        )
        new = [
            PaperTag(workshop_id=s.workshop_id, submission=s, name=name, created_by=by)
            for s in submissions
            if s.pk not in have
        ]
        PaperTag.objects.bulk_create(new)
        _record(new and new[0].workshop_id, [t.submission_id for t in new], name, True, by)
    logger.info("tag %r added to %s by user %s", name, [s.number for s in submissions], by.pk)
    return len(new)


def remove_tag(submissions, name: str, *, by) -> int:
    """Remove the tag from every submission of ``submissions``; returns how many had it."""
    name = normalize_tag(name)
    submissions = list(submissions)
    with transaction.atomic():
        tagged = PaperTag.objects.filter(submission__in=submissions, name=name)
        rows = list(tagged.values_list("workshop_id", "submission_id"))
        removed, _ = tagged.delete()
        _record(rows and rows[0][0], [sid for _, sid in rows], name, False, by)
    logger.info("tag %r removed from %s by user %s", name, [s.number for s in submissions], by.pk)
    return removed


def _record(workshop_id, submission_ids, name: str, added: bool, by) -> None:
    from activity.models import Kind
    from activity.services import record_many

    if not submission_ids:
        return
    record_many(
        workshop=workshop_id,
        rows=[
            {
                "kind": Kind.TAG,
                "action": "tag_added" if added else "tag_removed",
                "actor": by,
                "submission": sid,
                "message": f"Tag “{name}” {'added' if added else 'removed'}",
                "changes": {"tag": (None, name) if added else (name, None)},
            }
            for sid in submission_ids
        ],
    )
