"""The e-mails of the submission process, written to the outbox (``mail.services.queue_email``).

Each message names its event in the idempotency key, so a retried request or task never mails
anyone twice, while a later distinct event (the next update, a new deadline) gets its own key.
Texts live in ``templates/submissions/email/<event>.txt``.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from mail.services import queue_email

from .services import deadlines

SUBJECTS = {
    "submitted": "Submission #{number} received: {title}",
    "updated": "Submission #{number} updated: {title}",
    "withdrawn": "Submission #{number} withdrawn: {title}",
    "desk_rejected": "Submission #{number} desk rejected: {title}",
    "reinstated": "Submission #{number} reinstated: {title}",
    "coauthor_added": "You are listed as an author of submission #{number}: {title}",
    "author_removed": "You were removed from the authors of submission #{number}: {title}",
    "draft_reminder": "Reminder: submission #{number} is still a draft ({window} left)",
    "deadline_extended": "New deadline for submission #{number}: {title}",
}


def format_in_zone(value, workshop) -> str:
    """ "Saturday 28 February 2026, 23:59 AoE (UTC−12)": the wall-clock time in the workshop's
    zone (template date filters would convert to the server's zone)."""
    if value is None:
        return ""
    local = deadlines.in_workshop_zone(value, workshop)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} {workshop.timezone_label}"


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def send_to_authors(
    submission, event: str, *, key: str, authors=None, extra: dict | None = None
) -> list:
    """Queue the ``event`` e-mail to each author (or to ``authors``); ``key`` names the event.

    The recipient's address is appended to ``key``: ``"<key>:<email>"``.
    """
    workshop = submission.workshop
    authors = list(authors if authors is not None else submission.ordered_authors)
    deadline = deadlines.submission_deadline(submission)
    context = {
        "submission": submission,
        "workshop": workshop,
        "url": _site_url(submission.get_absolute_url()),
        "dashboard_url": _site_url("/submissions/"),
        "authors": submission.ordered_authors,
        "deadline": deadline,
        "deadline_text": format_in_zone(deadline, workshop),
        "paper": submission.current_paper,
        **(extra or {}),
    }
    subject_fields = {
        "number": submission.number,
        "title": _one_line(submission.title),
        **{k: v for k, v in (extra or {}).items() if isinstance(v, str)},
    }
    subject = f"[{workshop.short_name}] " + SUBJECTS[event].format(**subject_fields)
    queued = []
    for author in authors:
        body = render_to_string(f"submissions/email/{event}.txt", {**context, "recipient": author})
        queued.append(
            queue_email(
                recipient=author.email,
                subject=subject,
                body=body,
                key=f"{key}:{author.email.lower()}"[:255],
                workshop=workshop,
                user=author.user,
                template_role=f"submission.{event}",
                reply_to=workshop.contact_email,
            )
        )
    return queued
