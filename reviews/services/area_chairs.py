"""Area chairs in charge of papers, assigned by hand (the one door; the optimal solver's
commit creates the same rows in bulk, see ``auto_assign.commit``).

Refused: a person who is not an area chair of the workshop, a paper not in review, a
conflicted pair (a recorded conflict, an author, a "conflict" bid, or one the automatic
detection finds now), and a paper the acting chair may not see. Every change is logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from activity.models import Kind
from activity.services import name_of, record
from workshops.enums import MemberRole
from workshops.models import Membership
from workshops.roles import has_role

from ..enums import AssignmentSource, BidPreference, MetaReviewState
from ..models import AreaChairAssignment, Bid, MetaReview, ReviewerProfile
from ..permissions import REVIEWABLE_STATES, excluded_submission_ids, forget_rights
from . import ReviewFlowError
from .emails import send, site_url


class AreaChairError(ReviewFlowError):
    pass


class AreaChairOverMaxError(AreaChairError):
    """The area chair is at the maximum of their profile; the chair may confirm."""


def area_chair_ids(workshop):
    """Ids of the workshop's area chairs (a ``values_list`` queryset)."""
    return Membership.objects.filter(workshop=workshop, role=MemberRole.AREA_CHAIR).values_list(
        "user_id", flat=True
    )


def area_chairs_of(workshop):
    from accounts.models import User

    return User.objects.filter(pk__in=area_chair_ids(workshop)).order_by("full_name", "email")


def ac_loads(workshop) -> dict[int, int]:
    """Papers in review per area chair id in ``workshop`` (one query)."""
    return dict(
        AreaChairAssignment.objects.filter(
            submission__workshop=workshop, submission__state__in=REVIEWABLE_STATES
        )
        .values("area_chair_id")
        .annotate(n=Count("id"))
        .values_list("area_chair_id", "n")
    )


def ac_max_papers(workshop, user) -> int | None:
    return (
        ReviewerProfile.objects.filter(workshop=workshop, user=user)
        .values_list("ac_max_papers", flat=True)
        .first()
    )


def is_conflicted_ac(submission, user) -> bool:
    """The reviewer rule (recorded conflicts, authors, the automatic detection) plus a
    "conflict" bid: one Bid row serves both roles."""
    from .assignments import is_conflicted

    return (
        is_conflicted(submission, user)
        or Bid.objects.filter(
            submission=submission, reviewer=user, preference=BidPreference.CONFLICT
        ).exists()
    )


def _not_theirs(by, submission) -> bool:
    if by is None or not by.is_authenticated:
        return False
    return excluded_submission_ids(by, submission.workshop).filter(pk=submission.pk).exists()


def assign_area_chair(
    *,
    submission,
    area_chair,
    by,
    source: str = AssignmentSource.MANUAL,
    beyond_max: bool = False,
    notify: bool = True,
) -> AreaChairAssignment:
    """Put ``area_chair`` in charge of ``submission``; refuses non-area-chairs, papers not in
    review, conflicted pairs and (unless ``beyond_max``) an area chair at the maximum of their
    profile. Assigning the same pair twice returns the existing row."""
    workshop = submission.workshop
    if _not_theirs(by, submission):
        # The same answer as for a paper that does not exist: nothing to learn from it.
        raise AreaChairError(f"There is no paper #{submission.number} to assign.")
    if not has_role(area_chair, workshop, MemberRole.AREA_CHAIR):
        raise AreaChairError(f"{area_chair} is not an area chair of {workshop.short_name}.")
    if submission.state not in REVIEWABLE_STATES:
        raise AreaChairError(f"Paper #{submission.number} is not in review.")
    if is_conflicted_ac(submission, area_chair):
        raise AreaChairError(
            f"{area_chair} has a conflict of interest with paper #{submission.number}."
        )
    existing = AreaChairAssignment.objects.filter(
        submission=submission, area_chair=area_chair
    ).first()
    if existing is not None:
        return existing
    limit = ac_max_papers(workshop, area_chair)
    if limit is not None and not beyond_max:
        load = ac_loads(workshop).get(area_chair.pk, 0)
        if load >= limit:
            raise AreaChairOverMaxError(
                f"{area_chair} already chairs {load} paper(s), their maximum is {limit}; "
                "confirm to assign beyond it."
            )
    with transaction.atomic():
        assignment, created = AreaChairAssignment.objects.get_or_create(
            submission=submission,
            area_chair=area_chair,
            defaults={"source": source, "created_by": by},
        )
        if created:
            record(
                workshop=workshop,
                kind=Kind.ASSIGNMENT,
                action="area_chair_assigned",
                actor=by,
                submission=submission,
                message=f"{name_of(area_chair)} assigned as area chair"
                + (" (automatic run)" if source != AssignmentSource.MANUAL else ""),
                changes={"area_chair": (None, name_of(area_chair))},
            )
            if notify:
                notify_assigned(assignment)
    forget_rights(area_chair)
    return assignment


