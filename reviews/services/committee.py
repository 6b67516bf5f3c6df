"""The program committee: invitations answered through a personal link, and profiles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from workshops.enums import MemberRole
from workshops.models import Membership
from workshops.roles import forget_roles

from ..enums import InvitationState
from ..models import ReviewerInvitation, ReviewerProfile
from . import ReviewFlowError
from .conflicts import queue_detection
from .emails import send, site_url


@dataclass
class InviteResult:
    invited: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (email, why)
    errors: list = field(default_factory=list)  # lines that are not addresses


def parse_invitees(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Read lines of ``Name <email>``, ``email`` or ``Name, email``: (name, email) pairs and
    the lines that could not be read."""
    people, errors, seen = [], [], set()
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        name, email = parseaddr(line)
        if "@" not in email:
            match = re.search(r"[^\s<>,;]+@[^\s<>,;]+", line)
            email = match.group(0) if match else ""
            name = line.replace(email, "").strip(" ,;<>\t") if email else ""
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(line)
            continue
        if email not in seen:
            seen.add(email)
            people.append((name.strip().strip('"'), email))
    return people, errors


def invite_reviewers(workshop, text: str, *, by) -> InviteResult:
    """Create one invitation per new address and e-mail it."""
    people, errors = parse_invitees(text)
    result = InviteResult(errors=errors)
    existing = {
        e.lower()
        for e in ReviewerInvitation.objects.filter(workshop=workshop).values_list(
            "email", flat=True
        )
    }
    members = {
        e.lower()
        for e in Membership.objects.filter(workshop=workshop, role=MemberRole.REVIEWER).values_list(
            "user__email", flat=True
        )
    }
    for name, email in people:
        if email in members:
            result.skipped.append((email, "already on the committee"))
            continue
        if email in existing:
            result.skipped.append((email, "already invited"))
            continue
        with transaction.atomic():
            invitation = ReviewerInvitation.objects.create(
                workshop=workshop, name=name, email=email, invited_by=by
            )
            send_invitation(invitation)
        result.invited.append(invitation)
    return result


def send_invitation(invitation: ReviewerInvitation) -> None:
    """E-mail the invitation (again); each sending has its own idempotency key."""
    if invitation.state == InvitationState.ACCEPTED:
        raise ReviewFlowError("This invitation was already accepted.")
    invitation.times_sent += 1
    invitation.last_sent_at = timezone.now()
    invitation.state = InvitationState.PENDING
    invitation.save(update_fields=["times_sent", "last_sent_at", "state"])
    workshop = invitation.workshop
    send(
        "invitation",
        workshop=workshop,
        recipient=invitation.email,
        subject=f"Invitation to the program committee of {workshop.short_name}",
        key=f"reviewer-invitation:{invitation.pk}:{invitation.times_sent}",
        context={
            "invitation": invitation,
            "accept_url": site_url(reverse("reviews:invitation_accept", args=[invitation.token])),
            "decline_url": site_url(reverse("reviews:invitation_decline", args=[invitation.token])),
        },
    )


def accept_invitation(invitation: ReviewerInvitation, user) -> Membership:
    """Link the invitation to ``user`` and make them a reviewer of the workshop."""
    with transaction.atomic():
        invitation = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state == InvitationState.ACCEPTED and invitation.user_id != user.pk:
            raise ReviewFlowError("This invitation was accepted from another account.")
        membership, _ = Membership.objects.get_or_create(
            workshop=invitation.workshop, user=user, role=MemberRole.REVIEWER
        )
        ReviewerProfile.objects.get_or_create(workshop=invitation.workshop, user=user)
        if invitation.state != InvitationState.ACCEPTED:
            invitation.state = InvitationState.ACCEPTED
            invitation.user = user
            invitation.responded_at = timezone.now()
            invitation.save(update_fields=["state", "user", "responded_at"])
        # The new member's conflicts are found before they can bid or be assigned.
        queue_detection(invitation.workshop_id)
    forget_roles(user)
    return membership


def decline_invitation(invitation: ReviewerInvitation, user=None) -> None:
    if invitation.state == InvitationState.ACCEPTED:
        raise ReviewFlowError(
            "You already accepted; ask the chairs to remove you from the committee."
        )
    invitation.state = InvitationState.DECLINED
    invitation.responded_at = timezone.now()
    if user is not None and user.is_authenticated:
        invitation.user = user
    invitation.save(update_fields=["state", "responded_at", "user"])


def profile_for(workshop, user) -> ReviewerProfile:
    profile, _ = ReviewerProfile.objects.get_or_create(workshop=workshop, user=user)
    return profile
