"""Which roles a user holds in which workshops, loaded once per user object."""

from __future__ import annotations

from collections import defaultdict

from .enums import MemberRole

_CACHE_ATTR = "_workshop_roles"
_WORKSHOPS_ATTR = "_workshop_roles_workshops"


def _load(user) -> None:
    """One query: the user's roles by workshop id, and those workshops (for the header)."""
    from .models import Membership

    roles = defaultdict(set)
    workshops = {}
    for membership in Membership.objects.filter(user=user).select_related("workshop"):
        roles[membership.workshop_id].add(membership.role)
        workshops[membership.workshop_id] = membership.workshop
    setattr(user, _CACHE_ATTR, roles)
    setattr(user, _WORKSHOPS_ATTR, workshops)


def roles_of(user) -> dict[int, set[str]]:
    """Map workshop id → role names for ``user``; one query, then cached on the user object."""
    if user is None or not user.is_authenticated:
        return {}
    if getattr(user, _CACHE_ATTR, None) is None:
        _load(user)
    return getattr(user, _CACHE_ATTR)


def member_workshops(user) -> dict:
    """Workshop id → the workshops where ``user`` holds a role, from the same cached query."""
    if user is None or not user.is_authenticated:
        return {}
    if getattr(user, _WORKSHOPS_ATTR, None) is None:
        _load(user)
    return getattr(user, _WORKSHOPS_ATTR)


def forget_roles(user) -> None:
    """Drop the cache after changing a user's memberships."""
    for attr in (_CACHE_ATTR, _WORKSHOPS_ATTR):
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


def has_role(user, workshop, role: MemberRole | str) -> bool:
    if workshop is None:
        return False
    workshop_id = workshop if isinstance(workshop, int) else workshop.pk
    return role in roles_of(user).get(workshop_id, set())


def chaired_workshop_ids(user) -> set[int]:
    return {wid for wid, roles in roles_of(user).items() if MemberRole.CHAIR in roles}
