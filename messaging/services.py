"""Mail to groups: who is in a group (only papers the sender may see), the placeholders each
group may use (no author in reviewers' mail, no reviewer in authors' mail), one rendering for
the preview and the sending, and one outbox row per recipient per message."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from mail.services import queue_email
from reviews.enums import AssignmentState, ReviewState
from reviews.models import Assignment
from reviews.permissions import papers_for_manager
from reviews.services.decisions import letter_subject, paper_url
from reviews.services.emails import one_line, site_url
from reviews.services.templating import render_template, validate_template
from submissions.enums import SubmissionState
from submissions.models import Authorship
from workshops.enums import MemberRole
from workshops.models import Membership

from .models import Group, GroupMessage, GroupMessageRecipient

COMMON = {
    "name": "the recipient's name",
    "workshop": "the workshop's name",
}
PAPER = {
    "paper_title": "the paper's title",
    "paper_number": "the paper's number",
    "paper_url": "the link to the paper's page",
}
REVIEWER = {
    "reviewing_url": "the link to their reviewing page",
    "missing_reviews": "how many of their reviews are missing",
}

AUTHOR_GROUPS = {
    Group.ALL_AUTHORS,
    Group.ACCEPTED,
    Group.REJECTED,
    Group.UNDECIDED,
    Group.CAMERA_READY_MISSING,
}
REVIEWER_GROUPS = {Group.REVIEWERS, Group.REVIEWS_MISSING}


class GroupMailError(Exception):
    pass


def placeholders_for(group: str) -> dict[str, str]:
    """Authors' mail may name their paper; reviewers' mail their reviewing, never a paper's
    authors; a hand-picked list (people of both kinds) only the name and the workshop."""
    if group in AUTHOR_GROUPS:
        return {**COMMON, **PAPER}
    if group in REVIEWER_GROUPS:
        return {**COMMON, **REVIEWER}
    return dict(COMMON)


@dataclass
class Recipient:
    email: str
    name: str
    user: object = None
    paper: object = None  # the paper a per-paper message is about
    values: dict = field(default_factory=dict)

    @property
    def token(self) -> str:
        return f"{self.email}|{self.paper.pk if self.paper is not None else ''}"

    @property
    def label(self) -> str:
        who = f"{self.name} <{self.email}>" if self.name else self.email
        return f"{who}, paper #{self.paper.number}" if self.paper is not None else who


def uses_paper(subject: str, body: str) -> bool:
    return any("{" + p + "}" in f"{subject}\n{body}" for p in PAPER)


def _author_papers(workshop, sender, group):
    papers = papers_for_manager(sender, workshop)
    if group == Group.ACCEPTED:
        papers = papers.filter(state=SubmissionState.ACCEPTED)
    elif group == Group.REJECTED:
        papers = papers.filter(state=SubmissionState.REJECTED)
    elif group == Group.UNDECIDED:
        papers = papers.filter(state=SubmissionState.SUBMITTED)
    elif group == Group.CAMERA_READY_MISSING:
        # The one "missing" rule of the camera-ready table and its reminders.
        from publication.services.camera_ready import missing_papers

        papers = papers.filter(pk__in=missing_papers(workshop).values("pk"))
    return papers


def pickable(workshop, sender) -> list[tuple[str, str]]:
    """The people a chair may pick: committee members, and authors of the papers they may
    see. Values are "u<user id>" and "a<authorship id>"."""
    members = {}
    for m in Membership.objects.filter(workshop=workshop).select_related("user"):
        members[m.user_id] = (f"u{m.user_id}", f"{m.user} <{m.user.email}> (committee)")
    authors = [
        (f"a{a.pk}", f"{a.name} <{a.email}> (author of #{a.submission.number})")
        for a in Authorship.objects.filter(submission__in=papers_for_manager(sender, workshop))
        .select_related("submission")
        .order_by("submission__number", "order", "pk")
    ]
    return sorted(members.values(), key=lambda c: c[1].lower()) + authors


def recipients_for(
    workshop, sender, group: str, *, subject: str = "", body: str = "", picked=()
) -> list[Recipient]:
    """Each recipient once (once per paper when the text names the paper)."""
    common = {"workshop": workshop.short_name}
    result: dict[tuple, Recipient] = {}
    if group in AUTHOR_GROUPS:
        per_paper = uses_paper(subject, body)
        authorships = Authorship.objects.filter(
            submission__in=_author_papers(workshop, sender, group)
        ).select_related("submission__workshop", "user")
        for a in authorships.order_by("submission__number", "order", "pk"):
            paper = a.submission if per_paper else None
            key = (a.email.lower(), paper.pk if paper else None)
            if key in result:
                continue
            values = {**common, "name": a.name or a.email}
            if paper is not None:
                values |= {
                    "paper_title": one_line(paper.title),
                    "paper_number": str(paper.number),
                    "paper_url": paper_url(paper),
                }
            result[key] = Recipient(a.email, a.name, a.user, paper, values)
    elif group in REVIEWER_GROUPS:
        missing = defaultdict(int)
        for uid in (
            Assignment.objects.filter(
                submission__in=papers_for_manager(sender, workshop),
                state=AssignmentState.ACTIVE,
            )
            .exclude(review__state=ReviewState.SUBMITTED)
            .values_list("reviewer_id", flat=True)
        ):
            missing[uid] += 1
        url = site_url(reverse("reviews:workshop", args=[workshop.slug]))
        for m in Membership.objects.filter(
            workshop=workshop, role=MemberRole.REVIEWER
        ).select_related("user"):
            if group == Group.REVIEWS_MISSING and not missing[m.user_id]:
                continue
            user = m.user
            result[(user.email.lower(), None)] = Recipient(
                user.email,
                user.full_name,
                user,
                None,
                {
                    **common,
                    "name": str(user),
                    "reviewing_url": url,
                    "missing_reviews": str(missing[m.user_id]),
                },
            )
    elif group == Group.PICKED:
        allowed = {value for value, _ in pickable(workshop, sender)}
        picked = [p for p in picked if p in allowed]
        user_ids = [int(p[1:]) for p in picked if p.startswith("u")]
        author_ids = [int(p[1:]) for p in picked if p.startswith("a")]
        people = [
            (m.user.email, m.user.full_name, m.user)
            for m in Membership.objects.filter(
                workshop=workshop, user_id__in=user_ids
            ).select_related("user")
        ] + [
            (a.email, a.name, a.user)
            for a in Authorship.objects.filter(pk__in=author_ids)
            .select_related("user")
            .order_by("pk")
        ]
        for email, name, user in people:
            result.setdefault(
                (email.lower(), None),
                Recipient(email, name, user, None, {**common, "name": name or email}),
            )
    else:
        raise GroupMailError("Choose a group.")
    return sorted(
        result.values(), key=lambda r: (r.email.lower(), r.paper.number if r.paper else 0)
    )


def validate_texts(group: str, subject: str, body: str) -> None:
    """ValidationError naming placeholders this group may not use."""
    allowed = placeholders_for(group)
    validate_template(subject, allowed)
    validate_template(body, allowed)


def render_for(workshop, group: str, subject: str, body: str, recipient: Recipient):
    """The e-mail one recipient gets, as previewed and as sent."""
    allowed = placeholders_for(group)
    return (
        letter_subject(workshop, render_template(subject, recipient.values, allowed)),
        render_template(body, recipient.values, allowed),
    )


def email_key(message: GroupMessage, recipient: Recipient) -> str:
    paper = recipient.paper.pk if recipient.paper is not None else "-"
    return f"group:{message.key}:{paper}:{recipient.email.lower()}"[:255]


def send_message(
    *, workshop, by, key, group: str, subject: str, body: str, picked=()
) -> tuple[GroupMessage, bool]:
    """Queue the message once per recipient. ``key`` comes from the compose form: posting the
    same form again returns the message already sent (``False``) and queues nothing."""
    try:
        validate_texts(group, subject, body)
    except ValidationError as exc:
        raise GroupMailError(" ".join(exc.messages)) from None
    existing = GroupMessage.objects.filter(key=key).first()
    if existing is not None:
        if existing.workshop_id != workshop.pk:
            raise GroupMailError("This message belongs to another workshop.")
        return existing, False
    recipients = recipients_for(workshop, by, group, subject=subject, body=body, picked=picked)
    if not recipients:
        raise GroupMailError("Nobody is in this group: nothing was sent.")
    with transaction.atomic():
        message, created = GroupMessage.objects.get_or_create(
            key=key,
            defaults={
                "workshop": workshop,
                "group": group,
                "subject": subject,
                "body": body,
                "sent_by": by,
            },
        )
        if not created:
            return message, False
        rows = []
        for recipient in recipients:
            text_subject, text = render_for(workshop, group, subject, body, recipient)
            outgoing = queue_email(
                recipient=recipient.email,
                subject=text_subject,
                body=text,
                key=email_key(message, recipient),
                workshop=workshop,
                user=recipient.user,
                template_role=f"messaging.{group}",
                reply_to=workshop.contact_email,
            )
            rows.append(
                GroupMessageRecipient(
                    message=message,
                    email=recipient.email,
                    name=recipient.name,
                    user=recipient.user,
                    submission=recipient.paper,
                    outgoing=outgoing,
                )
            )
        GroupMessageRecipient.objects.bulk_create(rows)
    return message, True
