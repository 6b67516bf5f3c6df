"""Reminders to the authors of accepted papers whose camera-ready is incomplete
(``camera_ready.missing_q``: the same rule as the chairs' table and the messaging group).

- A chair's one click: keyed ``camera-remind:<reminder id>:<paper>:<email>``, the reminder id
  fixed when the chairs' page was rendered, so a double click or a resent form mails nobody
  twice, while the next click from a fresh page is a new reminder.
- Beat, before the deadline: keyed ``camera-due:<paper>:<deadline iso>:<window>:<email>``, one
  reminder per paper and window (7 days, 1 day); a later deadline allows fresh ones.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string

from activity.models import Kind
from activity.services import record
from mail.services import queue_email
from submissions.emails import _site_url
from submissions.permissions import managed_by
from submissions.services import deadlines
from workshops.enums import DateKind

from .camera_ready import (
    camera_ready_deadline,
    camera_ready_url,
    format_deadline,
    missing_items,
    missing_papers,
    settings_of,
)

# Windows, the narrowest first: a paper a day from its deadline gets the "1d" reminder.
WINDOWS = (("1d", dt.timedelta(days=1)), ("7d", dt.timedelta(days=7)))
WIDEST = max(delta for _label, delta in WINDOWS)
WINDOW_TEXT = {"1d": "1 day", "7d": "7 days"}


def window_for(deadline: dt.datetime, now: dt.datetime) -> str | None:
    left = deadline - now
    if left <= dt.timedelta(0):
        return None
    for label, delta in WINDOWS:
        if left <= delta:
            return label
    return None


def _send(submission, *, key: str, settings, intro: str) -> int:
    workshop = submission.workshop
    deadline = camera_ready_deadline(submission)
    items = missing_items(submission, settings)
    count = 0
    for author in submission.ordered_authors:
        queue_email(
            recipient=author.email,
            subject=f"[{workshop.short_name}] Camera-ready of paper #{submission.number}: "
            f"{', '.join(items) or 'reminder'}",
            body=render_to_string(
                "publication/email/camera_reminder.txt",
                {
                    "submission": submission,
                    "workshop": workshop,
                    "recipient": author,
                    "intro": intro,
                    "items": items,
                    "deadline_text": format_deadline(deadline, workshop),
                    "url": _site_url(camera_ready_url(submission)),
                },
            ),
            key=f"{key}:{author.email.lower()}"[:255],
            workshop=workshop,
            user=author.user,
            template_role="publication.camera_reminder",
            reply_to=workshop.contact_email,
        )
        count += 1
    return count


def valid_reminder_id(value: str) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError):
        return None


def remind_missing(workshop, *, by, reminder_id: str) -> tuple[int, int]:
    """Queue the chair's reminder to every paper they manage whose camera-ready is incomplete.

    Returns (papers, e-mails). Papers the chair may not see (conflicts) are left out."""
    from submissions.models import Submission

    reminder = valid_reminder_id(reminder_id)
    if reminder is None:
        raise ValueError("Reload the page and click again: the reminder had no id.")
    settings = settings_of(workshop)
    managed = managed_by(by, Submission.objects.filter(workshop=workshop))
    papers = list(
        missing_papers(workshop, managed)
        .select_related("workshop")
        .prefetch_related("workshop__dates", "terms_acceptances")
    )
    mails = 0
    with transaction.atomic():
        for paper in papers:
            mails += _send(
                paper,
                key=f"camera-remind:{reminder}:{paper.pk}",
                settings=settings,
                intro="The chairs remind you that the camera-ready of your paper is incomplete.",
            )
            record(
                workshop=workshop,
                kind=Kind.CAMERA_READY,
                action="reminded",
                actor=by,
                submission=paper,
                message=f"Camera-ready reminder {reminder[:8]} sent",
            )
    return len(papers), mails


def papers_due(now: dt.datetime):
    """Accepted papers whose camera-ready deadline (workshop or own) falls in the widest
    window."""
    from workshops.models import ImportantDate

    from ..accepted import accepted_submissions

    workshop_ids = (
        ImportantDate.objects.filter(kind=DateKind.CAMERA_READY)
        .annotate(effective=Coalesce("extended_at", "original_at"))
        .filter(effective__gt=now, effective__lte=now + WIDEST)
        .values("workshop_id")
    )
    from submissions.models import Submission

    candidates = Submission.objects.filter(
        Q(workshop_id__in=workshop_ids)
        | Q(
            camera_ready__deadline_override__gt=now,
            camera_ready__deadline_override__lte=now + WIDEST,
        )
    )
    by_workshop = {}
    for paper in candidates.select_related("workshop"):
        by_workshop.setdefault(paper.workshop_id, paper.workshop)
    for workshop in by_workshop.values():
        yield from (
            accepted_submissions(workshop)
            .filter(pk__in=candidates.values("pk"))
            .filter(pk__in=missing_papers(workshop).values("pk"))
            .select_related("workshop")
            .prefetch_related("workshop__dates", "terms_acceptances")
        )


def send_deadline_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders due now; returns the number of papers reminded (this run)."""
    from mail.models import OutgoingEmail

    now = now or deadlines.now()
    count = 0
    for paper in papers_due(now):
        deadline = camera_ready_deadline(paper)
        window = window_for(deadline, now) if deadline else None
        if window is None:
            continue
        key = f"camera-due:{paper.pk}:{deadline.isoformat()}:{window}"
        if OutgoingEmail.objects.filter(idempotency_key__startswith=key + ":").exists():
            continue
        with transaction.atomic():
            _send(
                paper,
                key=key,
                settings=settings_of(paper.workshop),
                intro=f"The camera-ready deadline of your paper is in less than "
                f"{WINDOW_TEXT[window]}, and its camera-ready is incomplete.",
            )
            record(
                workshop=paper.workshop,
                kind=Kind.CAMERA_READY,
                action="reminded",
                submission=paper,
                message=f"Automatic camera-ready reminder ({WINDOW_TEXT[window]} before)",
            )
        count += 1
    return count
