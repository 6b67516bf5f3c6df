"""Conflicts of interest: declared, added by chairs, or found by ``detect_conflicts``."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import parse_domains
from activity.models import Kind
from activity.services import name_of, record, record_many
from workshops.enums import MemberRole
from workshops.models import Membership

from ..enums import AUTOMATIC_SOURCES, AssignmentState, ConflictSource, ReviewState
from ..models import Assignment, Conflict
from ..permissions import forget_rights

# Addresses anyone can have: sharing one of these says nothing about an institution.
PUBLIC_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "qq.com",
    "163.com",
    "126.com",
    "aol.com",
    "mail.com",
    "yandex.ru",
    "example.com",
    "example.org",
    "users.noreply.github.com",
}

# Reserved names (RFC 2606/6761) no institution can hold; the demo accounts use demo.test.
NON_INSTITUTIONAL_TLDS = (".test", ".invalid", ".localhost")

_AFFILIATION_STOP = {"the", "of", "at", "and", "de", "la", "du", "der", "di"}
_AFFILIATION_ABBREV = {"univ": "university", "u": "university", "inst": "institute"}


def normalize_affiliation(text: str) -> str:
    """ "The University of Maryland, College Park" and "university of maryland college park"
    compare equal: accents, case, punctuation and stop words dropped."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.split(r"[^a-z0-9]+", text)
    words = [_AFFILIATION_ABBREV.get(w, w) for w in words if w and w not in _AFFILIATION_STOP]
    return " ".join(words)


def _domain_of(email: str) -> str:
    return email.rsplit("@", 1)[1].lower() if "@" in (email or "") else ""


def _domains_overlap(a: set[str], b: set[str]) -> str | None:
    """A shared domain, or one being a subdomain of the other (cs.umd.edu and umd.edu)."""
    for x in a:
        for y in b:
            if x == y or x.endswith("." + y) or y.endswith("." + x):
                return min(x, y, key=len)
    return None


def committee_of(workshop):
    """Users with a reviewer, area-chair or chair role in ``workshop`` (one query)."""
    from accounts.models import User

    return User.objects.filter(
        pk__in=Membership.objects.filter(
            workshop=workshop,
            role__in=[MemberRole.REVIEWER, MemberRole.AREA_CHAIR, MemberRole.CHAIR],
        ).values("user_id")
    ).only("id", "email", "email_domains", "affiliation", "full_name")


def find_conflicts(
    workshop, *, ignore_domains=(), users=None
) -> dict[tuple[int, int], tuple[str, str]]:
    """(submission id, user id) → (source, reason) for every automatic conflict, in 2 queries.

    ``ignore_domains`` adds mail domains that say nothing about an institution (besides the
    public providers in ``PUBLIC_DOMAINS``), e.g. a demo site's shared domain. ``users`` limits
    the search to these committee members (every paper is still read, for co-authorship).
    """
    ignored = PUBLIC_DOMAINS | {d.lower() for d in ignore_domains}

    def _institutional(domains) -> set[str]:
        return {
            d for d in domains if d and d not in ignored and not d.endswith(NON_INSTITUTIONAL_TLDS)
        }

    from submissions.models import Authorship

    members = committee_of(workshop)
    if users is not None:
        members = members.filter(pk__in=[u.pk for u in users])
    members = list(members)
    rows = list(
        Authorship.objects.filter(submission__workshop=workshop).values(
            "submission_id",
            "email",
            "affiliation",
            "user_id",
            "user__email",
            "user__email_domains",
            "user__affiliation",
        )
    )
    # Authors of each paper as identities (user ids and lower-cased addresses).
    paper_ids: dict[int, set] = defaultdict(set)
    paper_domains: dict[int, set[str]] = defaultdict(set)
    paper_affiliations: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        ids = paper_ids[r["submission_id"]]
        ids.add(("email", r["email"].lower()))
        if r["user_id"]:
            ids.add(("user", r["user_id"]))
            ids.add(("email", (r["user__email"] or "").lower()))
        domains = {_domain_of(r["email"]), _domain_of(r["user__email"] or "")}
        domains |= set(parse_domains(r["user__email_domains"] or ""))
        paper_domains[r["submission_id"]] |= _institutional(domains)
        for aff in (r["affiliation"], r["user__affiliation"]):
            if normalize_affiliation(aff or ""):
                paper_affiliations[r["submission_id"]].add(normalize_affiliation(aff))

    found: dict[tuple[int, int], tuple[str, str]] = {}
    for member in members:
        me = {("user", member.pk), ("email", member.email.lower())}
        my_domains = _institutional(member.institution_domains)
        my_affiliation = normalize_affiliation(member.affiliation)
        own_papers = [sid for sid, ids in paper_ids.items() if ids & me]
        collaborators = (
            set().union(*(paper_ids[s] for s in own_papers)) - me if own_papers else set()
        )
        for sid, ids in paper_ids.items():
            key = (sid, member.pk)
            if ids & me:
                found[key] = (ConflictSource.AUTO_AUTHOR, "is an author of this paper")
            elif collaborators & ids:
                found[key] = (
                    ConflictSource.AUTO_COAUTHOR,
                    "co-authors another submission with an author of this paper",
                )
            elif domain := _domains_overlap(my_domains, paper_domains[sid]):
                found[key] = (ConflictSource.AUTO_DOMAIN, f"shares the domain {domain}")
            elif my_affiliation and my_affiliation in paper_affiliations[sid]:
                found[key] = (ConflictSource.AUTO_AFFILIATION, "has the same affiliation")
    return found


