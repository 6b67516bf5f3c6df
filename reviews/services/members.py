"""The program committee as chairs manage it: every member with their load, roles changed,
members added as co-chairs or removed, each change in one transaction and logged."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from workshops.enums import MemberRole
from workshops.models import Membership
from workshops.roles import forget_roles

from ..enums import AssignmentState, InvitationState, MetaReviewState, ReviewState
from ..models import AreaChairAssignment, Assignment, CommitteeChange, ReviewerInvitation
from ..permissions import (
    REVIEWABLE_STATES,
    excluded_submission_ids,
    forget_rights,
    reviews_due,
)
from . import ReviewFlowError
from .emails import send


class CommitteeError(ReviewFlowError):
    pass


ROLE_CHOICES = {
    "reviewer": ({MemberRole.REVIEWER}, "Reviewer"),
    "area_chair": ({MemberRole.AREA_CHAIR}, "Area chair"),
    "reviewer_area_chair": (
        {MemberRole.REVIEWER, MemberRole.AREA_CHAIR},
        "Reviewer and area chair",
    ),
    "chair": ({MemberRole.CHAIR}, "Chair"),
    "both": ({MemberRole.CHAIR, MemberRole.REVIEWER}, "Chair and reviewer"),
}


@dataclass
class MemberRow:
    user: User
    roles: set = field(default_factory=set)
    invitation: str = ""  # the label of their invitation's state, "" when added directly
    assigned: int = 0
    submitted: int = 0
    late: int = 0
    declined: int = 0
    # As area chair: papers in charge (on papers the viewer may see), meta-reviews submitted.
    ac_papers: int = 0
    meta_reviews_done: int = 0

    @property
    def is_chair(self) -> bool:
        return MemberRole.CHAIR in self.roles

    @property
    def is_reviewer(self) -> bool:
        return MemberRole.REVIEWER in self.roles

    @property
    def is_area_chair(self) -> bool:
        return MemberRole.AREA_CHAIR in self.roles

    @property
    def role_key(self) -> str:
        for key, (roles, _label) in ROLE_CHOICES.items():
            if roles == self.roles:
                return key
        if self.is_chair:
            return "both" if self.is_reviewer else "chair"
        return "reviewer"

    @property
    def role_label(self) -> str:
        label = ", ".join(MemberRole(r).label for r in sorted(self.roles))
        for roles, text in ROLE_CHOICES.values():
            if roles == self.roles:
                label = text
        return label


def committee_members(workshop, *, viewer, now=None) -> list[MemberRow]:
    """Every chair, reviewer and area chair once, with the state of their invitation, their
    reviewing (assigned, submitted, late, declined) and their load as area chair (papers,
    meta-reviews submitted), in five queries whatever the committee's size.
    Papers ``viewer`` may not see are left out of the counts."""
    now = now or timezone.now()
    rows: dict[int, MemberRow] = {}
    for membership in Membership.objects.filter(workshop=workshop).select_related("user"):
        row = rows.setdefault(membership.user_id, MemberRow(user=membership.user))
        row.roles.add(membership.role)
    labels = dict(InvitationState.choices)
    by_email = {row.user.email.lower(): row for row in rows.values()}
    for user_id, email, state in ReviewerInvitation.objects.filter(workshop=workshop).values_list(
        "user_id", "email", "state"
    ):
        row = rows.get(user_id) or by_email.get(email.lower())
        if row is not None and (not row.invitation or state == InvitationState.ACCEPTED):
            row.invitation = labels[state]
    default_due = reviews_due(workshop)
    assignments = Assignment.objects.filter(
        submission__workshop=workshop, reviewer_id__in=list(rows)
    ).exclude(submission_id__in=excluded_submission_ids(viewer, workshop))
    for uid, state, due, review_state in assignments.values_list(
        "reviewer_id", "state", "due_at", "review__state"
    ):
        row = rows[uid]
        if state == AssignmentState.DECLINED:
            row.declined += 1
            continue
        row.assigned += 1
        when = due or default_due
        if review_state == ReviewState.SUBMITTED:
            row.submitted += 1
        elif when and when < now:
            row.late += 1
    ac_rows = (
        AreaChairAssignment.objects.filter(
            submission__workshop=workshop,
            submission__state__in=REVIEWABLE_STATES,
            area_chair_id__in=list(rows),
        )
        .exclude(submission_id__in=excluded_submission_ids(viewer, workshop))
        .values_list("area_chair_id", "meta_review__state")
    )
    for uid, meta_state in ac_rows:
        rows[uid].ac_papers += 1
        if meta_state == MetaReviewState.SUBMITTED:
            rows[uid].meta_reviews_done += 1
    return sorted(
        rows.values(),
        key=lambda r: (not r.is_chair, (r.user.full_name or r.user.email).lower(), r.user.pk),
    )


def member_or_none(workshop, user_id) -> MemberRow | None:
    memberships = list(
        Membership.objects.filter(workshop=workshop, user_id=user_id).select_related("user")
    )
    if not memberships:
        return None
    return MemberRow(user=memberships[0].user, roles={m.role for m in memberships})


def open_assignments(workshop, user, *, viewer):
    """The member's assignments still waiting for a review, on papers ``viewer`` may see."""
    return (
        Assignment.objects.filter(
            submission__workshop=workshop, reviewer=user, state=AssignmentState.ACTIVE
        )
        .exclude(review__state=ReviewState.SUBMITTED)
        .exclude(submission_id__in=excluded_submission_ids(viewer, workshop))
        .select_related("submission")
        .order_by("submission__number")
    )


