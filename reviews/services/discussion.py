"""A paper's discussion among its reviewers and the chairs, with e-mail to the others."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from workshops.enums import MemberRole
from workshops.models import Membership

from ..models import Assignment, Comment
from ..permissions import paper_rights
from . import ReviewFlowError
from .emails import send, site_url


def speaker_labels(submission) -> dict[int, str]:
    """user id → "Reviewer N" for the paper's assigned reviewers (one query)."""
    return {
        uid: f"Reviewer {n}"
        for uid, n in Assignment.objects.filter(submission=submission).values_list(
            "reviewer_id", "ordinal"
        )
    }


def label_for(user_id: int, labels: dict[int, str]) -> str:
    return labels.get(user_id, "Chair")


def participants(submission):
    """Everyone who may read the discussion: assigned reviewers and chairs, conflicts excluded."""
    from accounts.models import User

    reviewer_ids = Assignment.objects.active().filter(submission=submission).values("reviewer_id")
    chair_ids = Membership.objects.filter(
        workshop_id=submission.workshop_id, role=MemberRole.CHAIR
    ).values("user_id")
    users = User.objects.filter(pk__in=reviewer_ids) | User.objects.filter(pk__in=chair_ids)
    return [u for u in users.distinct() if paper_rights(u, submission).can_read_discussion]


def post_comment(*, submission, author, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ReviewFlowError("Write something first.")
    if not paper_rights(author, submission).can_discuss:
        raise ReviewFlowError("You cannot take part in this discussion.")
    with transaction.atomic():
        comment = Comment.objects.create(submission=submission, author=author, body=body)
        labels = speaker_labels(submission)
        speaker = label_for(author.pk, labels)
        url = site_url(
            reverse("reviews:discussion", args=[submission.workshop.slug, submission.number])
        )
        for user in participants(submission):
            if user.pk == author.pk:
                continue
            send(
                "comment",
                workshop=submission.workshop,
                recipient=user.email,
                user=user,
                subject=f"Discussion of paper #{submission.number}: new message from {speaker}",
                key=f"comment:{comment.pk}:{user.pk}",
                context={
                    "speaker": speaker,
                    "comment": comment,
                    "paper_number": submission.number,
                    "paper_title": submission.title,
                    "url": url,
                },
            )
    return comment
