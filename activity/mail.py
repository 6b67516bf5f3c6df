"""The log's entry for an e-mail the outbox delivered (kind "mail").

An outbox row has no paper of its own: the paper is read from its idempotency key, whose
formats the services fix (``submission:<id>:…``, ``decision:<release>:<id>:…``,
``assignment:<id>:…`` and so on). Every key prefix the code uses is in ``_PAPER_KEYS`` (tied
to a paper) or in ``OTHER_KEY_PREFIXES`` (about no paper): a test scans the source for key
formats and fails on a prefix in neither, so a new kind of e-mail cannot slip through
untied. An entry that names the paper carries the subject; a row
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
    (re.compile(r"^area-chair-assignment:(\d+)(?::|$)"), "area_chair_assignment"),
    (re.compile(r"^review-reminder:(\d+):"), "assignment"),
    (re.compile(r"^comment:(\d+):"), "comment"),
    (re.compile(r"^emergency-request:(\d+):"), "submission"),
    (re.compile(r"^response:(\d+):"), "submission"),  # the author response arrived
    # camera-ready (publication/services/reminders.py and camera_ready.py)
    (re.compile(r"^camera-remind:[^:]+:(\d+):"), "submission"),  # <reminder uuid>:<paper>:
    (re.compile(r"^camera-due:(\d+):"), "submission"),
    (re.compile(r"^camera-deadline:(\d+):"), "submission"),
    (re.compile(r"^accepted-withdrawn:(\d+):"), "submission"),
)

# The key prefixes ``_PAPER_KEYS`` ties to a paper (the text before the first colon).
PAPER_KEY_PREFIXES = frozenset(p.pattern[1:].split(":", 1)[0] for p, _ in _PAPER_KEYS)

# The key prefixes of e-mails (and other idempotency keys) about no paper, and why.
OTHER_KEY_PREFIXES = {
    "reviewer-invitation": "an invitation to join the committee",
    "cochair": "a change of the workshop's chairs",
    "account": "the account's own e-mails (confirmation, password)",
    "demo": "the demo workshop's seeded outbox",
    "bench-fault": "the mail benchmark's fault injection",
    "table": "a table's saved columns (a session key, not an e-mail)",
}


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
        elif what == "area_chair_assignment":
            papers = papers.filter(area_chair_assignments__pk=number)
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


def papers_of(emails) -> dict[int, int | None]:
    """``paper_of`` for many e-mails: {e-mail id: paper id or None}, in at most four queries
    (one per kind of number a key can name), whatever their number."""
    from reviews.models import AreaChairAssignment, Assignment, Comment
    from submissions.models import Submission

    # One entry per kind of number a key can name (the second column of ``_PAPER_KEYS``).
    wanted: dict[str, dict[int, list]] = {what: {} for _pattern, what in _PAPER_KEYS}
    for email in emails:
        key = email.idempotency_key or ""
        for pattern, what in _PAPER_KEYS:
            match = pattern.match(key)
            if match is not None:
                wanted[what].setdefault(int(match.group(1)), []).append(email)
                break
    found: dict[int, int | None] = {email.pk: None for email in emails}
    if wanted["submission"]:
        papers = dict(
            Submission.objects.filter(pk__in=list(wanted["submission"])).values_list(
                "pk", "workshop_id"
            )
        )
        for number, group in wanted["submission"].items():
            for email in group:
                if number in papers and papers[number] == email.workshop_id:
                    found[email.pk] = number
    for what, model in (
        ("assignment", Assignment),
        ("area_chair_assignment", AreaChairAssignment),
        ("comment", Comment),
    ):
        if not wanted[what]:
            continue
        rows = {
            pk: (paper, workshop)
            for pk, paper, workshop in model.objects.filter(pk__in=list(wanted[what])).values_list(
                "pk", "submission_id", "submission__workshop_id"
            )
        }
        for number, group in wanted[what].items():
            for email in group:
                paper, workshop = rows.get(number, (None, None))
                if paper is not None and workshop == email.workshop_id:
                    found[email.pk] = paper
    return found


def record_sent_many(emails) -> None:
    """``record_sent`` for many e-mails: the same entries, in a fixed number of queries."""
    from .services import record_many

    emails = [email for email in emails if email.workshop_id]
    if not emails:
        return
    papers = papers_of(emails)
    by_workshop: dict[int, list[dict]] = {}
    for email in emails:
        paper = papers[email.pk]
        role = email.template_role or "e-mail"
        if paper is not None:
            message = f"E-mail sent to {email.recipient} ({role}): {email.subject}"
        else:
            message = f"E-mail sent to {email.recipient} ({role})"
        by_workshop.setdefault(email.workshop_id, []).append(
            {"kind": Kind.MAIL, "action": "sent", "submission": paper, "message": message}
        )
    for workshop_id, rows in by_workshop.items():
        record_many(workshop=workshop_id, rows=rows)