def notify_assigned(assignment: AreaChairAssignment) -> None:
    """Tell the area chair (title and number only: never the authors)."""
    submission = assignment.submission
    workshop = submission.workshop
    send(
        "area_chair_assigned",
        workshop=workshop,
        recipient=assignment.area_chair.email,
        user=assignment.area_chair,
        subject=f"Area chair of paper #{submission.number}",
        key=f"area-chair-assignment:{assignment.pk}",
        context={
            "area_chair": assignment.area_chair,
            "paper_number": submission.number,
            "paper_title": submission.title,
            "url": site_url(reverse("reviews:paper", args=[workshop.slug, submission.number])),
        },
    )


def unassign_area_chair(assignment: AreaChairAssignment, *, by) -> None:
    """Take the area chair off the paper; refused once their meta-review is submitted."""
    submission = assignment.submission
    if _not_theirs(by, submission):
        raise AreaChairError(f"There is no paper #{submission.number} to change.")
    if MetaReview.objects.filter(assignment=assignment, state=MetaReviewState.SUBMITTED).exists():
        raise AreaChairError(
            f"{assignment.area_chair} already submitted a meta-review; they stay in charge."
        )
    area_chair = assignment.area_chair
    with transaction.atomic():
        record(
            workshop=submission.workshop_id,
            kind=Kind.ASSIGNMENT,
            action="area_chair_unassigned",
            actor=by,
            submission=submission,
            message=f"{name_of(area_chair)} no longer area chair",
            changes={"area_chair": (name_of(area_chair), None)},
        )
        assignment.delete()
    forget_rights(area_chair)


def release_open_ac_assignments(workshop, user) -> int:
    """Drop ``user``'s area-chair assignments without a submitted meta-review (they left the
    role); returns how many. Called inside the caller's transaction."""
    submitted = MetaReview.objects.filter(
        assignment=OuterRef("pk"), state=MetaReviewState.SUBMITTED
    )
    pending = AreaChairAssignment.objects.filter(
        submission__workshop=workshop, area_chair=user
    ).exclude(Exists(submitted))
    count = pending.count()
    pending.delete()
    return count


def drop_conflicted_ac_assignments(pairs: set[tuple[int, int]]) -> None:
    """A conflict found or declared removes the area chair from the paper (unless their
    meta-review is submitted: the chairs settle those on the conflicts page)."""
    if not pairs:
        return
    q = Q()
    for sid, uid in pairs:
        q |= Q(submission_id=sid, area_chair_id=uid)
    submitted = MetaReview.objects.filter(
        assignment=OuterRef("pk"), state=MetaReviewState.SUBMITTED
    )
    AreaChairAssignment.objects.filter(q).exclude(Exists(submitted)).delete()


# ---------------------------------------------------------------------------------------------
# The chairs' table: each paper with its area chairs and the best candidates.


@dataclass
class Candidate:
    user: object
    bid: str
    bid_label: str
    match: int
    load: int
    max: int | None
    conflicted: bool = False
    assigned: bool = False

    @property
    def full(self) -> bool:
        return self.max is not None and self.load >= self.max


def _bid_rank(preference: str) -> int:
    order = [
        BidPreference.EAGER,
        BidPreference.WILLING,
        BidPreference.NEUTRAL,
        BidPreference.NOT_WILLING,
    ]
    return order.index(preference) if preference in order else len(order)


