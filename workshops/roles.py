"""Which roles a user holds in which workshops, loaded once per user object."""

from __future__ import annotations

from collections import defaultdict

from .enums import MemberRole

_CACHE_ATTR = "_workshop_roles"


def roles_of(user) -> dict[int, set[str]]:
    """Map workshop id → role names for ``user``; one query, then cached on the user object."""
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from .models import Membership

        cached = defaultdict(set)
        for workshop_id, role in Membership.objects.filter(user=user).values_list(
            "workshop_id", "role"
        ):
            cached[workshop_id].add(role)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cache after changing a user's memberships."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user, workshop, role: MemberRole | str) -> bool:
    if workshop is None:
        return False
    workshop_id = workshop if isinstance(workshop, int) else workshop.pk
    return role in roles_of(user).get(workshop_id, set())


def chaired_workshop_ids(user) -> set[int]:
    return {wid for wid, roles in roles_of(user).items() if MemberRole.CHAIR in roles}