def detect_conflicts(workshop, *, ignore_domains=()) -> int:
    """Record every automatic conflict of ``workshop`` in bulk; returns how many were new.

    Automatic rows that no longer hold (an author was removed) are deleted; rows a chair
    dismissed stay dismissed. A constant number of queries whatever the size of the workshop.
    """
    found = find_conflicts(workshop, ignore_domains=ignore_domains)
    existing = {
        (c.submission_id, c.user_id, c.source): c
        for c in Conflict.objects.filter(
            submission__workshop=workshop, source__in=AUTOMATIC_SOURCES
        ).only("id", "submission_id", "user_id", "source")
    }
    wanted = {(sid, uid, source) for (sid, uid), (source, _) in found.items()}
    stale = [c.pk for key, c in existing.items() if key not in wanted]
    new = [
        Conflict(submission_id=sid, user_id=uid, source=source, reason=reason)
        for (sid, uid), (source, reason) in found.items()
        if (sid, uid, source) not in existing
    ]
    with transaction.atomic():
        removed = []
        if stale:
            gone = Conflict.objects.filter(pk__in=stale, dismissed_at__isnull=True)
            removed = list(gone.values_list("submission_id", "user_id", "source"))
            gone.delete()
        Conflict.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            _decline_conflicted_assignments({(c.submission_id, c.user_id) for c in new})
        if new or removed:
            _record_detection(workshop, new, removed)
    return len(new)


def _record_detection(workshop, new, removed) -> None:
    """One summary entry for the run (no paper named) and one entry per paper and person,
    carrying the paper, so a conflicted chair never reads about it."""
    from accounts.models import User

    ids = {c.user_id for c in new} | {uid for _, uid, _ in removed}
    names = {u.pk: name_of(u) for u in User.objects.filter(pk__in=ids).only("full_name", "email")}
    labels = dict(ConflictSource.choices)
    rows = [
        {
            "kind": Kind.CONFLICT,
            "action": "detected",
            "submission": c.submission_id,
            "message": f"Conflict found: {names.get(c.user_id, '?')} "
            f"({labels.get(c.source, c.source)}: {c.reason})",
            "changes": {"conflict": (None, names.get(c.user_id, "?"))},
        }
        for c in new
    ] + [
        {
            "kind": Kind.CONFLICT,
            "action": "detection_removed",
            "submission": sid,
            "message": f"Conflict no longer found: {names.get(uid, '?')} "
            f"({labels.get(source, source)})",
            "changes": {"conflict": (names.get(uid, "?"), None)},
        }
        for sid, uid, source in removed
    ]
    rows.append(
        {
            "kind": Kind.CONFLICT,
            "action": "detection_run",
            "message": f"Automatic conflict detection: {len(new)} new, {len(removed)} removed",
        }
    )
    record_many(workshop=workshop, rows=rows)


def automatic_conflict(submission, user) -> bool:
    """Check the pair with the automatic detection now (without waiting for a chair to press
    "detect"): a conflict found is recorded, so chairs see it and can dismiss it. True while the
    pair is conflicted this way; a conflict a chair dismissed before stays dismissed."""
    found = find_conflicts(submission.workshop, users=[user]).get((submission.pk, user.pk))
    if found is None:
        return False
    source, reason = found
    with transaction.atomic():
        conflict, created = Conflict.objects.get_or_create(
            submission_id=submission.pk, user=user, source=source, defaults={"reason": reason}
        )
        if created:
            _decline_conflicted_assignments({(submission.pk, user.pk)})
            record(
                workshop=submission.workshop_id,
                kind=Kind.CONFLICT,
                action="detected",
                submission=submission,
                message=f"Conflict found: {name_of(user)} "
                f"({ConflictSource(source).label}: {reason})",
                changes={"conflict": (None, name_of(user))},
            )
    if created:
        forget_rights(user)
    return conflict.dismissed_at is None


