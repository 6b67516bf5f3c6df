"""Queue the review process's e-mails through the outbox; texts in templates/reviews/email/."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from mail.services import queue_email


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def send(
    template: str,
    *,
    workshop,
    recipient: str,
    subject: str,
    key: str,
    context: dict,
    user=None,
):
    body = render_to_string(
        f"reviews/email/{template}.txt", {"workshop": workshop, "site_url": site_url(""), **context}
    )
    return queue_email(
        recipient=recipient,
        subject=f"[{workshop.short_name}] {one_line(subject)}",
        body=body,
        key=key[:255],
        workshop=workshop,
        user=user,
        template_role=f"reviews.{template}",
        reply_to=workshop.contact_email,
    )
