"""Chairs' private tags on papers: add and remove in bulk, each change logged.

Tags are not written to the submission's activity log (authors read that log); the change is
logged on the ``submissions.tags`` logger instead.
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
    logger.info("tag %r added to %s by user %s", name, [s.number for s in submissions], by.pk)
    return len(new)


def remove_tag(submissions, name: str, *, by) -> int:
    """Remove the tag from every submission of ``submissions``; returns how many had it."""
    name = normalize_tag(name)
    submissions = list(submissions)
    removed, _ = PaperTag.objects.filter(submission__in=submissions, name=name).delete()
    logger.info("tag %r removed from %s by user %s", name, [s.number for s in submissions], by.pk)
    return removed