def _log(workshop, user, action, detail, by, changes=None):
    from activity.models import Kind
    from activity.services import name_of, record

    record(
        workshop=workshop,
        kind=Kind.COMMITTEE,
        action=f"member_{action}",
        actor=by,
        message=f"{name_of(user)}: {detail}",
        changes=changes,
    )
    return CommitteeChange.objects.create(
        workshop=workshop,
        user=user,
        member=f"{user} <{user.email}>",
        action=action,
        detail=detail,
        created_by=by,
    )


def _chair_count(workshop) -> int:
    return Membership.objects.filter(workshop=workshop, role=MemberRole.CHAIR).count()


def remove_member(workshop, user, *, by) -> list[int]:
    """Take ``user`` off the committee: their open assignments are released (submitted reviews
    stay), every role goes, and the change is logged; all or nothing. Returns the numbers of
    the papers that lost a reviewer (those ``by`` may see)."""
    with transaction.atomic():
        memberships = list(
            Membership.objects.select_for_update().filter(workshop=workshop, user=user)
        )
        if not memberships:
            raise CommitteeError("This person is not on the committee.")
        roles = {m.role for m in memberships}
        if MemberRole.CHAIR in roles and _chair_count(workshop) <= 1:
            raise CommitteeError("The workshop needs at least one chair.")
        visible = set(
            open_assignments(workshop, user, viewer=by).values_list("submission__number", flat=True)
        )
        pending = Assignment.objects.filter(
            submission__workshop=workshop, reviewer=user, state=AssignmentState.ACTIVE
        ).exclude(review__state=ReviewState.SUBMITTED)
        released = pending.count()
        pending.delete()
        from .area_chairs import release_open_ac_assignments

        released += release_open_ac_assignments(workshop, user)
        Membership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
        _log(
            workshop,
            user,
            CommitteeChange.Action.REMOVED,
            f"Was {', '.join(sorted(MemberRole(r).label.lower() for r in roles))}; "
            f"{released} open assignment(s) released.",
            by,
            {"roles": (sorted(roles), [])},
        )
    forget_roles(user)
    forget_rights(user)
    return sorted(visible)


def set_roles(workshop, user, role_key: str, *, by) -> None:
    """Make ``user`` a reviewer, an area chair, a chair, or one of the combinations of
    ``ROLE_CHOICES``; the workshop keeps at least one chair. Leaving the area-chair role
    releases the papers whose meta-review is not submitted."""
    if role_key not in ROLE_CHOICES:
        raise CommitteeError("Choose a role.")
    wanted, label = ROLE_CHOICES[role_key]
    with transaction.atomic():
        current = {
            m.role
            for m in Membership.objects.select_for_update().filter(workshop=workshop, user=user)
        }
        if not current:
            raise CommitteeError("This person is not on the committee.")
        if current == wanted:
            raise CommitteeError(f"{user} is already {label.lower()}.")
        if (
            MemberRole.CHAIR in current
            and MemberRole.CHAIR not in wanted
            and _chair_count(workshop) <= 1
        ):
            raise CommitteeError("The workshop needs at least one chair.")
        Membership.objects.filter(
            workshop=workshop, user=user, role__in=list(current - wanted)
        ).delete()
        for role in wanted - current:
            Membership.objects.create(workshop=workshop, user=user, role=role)
        if {MemberRole.REVIEWER, MemberRole.AREA_CHAIR} & (wanted - current):
            from .committee import profile_for

            profile_for(workshop, user)
        detail = f"Now {label.lower()}."
        if MemberRole.AREA_CHAIR in current - wanted:
            from .area_chairs import release_open_ac_assignments

            released = release_open_ac_assignments(workshop, user)
            if released:
                detail += f" {released} paper(s) as area chair released."
        _log(
            workshop,
            user,
            CommitteeChange.Action.ROLES,
            detail,
            by,
            {"roles": (sorted(current), sorted(wanted))},
        )
    forget_roles(user)
    forget_rights(user)


def add_chair(workshop, email: str, *, by) -> User:
    """Make the account with ``email`` a co-chair and tell them by e-mail. Co-chairs need an
    account first (they sign up like anyone); an unknown address is refused with that advice."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommitteeError(
            f"No account uses {email.strip()}. Ask them to sign up on this site first, then "
            "add them again."
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            workshop=workshop, user=user, role=MemberRole.CHAIR
        )
        if not created:
            raise CommitteeError(f"{user} is already a chair.")
        change = _log(
            workshop,
            user,
            CommitteeChange.Action.ADDED,
            "Added as co-chair.",
            by,
            {"roles": (None, [MemberRole.CHAIR])},
        )
        send(
            "cochair",
            workshop=workshop,
            recipient=user.email,
            subject=f"You are now a chair of {workshop.short_name}",
            key=f"cochair:{change.pk}",
            context={"member": user, "by": by},
            user=user,
        )
    forget_roles(user)
    return user
