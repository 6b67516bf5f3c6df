"""The log's entry for an e-mail the outbox delivered (kind "mail").

An outbox row has no paper of its own: the paper is read from its idempotency key, whose
formats the services fix (``submission:<id>:…``, ``decision:<release>:<id>:…``,
``assignment:<id>:…`` and so on). An entry that names the paper carries the subject; a row
that cannot be tied to a paper is logged with its recipient and kind of message only, never
its subject (which might name a paper a conflicted chair must not read about).
"""

from __future__ import annotations

import re

from .models import Kind
from .services import record

# key pattern → what the number names
_PAPER_KEYS = (
    (re.compile(r"^submission:(\d+):"), "submission"),
    (re.compile(r"^draft-reminder:(\d+):"), "submission"),
    (re.compile(r"^decision:\d+:(\d+):"), "submission"),
    (re.compile(r"^decision-correction:(\d+):"), "submission"),
    (re.compile(r"^group:[^:]+:(\d+):"), "submission"),
    (re.compile(r"^assignment:(\d+)(?::|$)"), "assignment"),
    (re.compile(r"^review-reminder:(\d+):"), "assignment"),
    (re.compile(r"^comment:(\d+):"), "comment"),
)


def paper_of(email) -> int | None:
    """The id of the paper ``email`` is about, when its key says so and the paper belongs to
    the e-mail's workshop; else None. At most one query."""
    from submissions.models import Submission

    key = email.idempotency_key or ""
    for pattern, what in _PAPER_KEYS:
        match = pattern.match(key)
        if match is None:
            continue
        number = int(match.group(1))
        papers = Submission.objects.filter(workshop_id=email.workshop_id)
        if what == "submission":
            papers = papers.filter(pk=number)
        elif what == "assignment":
            papers = papers.filter(assignments__pk=number)
        else:
            from reviews.models import Comment

            papers = papers.filter(pk__in=Comment.objects.filter(pk=number).values("submission_id"))
        return papers.values_list("pk", flat=True).first()
    return None


def record_sent(email) -> None:
    """Record that ``email`` went out (call it in the transaction that marks it sent)."""
    if not email.workshop_id:
        return
    paper = paper_of(email)
    role = email.template_role or "e-mail"
    if paper is not None:
        message = f"E-mail sent to {email.recipient} ({role}): {email.subject}"
    else:
        message = f"E-mail sent to {email.recipient} ({role})"
    record(
        workshop=email.workshop_id,
        kind=Kind.MAIL,
        action="sent",
        submission=paper,
        message=message,
    )