def automatic_conflict_ids(workshop, user) -> set[int]:
    """Papers of ``workshop`` the detection finds for ``user`` that a chair has not dismissed
    (in 3 queries; for lists such as the bidding page)."""
    found = {sid for (sid, uid) in find_conflicts(workshop, users=[user]) if uid == user.pk}
    if not found:
        return set()
    dismissed = set(
        Conflict.objects.filter(
            user=user, submission_id__in=found, dismissed_at__isnull=False
        ).values_list("submission_id", flat=True)
    )
    return found - dismissed


def _decline_conflicted_assignments(pairs: set[tuple[int, int]]) -> None:
    """Withdraw the pairs' active assignments, but never one whose review is submitted: those
    stay for the chairs to settle (``conflicted_reviewed_assignments``). An area chair of the
    pair leaves the paper the same way (unless their meta-review is submitted)."""
    if not pairs:
        return
    from .area_chairs import drop_conflicted_ac_assignments

    drop_conflicted_ac_assignments(pairs)
    q = Q()
    for sid, uid in pairs:
        q |= Q(submission_id=sid, reviewer_id=uid)
    Assignment.objects.filter(q, state=AssignmentState.ACTIVE).exclude(
        review__state=ReviewState.SUBMITTED
    ).update(state=AssignmentState.DECLINED, decline_reason="Conflict of interest")


def conflicted_reviewed_assignments(workshop, *, exclude=None):
    """Active assignments with a submitted review whose pair is now conflicted: flagged on the
    conflicts page for the chairs (the review stays; the reviewer no longer sees the paper)."""
    from django.db.models import Exists, OuterRef

    qs = (
        Assignment.objects.active()
        .filter(submission__workshop=workshop, review__state=ReviewState.SUBMITTED)
        .filter(
            Exists(
                Conflict.objects.active().filter(
                    submission=OuterRef("submission_id"), user=OuterRef("reviewer_id")
                )
            )
        )
        .select_related("submission", "reviewer")
        .order_by("submission__number", "ordinal")
    )
    if exclude is not None:
        qs = qs.exclude(submission_id__in=exclude)
    return list(qs)


def add_conflict(*, submission, user, source: str, by=None, reason: str = "") -> Conflict:
    """Record a conflict (or re-activate a dismissed one); an active assignment is withdrawn."""
    with transaction.atomic():
        conflict, created = Conflict.objects.get_or_create(
            submission=submission,
            user=user,
            source=source,
            defaults={"created_by": by, "reason": reason[:300]},
        )
        reactivated = not created and conflict.dismissed_at is not None
        if reactivated:
            conflict.dismissed_at = None
            conflict.dismissed_by = None
            conflict.save(update_fields=["dismissed_at", "dismissed_by"])
        if created or reactivated:
            record(
                workshop=submission.workshop_id,
                kind=Kind.CONFLICT,
                action="added" if created else "restored",
                actor=by,
                submission=submission,
                message=f"Conflict {'added' if created else 'restored'}: {name_of(user)} "
                f"({ConflictSource(source).label})" + (f": {reason}" if reason else ""),
                changes={"conflict": (None, name_of(user))},
            )
        _decline_conflicted_assignments({(submission.pk, user.pk)})
    forget_rights(user)
    return conflict


def remove_conflict(*, submission, user, by) -> int:
    """A chair overrides every source of the pair's conflict; returns the rows dismissed."""
    with transaction.atomic():
        count = (
            Conflict.objects.active()
            .filter(submission=submission, user=user)
            .update(dismissed_at=timezone.now(), dismissed_by=by)
        )
        if count:
            record(
                workshop=submission.workshop_id,
                kind=Kind.CONFLICT,
                action="removed",
                actor=by,
                submission=submission,
                message=f"Conflict removed: {name_of(user)}",
                changes={"conflict": (name_of(user), None)},
            )
    forget_rights(user)
    return count


def queue_detection(workshop_id: int) -> None:
    """Run the automatic detection of ``workshop_id`` (the Celery task) once the current
    transaction commits. The task is idempotent, so queueing it twice costs only time. When the
    broker is down the detection runs in this process instead (no sweep would run it, and a
    paper must not be assigned to a conflicted reviewer meanwhile); it is never raised: what
    triggered the detection is committed."""
    from config.dispatch import publish_on_commit

    # Named, not imported: the tasks module imports these services.
    publish_on_commit("reviews.detect_conflicts", workshop_id, inline_if_down=True)


def active_conflict_pairs(workshop) -> set[tuple[int, int]]:
    return set(
        Conflict.objects.active()
        .filter(submission__workshop=workshop)
        .values_list("submission_id", "user_id")
    )
