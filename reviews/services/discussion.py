"""A paper's discussion among its reviewers and the chairs, with e-mail to the others."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from workshops.enums import MemberRole
from workshops.models import Membership

from ..models import AreaChairAssignment, Assignment, Comment
from ..permissions import paper_rights, review_settings
from . import ReviewFlowError
from .emails import send, site_url


def speaker_labels(submission, viewer=None) -> dict[int, str]:
    """user id → "Reviewer N" for the paper's assigned reviewers and "Area chair" for its area
    chairs (two queries). The area chair's name is added for the chairs and the paper's area
    chairs, and for reviewers when the chairs allow it; ``viewer`` None: the label everyone on
    the discussion may read (e-mails)."""
    labels = {
        uid: f"Reviewer {n}"
        for uid, n in Assignment.objects.filter(submission=submission).values_list(
            "reviewer_id", "ordinal"
        )
    }
    area_chairs = list(
        AreaChairAssignment.objects.filter(submission=submission).values_list(
            "area_chair_id", "area_chair__full_name", "area_chair__email"
        )
    )
    if area_chairs:
        named = False
        if viewer is not None:
            rights = paper_rights(viewer, submission)
            named = (
                rights.is_manager
                or rights.is_area_chair
                or review_settings(submission.workshop).reviewers_see_area_chair_name
            )
        for uid, name, email in area_chairs:
            labels[uid] = f"Area chair ({name or email})" if named else "Area chair"
    return labels


def label_for(user_id: int, labels: dict[int, str]) -> str:
    return labels.get(user_id, "Chair")


def participants(submission):
    """Everyone who may read the discussion: assigned reviewers, area chairs and chairs,
    conflicts excluded."""
    from accounts.models import User

    reviewer_ids = Assignment.objects.active().filter(submission=submission).values("reviewer_id")
    chair_ids = Membership.objects.filter(
        workshop_id=submission.workshop_id, role=MemberRole.CHAIR
    ).values("user_id")
    area_chair_ids = AreaChairAssignment.objects.filter(submission=submission).values(
        "area_chair_id"
    )
    users = (
        User.objects.filter(pk__in=reviewer_ids)
        | User.objects.filter(pk__in=chair_ids)
        | User.objects.filter(pk__in=area_chair_ids)
    )
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
