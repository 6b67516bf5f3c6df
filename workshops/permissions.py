"""The rights vocabulary of the whole project, for workshops.

Every access decision is a named permission checked with ``user.has_perm(name, obj)``, in views,
querysets, templates (``{% has_perm %}`` from ``rules``), e-mails and exports alike. The
submissions and reviews apps add their own permissions in their ``permissions.py`` with the
predicates defined here.
"""

import rules

from .enums import MemberRole
from .roles import chaired_workshop_ids, has_role


@rules.predicate
def is_site_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_chair(user, workshop) -> bool:
    return has_role(user, workshop, MemberRole.CHAIR)


@rules.predicate
def is_reviewer(user, workshop) -> bool:
    return has_role(user, workshop, MemberRole.REVIEWER)


@rules.predicate
def is_published(user, workshop) -> bool:
    return bool(workshop and workshop.is_published)


@rules.predicate
def is_chair_anywhere(user) -> bool:
    return bool(chaired_workshop_ids(user))


@rules.predicate
def has_verified_email(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    from allauth.account.models import EmailAddress

    cached = getattr(user, "_has_verified_email", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._has_verified_email = cached
    return cached


@rules.predicate
def has_create_permission(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("workshops.add_workshop"))


can_manage_workshop = is_chair | is_site_admin

rules.add_perm("workshops.view_workshop", is_published | can_manage_workshop)
rules.add_perm("workshops.change_workshop", can_manage_workshop)
rules.add_perm("workshops.manage_members", can_manage_workshop)
# Chairs of an edition can open the next one; site admins can grant the right to anyone.
rules.add_perm(
    "workshops.create_workshop", is_site_admin | is_chair_anywhere | has_create_permission
)
