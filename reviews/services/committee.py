"""The program committee: invitations answered through a personal link, and profiles."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
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

logger = logging.getLogger(__name__)


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


ROLE_WORDS = {MemberRole.REVIEWER: "reviewer", MemberRole.AREA_CHAIR: "area chair"}


def invite_reviewers(workshop, text: str, *, by, role: str = MemberRole.REVIEWER) -> InviteResult:
    """Create one invitation per new address and e-mail it; ``role`` is the role offered
    (reviewer or area chair)."""
    if role not in ROLE_WORDS:
        raise ReviewFlowError("Choose the role to offer.")
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
        for e in Membership.objects.filter(workshop=workshop, role=role).values_list(
            "user__email", flat=True
        )
    }
    word = ROLE_WORDS[role]
    for name, email in people:
        if email in members:
            result.skipped.append((email, f"already {word} on the committee"))
            continue
        if email in existing:
            result.skipped.append((email, "already invited"))
            continue
        with transaction.atomic():
            invitation = ReviewerInvitation.objects.create(
                workshop=workshop, name=name, email=email, invited_by=by, role=role
            )
            what = "Invited to review" if role == MemberRole.REVIEWER else "Invited as area chair"
            _record(
                workshop,
                "invited",
                f"{what}: {name} <{email}>" if name else f"{what}: {email}",
                by=by,
                changes={"role": (None, role)},
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
    from ..permissions import review_settings

    as_ac = invitation.role == MemberRole.AREA_CHAIR
    send(
        "invitation",
        workshop=workshop,
        recipient=invitation.email,
        subject=(
            f"Invitation to be an area chair of {workshop.short_name}"
            if as_ac
            else f"Invitation to the program committee of {workshop.short_name}"
        ),
        key=f"reviewer-invitation:{invitation.pk}:{invitation.times_sent}",
        context={
            "invitation": invitation,
            "accept_url": site_url(reverse("reviews:invitation_accept", args=[invitation.token])),
            "decline_url": site_url(reverse("reviews:invitation_decline", args=[invitation.token])),
            "as_area_chair": as_ac,
            "guidelines": review_settings(workshop).guidelines,
        },
    )


class ConfirmationNeeded(ReviewFlowError):
    """The signed-in account is not the invited address: accepting needs an explicit yes."""


def verified_emails(user) -> set[str]:
    """The lower-cased addresses ``user`` has verified (allauth's ``EmailAddress``)."""
    from allauth.account.models import EmailAddress

    return {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def is_invited_address(invitation: ReviewerInvitation, user) -> bool:
    return invitation.email.lower() in verified_emails(user)


def is_workshop_author(workshop, user) -> bool:
    """``user`` is an author of a paper of ``workshop`` (linked, or listed under one of their
    verified addresses), whatever the paper's state."""
    from submissions.models import Authorship

    listed = Q(user=user)
    emails = verified_emails(user)
    if emails:
        listed |= Q(email__in=emails)
    return Authorship.objects.filter(listed, submission__workshop=workshop).exists()


def accept_invitation(
    invitation: ReviewerInvitation, user, *, confirm_other_account: bool = False
) -> Membership:
    """Make ``user`` a reviewer of the invitation's workshop.

    The invitation is bound to its address: one of the user's verified addresses must be the
    invited one. Another verified account may accept only with ``confirm_other_account``
    (raises :class:`ConfirmationNeeded` without it), and its address is recorded for the
    chairs. An author of a paper of the workshop is refused (and the refusal recorded for the
    chairs) unless a chair allowed it (:func:`allow_author`).
    """
    invitation = ReviewerInvitation.objects.select_related("workshop").get(pk=invitation.pk)
    workshop = invitation.workshop
    # The role the invitation offers: reviewer, or area chair (a meta-reviewer).
    role = invitation.role if invitation.role in ROLE_WORDS else MemberRole.REVIEWER
    if invitation.state == InvitationState.ACCEPTED:
        if invitation.user_id != user.pk:
            raise ReviewFlowError("This invitation was accepted from another account.")
        return Membership.objects.get_or_create(workshop=workshop, user=user, role=role)[0]
    emails = verified_emails(user)
    if not emails:
        raise ReviewFlowError("Please verify your e-mail address before you accept.")
    other_account = invitation.email.lower() not in emails
    if other_account and not confirm_other_account:
        raise ConfirmationNeeded(
            f"This invitation was sent to {invitation.email}, not to an address of your account."
        )
    if invitation.author_allowed_at is None and is_workshop_author(workshop, user):
        ReviewerInvitation.objects.filter(pk=invitation.pk).update(
            refused_author=user, refused_at=timezone.now()
        )
        logger.warning(
            "Invitation %s to %s: refused, %s is an author of a paper of the workshop",
            invitation.pk,
            workshop.slug,
            user.email,
        )
        raise ReviewFlowError(
            f"You are an author of a paper submitted to {workshop.short_name}, so you cannot "
            "join its program committee unless the chairs allow it. They can see that you "
            "tried; once they allow it, this link works."
        )
    with transaction.atomic():
        invitation = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state == InvitationState.ACCEPTED and invitation.user_id != user.pk:
            raise ReviewFlowError("This invitation was accepted from another account.")
        membership, _ = Membership.objects.get_or_create(
            workshop=invitation.workshop, user=user, role=role
        )
        ReviewerProfile.objects.get_or_create(workshop=invitation.workshop, user=user)
        if invitation.state != InvitationState.ACCEPTED:
            invitation.state = InvitationState.ACCEPTED
            invitation.user = user
            invitation.responded_at = timezone.now()
            invitation.accepted_as = _account_address(user, emails) if other_account else ""
            invitation.save(update_fields=["state", "user", "responded_at", "accepted_as"])
            if other_account:
                logger.warning(
                    "Invitation %s to %s for %s accepted by another account, %s",
                    invitation.pk,
                    workshop.slug,
                    invitation.email,
                    invitation.accepted_as,
                )
            _record(
                workshop,
                "invitation_accepted",
                f"Invitation to {invitation.email} accepted by {user.email}"
                + (" (area chair)" if role == MemberRole.AREA_CHAIR else "")
                + (" (another account)" if other_account else ""),
                by=user,
                changes={"roles": (None, [role])},
            )
        # The new member's conflicts are found before they can bid or be assigned.
        queue_detection(invitation.workshop_id)
    forget_roles(user)
    return membership


def _account_address(user, emails: set[str]) -> str:
    return user.email if user.email and user.email.lower() in emails else sorted(emails)[0]


def allow_author(invitation: ReviewerInvitation, *, by) -> None:
    """A chair's override: an author of a paper of the workshop may accept this invitation.
    Recorded on the invitation (who, when), shown on the committee page, and logged."""
    if invitation.state == InvitationState.ACCEPTED:
        raise ReviewFlowError("This invitation was already accepted.")
    with transaction.atomic():
        invitation.author_allowed_by = by
        invitation.author_allowed_at = timezone.now()
        invitation.save(update_fields=["author_allowed_by", "author_allowed_at"])
        _record(
            invitation.workshop,
            "author_allowed",
            f"{invitation.email} allowed to join the committee though an author",
            by=by,
        )
    logger.warning(
        "Invitation %s to %s for %s: %s allowed an author of the workshop to accept",
        invitation.pk,
        invitation.workshop.slug,
        invitation.email,
        by.email,
    )


def decline_invitation(invitation: ReviewerInvitation, user=None) -> None:
    if invitation.state == InvitationState.ACCEPTED:
        raise ReviewFlowError(
            "You already accepted; ask the chairs to remove you from the committee."
        )
    with transaction.atomic():
        invitation.state = InvitationState.DECLINED
        invitation.responded_at = timezone.now()
        if user is not None and user.is_authenticated:
            invitation.user = user
        invitation.save(update_fields=["state", "responded_at", "user"])
        _record(
            invitation.workshop_id,
            "invitation_declined",
            f"Invitation to {invitation.email} declined",
            by=user,
        )


def _record(workshop, action, message, *, by=None, changes=None) -> None:
    from activity.models import Kind
    from activity.services import record

    record(
        workshop=workshop,
        kind=Kind.COMMITTEE,
        action=action,
        actor=by,
        message=message,
        changes=changes,
    )


def profile_for(workshop, user) -> ReviewerProfile:
    profile, _ = ReviewerProfile.objects.get_or_create(workshop=workshop, user=user)
    return profile