def area_chair_table(workshop, *, viewer, candidates_per_paper: int = 3):
    """Rows (paper, its area chairs, the best candidates by bid then topic overlap) for the
    papers ``viewer`` manages, and the area chairs with their loads. A fixed number of queries
    whatever the number of papers."""
    from ..permissions import papers_for_manager
    from .conflicts import active_conflict_pairs

    papers = list(
        papers_for_manager(viewer, workshop)
        .only("id", "number", "title", "state", "workshop_id")
        .prefetch_related("topics")
    )
    chairs = list(area_chairs_of(workshop))
    loads = ac_loads(workshop)
    maxima = dict(
        ReviewerProfile.objects.filter(workshop=workshop).values_list("user_id", "ac_max_papers")
    )
    profile_topics: dict[int, set[int]] = {}
    for uid, tid in ReviewerProfile.topics.through.objects.filter(
        reviewerprofile__workshop=workshop, reviewerprofile__user_id__in=[u.pk for u in chairs]
    ).values_list("reviewerprofile__user_id", "topic_id"):
        profile_topics.setdefault(uid, set()).add(tid)
    bids = {
        (sid, uid): pref
        for sid, uid, pref in Bid.objects.filter(
            submission__workshop=workshop, reviewer_id__in=[u.pk for u in chairs]
        ).values_list("submission_id", "reviewer_id", "preference")
    }
    conflicts = active_conflict_pairs(workshop)
    from submissions.models import Authorship

    by_email = {u.email.lower(): u.pk for u in chairs}
    for sid, uid, email in Authorship.objects.filter(submission__workshop=workshop).values_list(
        "submission_id", "user_id", "email"
    ):
        if uid:
            conflicts.add((sid, uid))
        if (email or "").lower() in by_email:
            conflicts.add((sid, by_email[email.lower()]))
    assigned: dict[int, list] = {}
    for a in AreaChairAssignment.objects.filter(submission__workshop=workshop).select_related(
        "area_chair", "meta_review"
    ):
        assigned.setdefault(a.submission_id, []).append(a)
    labels = dict(BidPreference.choices)
    rows = []
    for paper in papers:
        topics = {t.pk for t in paper.topics.all()}
        mine = assigned.get(paper.pk, [])
        for a in mine:
            # Kept through a later conflict only with a submitted meta-review: flagged.
            a.conflicted = (paper.pk, a.area_chair_id) in conflicts
        taken = {a.area_chair_id for a in mine}
        options = []
        for user in chairs:
            key = (paper.pk, user.pk)
            bid = bids.get(key, BidPreference.NEUTRAL)
            if key in conflicts or bid == BidPreference.CONFLICT or user.pk in taken:
                continue
            options.append(
                Candidate(
                    user=user,
                    bid=bid,
                    bid_label=labels.get(bid, bid),
                    match=len(profile_topics.get(user.pk, set()) & topics),
                    load=loads.get(user.pk, 0),
                    max=maxima.get(user.pk),
                )
            )
        options.sort(key=lambda c: (c.full, _bid_rank(c.bid), -c.match, c.load, c.user.pk))
        rows.append(
            {
                "paper": paper,
                "assignments": mine,
                "candidates": options[:candidates_per_paper],
                "choices": options,
            }
        )
    people = [{"user": u, "load": loads.get(u.pk, 0), "max": maxima.get(u.pk)} for u in chairs]
    return rows, people


def paper_panel(submission) -> dict:
    """The area chairs of one paper and every area chair as a candidate (bid, topic match,
    load, conflict), for the chair's page of the paper. Six queries."""
    workshop = submission.workshop
    assignments = list(
        AreaChairAssignment.objects.filter(submission=submission)
        .select_related("area_chair", "meta_review")
        .order_by("pk")
    )
    chairs = list(area_chairs_of(workshop))
    loads = ac_loads(workshop)
    maxima = dict(
        ReviewerProfile.objects.filter(workshop=workshop).values_list("user_id", "ac_max_papers")
    )
    bids = dict(
        Bid.objects.filter(
            submission=submission, reviewer_id__in=[u.pk for u in chairs]
        ).values_list("reviewer_id", "preference")
    )
    from submissions.models import Authorship

    from ..models import Conflict

    conflicted = set(
        Conflict.objects.active().filter(submission=submission).values_list("user_id", flat=True)
    )
    by_email = {u.email.lower(): u.pk for u in chairs}
    for uid, email in Authorship.objects.filter(submission=submission).values_list(
        "user_id", "email"
    ):
        conflicted |= {uid, by_email.get((email or "").lower())}
    paper_topics = {t.pk for t in submission.topics.all()}
    profile_topics: dict[int, set[int]] = {}
    for uid, tid in ReviewerProfile.topics.through.objects.filter(
        reviewerprofile__workshop=workshop, reviewerprofile__user_id__in=[u.pk for u in chairs]
    ).values_list("reviewerprofile__user_id", "topic_id"):
        profile_topics.setdefault(uid, set()).add(tid)
    taken = {a.area_chair_id for a in assignments}
    for a in assignments:
        a.conflicted = a.area_chair_id in conflicted
    labels = dict(BidPreference.choices)
    candidates = []
    for user in chairs:
        bid = bids.get(user.pk, BidPreference.NEUTRAL)
        candidate = Candidate(
            user=user,
            bid=bid,
            bid_label=labels.get(bid, bid),
            match=len(profile_topics.get(user.pk, set()) & paper_topics),
            load=loads.get(user.pk, 0),
            max=maxima.get(user.pk),
        )
        candidate.conflicted = user.pk in conflicted or bid == BidPreference.CONFLICT
        candidate.assigned = user.pk in taken
        candidates.append(candidate)
    candidates.sort(
        key=lambda c: (c.conflicted, c.assigned, c.full, _bid_rank(c.bid), -c.match, c.load)
    )
    return {
        "assignments": assignments,
        "candidates": candidates,
        "per_paper": _per_paper(workshop),
    }


def _per_paper(workshop) -> int:
    from ..permissions import review_settings

    return review_settings(workshop).area_chairs_per_paper
