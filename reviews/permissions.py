"""The rights of the review process, computed in one place (HotCRP's idea).

``paper_rights(user, submission)`` answers every question about one (user, paper) pair in a few
queries and is cached on the user object for the request. Views, querysets, templates and
e-mails ask it (directly or through the ``rules`` permissions at the bottom), never roles.

Anonymity is a right like the others: reviewer-facing code asks ``can_see_authors`` and, when
false, never loads author rows (``papers_for_reviewer`` selects submission columns only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import rules
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from submissions.enums import ACTIVE_STATES, SubmissionState
from workshops.enums import DateKind, MemberRole
from workshops.permissions import is_site_admin
from workshops.roles import has_role

from .enums import AssignmentState, ReviewState, Visibility
from .phases import PhaseFlags

_CACHE_ATTR = "_paper_rights"

# Submissions the committee works on (the ones still in review or decided).
REVIEWABLE_STATES = {s.value for s in ACTIVE_STATES}


def review_settings(workshop):
    """The workshop's ``ReviewSettings`` (created on first use), cached on the workshop object."""
    cached = getattr(workshop, "_review_settings_cache", None)
    if cached is None:
        from .models import ReviewSettings

        cached, _ = ReviewSettings.objects.get_or_create(workshop=workshop)
        workshop._review_settings_cache = cached
    return cached


def forget_settings(workshop) -> None:
    if hasattr(workshop, "_review_settings_cache"):
        delattr(workshop, "_review_settings_cache")


def is_manager(user, workshop) -> bool:
    """A chair of the workshop or a site admin: manages reviewing (papers they are not
    conflicted with)."""
    return bool(has_role(user, workshop, MemberRole.CHAIR) or is_site_admin(user))


def is_committee(user, workshop) -> bool:
    return bool(
        has_role(user, workshop, MemberRole.REVIEWER)
        or has_role(user, workshop, MemberRole.AREA_CHAIR)
        or has_role(user, workshop, MemberRole.CHAIR)
        or is_site_admin(user)
    )


def is_area_chair(user, workshop) -> bool:
    """An area chair (meta-reviewer) of the workshop, whatever their papers."""
    return bool(has_role(user, workshop, MemberRole.AREA_CHAIR))


def reviews_due(workshop) -> dt.datetime | None:
    date = workshop.date(DateKind.REVIEWS_DUE)
    return date.effective_at if date else None


def due_date(assignment, workshop) -> dt.datetime | None:
    """When a review is due: the assignment's due date, else the workshop's reviews_due."""
    return assignment.due_at or reviews_due(workshop)


def review_deadline(assignment, workshop) -> dt.datetime | None:
    """Until when the server accepts the review: the due date, or the chair's later
    "accept late reviews until" date."""
    due = due_date(assignment, workshop)
    late = review_settings(workshop).late_reviews_until
    if due is None:
        return None
    return max(due, late) if late else due


def others_visibility(phase: PhaseFlags, settings) -> Visibility:
    """The stricter of the phase's rule and the chair's setting."""
    order = [Visibility.NEVER, Visibility.AFTER_OWN, Visibility.ALWAYS]
    return min(phase.can_see_other_reviews, settings.others_reviews, key=order.index)


@dataclass(frozen=True)
class PaperRights:
    """Everything ``user`` may do with one paper. False/None everywhere for strangers."""

    submission_id: int
    phase: PhaseFlags
    is_manager: bool = False  # chair/admin of the workshop and not conflicted
    is_committee: bool = False
    is_author: bool = False
    is_conflicted: bool = False
    assignment_id: int | None = None
    ordinal: int | None = None
    # The user is an area chair of this paper (not conflicted): sees its reviews, reviewer
    # names and discussion, reminds its reviewers, writes its meta-review.
    is_area_chair: bool = False
    area_chair_assignment_id: int | None = None
    can_meta_review: bool = False
    # Chairs and the paper's area chairs compare the submitted versions of its reviews.
    can_see_review_versions: bool = False
    # The paper's reviewers, area chairs and chairs read its author response ("Authors").
    can_read_response: bool = False
    has_submitted_review: bool = False
    deadline: dt.datetime | None = None
    decision_released: bool = False
    # Committee-side rights (never author data unless can_see_authors).
    can_view_paper: bool = False
    can_see_authors: bool = False
    can_bid: bool = False
    can_review: bool = False
    review_open: bool = False  # can_review and the deadline has not passed
    can_see_reviews: bool = False
    can_see_reviewer_names: bool = False
    can_see_confidential: bool = False
    can_read_discussion: bool = False
    can_discuss: bool = False
    can_assign: bool = False
    can_decide: bool = False
    # Author-side rights.
    author_can_see_decision: bool = False
    author_can_see_reviews: bool = False
    # The response phase is on: the author reads the reviews released for it and may respond
    # (the response deadline is checked by the response services).
    author_can_respond: bool = False

    @property
    def is_assigned(self) -> bool:
        return self.assignment_id is not None

    @property
    def reviewer_label(self) -> str:
        return f"Reviewer {self.ordinal}" if self.ordinal else ""


def _compute(user, submission, *, now=None) -> PaperRights:
    from submissions.models import Authorship

    from .models import AreaChairAssignment, Assignment, AuthorResponse, Conflict, Decision

    workshop = submission.workshop
    settings = review_settings(workshop)
    phase = settings.flags
    if user is None or not user.is_authenticated:
        return PaperRights(submission_id=submission.pk, phase=phase)

    # One query for the pair: conflict, authorship (existence only), decision release.
    author_match = Q(user=user) | Q(email__iexact=user.email)
    row = (
        type(submission)
        .objects.filter(pk=submission.pk)
        .annotate(
            _conflicted=Exists(
                Conflict.objects.active().filter(submission=OuterRef("pk"), user=user)
            ),
            _author=Exists(Authorship.objects.filter(author_match, submission=OuterRef("pk"))),
            _released=Exists(
                Decision.objects.filter(submission=OuterRef("pk"), released_at__isnull=False)
            ),
            _responded=Exists(
                AuthorResponse.objects.filter(submission=OuterRef("pk"), submitted_at__isnull=False)
            ),
        )
        .values("_conflicted", "_author", "_released", "_responded", "state")
        .first()
    )
    if row is None:
        return PaperRights(submission_id=submission.pk, phase=phase)
    conflicted = row["_conflicted"] or row["_author"]
    state = row["state"]
    in_review = state in REVIEWABLE_STATES
    released = row["_released"]
    is_author = row["_author"]

    committee = is_committee(user, workshop) and not conflicted
    manager = is_manager(user, workshop) and not conflicted and in_review
    assignment = None
    if committee and in_review:
        assignment = (
            Assignment.objects.filter(
                submission_id=submission.pk, reviewer=user, state=AssignmentState.ACTIVE
            )
            .select_related("review")
            .first()
        )
    ac_assignment_id = None
    if committee and in_review and is_area_chair(user, workshop):
        ac_assignment_id = (
            AreaChairAssignment.objects.filter(submission_id=submission.pk, area_chair=user)
            .values_list("pk", flat=True)
            .first()
        )
    area_chair = ac_assignment_id is not None
    review = getattr(assignment, "review", None) if assignment else None
    submitted = bool(review and review.state == ReviewState.SUBMITTED)
    deadline = review_deadline(assignment, workshop) if assignment else None
    now = now or timezone.now()

    assigned = assignment is not None
    can_view = (
        manager
        or assigned
        or area_chair
        or (committee and in_review and phase.committee_sees_all_papers)
    )
    can_review = assigned and phase.can_review
    # Once the authors responded, a reviewer may update a submitted review while the phase
    # allows reviewing (response and discussion), past the review deadline.
    update_after_response = bool(
        can_review
        and submitted
        and row["_responded"]
        and (phase.authors_respond or phase.can_discuss)
    )
    visibility = others_visibility(phase, settings)
    reviewer_sees = assigned and (
        visibility == Visibility.ALWAYS or (visibility == Visibility.AFTER_OWN and submitted)
    )
    # An area chair reads the reviews of their papers from the reviewing phase on.
    ac_sees = area_chair and (phase.can_review or phase.can_discuss or phase.can_decide)
    can_see_reviews = manager or reviewer_sees or ac_sees
    responding = bool(
        is_author and in_review and phase.authors_respond and settings.response_enabled
    )
    return PaperRights(
        submission_id=submission.pk,
        phase=phase,
        is_manager=manager,
        is_committee=committee,
        is_author=is_author,
        is_conflicted=conflicted,
        assignment_id=assignment.pk if assignment else None,
        ordinal=assignment.ordinal if assignment else None,
        is_area_chair=area_chair,
        area_chair_assignment_id=ac_assignment_id,
        can_meta_review=ac_sees and not released,
        can_see_review_versions=manager or ac_sees,
        can_read_response=manager or assigned or area_chair,
        has_submitted_review=submitted,
        deadline=deadline,
        decision_released=released,
        can_view_paper=can_view,
        can_see_authors=manager or (can_view and not workshop.hides_authors_from_reviewers),
        can_bid=committee and in_review and phase.can_bid and state == SubmissionState.SUBMITTED,
        can_review=can_review,
        review_open=can_review and (deadline is None or now <= deadline or update_after_response),
        can_see_reviews=can_see_reviews,
        can_see_reviewer_names=manager or area_chair,
        can_see_confidential=manager,
        can_read_discussion=manager or ((reviewer_sees or ac_sees) and phase.can_discuss),
        can_discuss=manager or ((reviewer_sees or ac_sees) and phase.can_discuss),
        can_assign=manager,
        # An area chair stages (never releases, never corrects) the decision of their papers.
        can_decide=phase.can_decide
        and (manager or (area_chair and settings.area_chairs_stage_decisions and not released)),
        author_can_see_decision=is_author and released,
        # The paper's own release opens its reviews, whatever phase the workshop is in.
        author_can_see_reviews=is_author and (released or responding),
        author_can_respond=responding,
    )


def paper_rights(user, submission, *, now=None) -> PaperRights:
    """The rights of ``user`` on ``submission``, cached on the user object for the request."""
    if user is None or submission is None:
        return PaperRights(submission_id=getattr(submission, "pk", 0), phase=None)
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        try:
            setattr(user, _CACHE_ATTR, cache)
        except AttributeError:  # AnonymousUser instances are shared; do not cache on them
            return _compute(user, submission, now=now)
    if now is not None or submission.pk not in cache:
        cache[submission.pk] = _compute(user, submission, now=now)
    return cache[submission.pk]


def forget_rights(user) -> None:
    """Drop cached rights after a change (a new assignment, conflict or review)."""
    for attr in (_CACHE_ATTR, "_conflicted_submission_ids"):
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


# ---------------------------------------------------------------------------------------------
# Querysets filtered by the same rules.


def conflicted_submission_ids(user, workshop):
    """Papers of ``workshop`` with a recorded, active conflict for ``user`` (a ``values``
    queryset of ``submission_id``)."""
    from .models import Conflict

    return (
        Conflict.objects.active()
        .filter(user=user, submission__workshop=workshop)
        .values("submission_id")
    )


def authored_submission_ids(user, workshop):
    """Papers of ``workshop`` ``user`` authors, by account or by address."""
    from submissions.models import Authorship

    return Authorship.objects.filter(
        Q(user=user) | Q(email__iexact=user.email), submission__workshop=workshop
    ).values("submission_id")


def excluded_submission_ids(user, workshop):
    """Papers of ``workshop`` that ``user`` must never see as a committee member or chair:
    recorded conflicts and papers they author (by account or e-mail address).

    A ``values_list("pk", flat=True)`` queryset of submission ids, to use as
    ``.exclude(submission_id__in=...)``. Every chair- and reviewer-facing page, list, export
    and e-mail filter goes through it (or through ``papers_for_manager`` / ``paper_rights``,
    which apply the same rule).
    """
    from submissions.models import Authorship, Submission

    from .models import Conflict

    return (
        Submission.objects.filter(workshop=workshop)
        .filter(
            Exists(Conflict.objects.active().filter(submission=OuterRef("pk"), user=user))
            | Exists(
                Authorship.objects.filter(
                    Q(user=user) | Q(email__iexact=user.email), submission=OuterRef("pk")
                )
            )
        )
        .order_by()
        .values_list("pk", flat=True)
    )


# The submission columns reviewer-facing pages may read: no author data exists among them.
REVIEWER_FIELDS = (
    "id",
    "workshop_id",
    "number",
    "title",
    "abstract",
    "keywords",
    "state",
    "submission_type_id",
    "submitted_at",
)


def papers_for_reviewer(user, workshop, *, assigned_only: bool = False):
    """Papers ``user`` may open as a committee member of ``workshop``, without author rows.

    Conflicted papers (and their own) are excluded. During bidding every submitted paper is
    included; otherwise only the ones assigned to ``user``.
    """
    from submissions.models import Submission

    from .models import Assignment

    if not is_committee(user, workshop):
        return Submission.objects.none()
    qs = (
        Submission.objects.filter(workshop=workshop, state__in=REVIEWABLE_STATES)
        .exclude(pk__in=excluded_submission_ids(user, workshop))
        .only(*REVIEWER_FIELDS)
    )
    phase = review_settings(workshop).flags
    if assigned_only or not phase.committee_sees_all_papers:
        qs = qs.filter(
            pk__in=Assignment.objects.filter(reviewer=user, state=AssignmentState.ACTIVE).values(
                "submission_id"
            )
        )
    return qs.order_by("number")


def papers_for_area_chair(user, workshop):
    """Papers ``user`` is area chair of in ``workshop``, without author rows (submission
    columns only, like ``papers_for_reviewer``). Conflicted papers (and their own) are
    excluded, and nothing is returned once they are no longer an area chair."""
    from submissions.models import Submission

    from .models import AreaChairAssignment

    if not is_area_chair(user, workshop):
        return Submission.objects.none()
    return (
        Submission.objects.filter(
            workshop=workshop,
            state__in=REVIEWABLE_STATES,
            pk__in=AreaChairAssignment.objects.filter(area_chair=user).values("submission_id"),
        )
        .exclude(pk__in=excluded_submission_ids(user, workshop))
        .only(*REVIEWER_FIELDS)
        .order_by("number")
    )


def papers_for_manager(user, workshop):
    """Papers a chair manages: every paper in review except ``excluded_submission_ids``."""
    from submissions.models import Submission

    if not is_manager(user, workshop):
        return Submission.objects.none()
    return (
        Submission.objects.filter(workshop=workshop, state__in=REVIEWABLE_STATES)
        .exclude(pk__in=excluded_submission_ids(user, workshop))
        .order_by("number")
    )


# ---------------------------------------------------------------------------------------------
# rules permissions built on paper_rights.


def _paper_predicate(attribute: str):
    @rules.predicate(name=f"paper_rights.{attribute}")
    def predicate(user, submission) -> bool:
        return bool(submission is not None and getattr(paper_rights(user, submission), attribute))

    return predicate


@rules.predicate
def manages_reviewing(user, workshop) -> bool:
    return bool(workshop is not None and is_manager(user, workshop))


@rules.predicate
def on_committee(user, workshop) -> bool:
    return bool(workshop is not None and is_committee(user, workshop))


@rules.predicate
def bidding_open(user, workshop) -> bool:
    return bool(workshop is not None and review_settings(workshop).flags.can_bid)


rules.add_perm("reviews.view_paper", _paper_predicate("can_view_paper"))
rules.add_perm("reviews.review_paper", _paper_predicate("can_review"))
rules.add_perm("reviews.see_other_reviews", _paper_predicate("can_see_reviews"))
rules.add_perm("reviews.see_reviewer_names", _paper_predicate("can_see_reviewer_names"))
rules.add_perm("reviews.discuss", _paper_predicate("can_discuss"))
rules.add_perm("reviews.assign", _paper_predicate("can_assign"))
rules.add_perm("reviews.decide", _paper_predicate("can_decide"))
rules.add_perm("reviews.see_decision", _paper_predicate("author_can_see_decision"))
rules.add_perm("reviews.see_reviews_as_author", _paper_predicate("author_can_see_reviews"))
rules.add_perm("reviews.manage_reviewing", manages_reviewing)
rules.add_perm("reviews.access_reviewing", on_committee)
rules.add_perm("reviews.bid", on_committee & bidding_open)


# ---------------------------------------------------------------------------------------------
# Assigned reviewers and area chairs may view their papers in the submissions app too (which
# hides the authors of double-blind papers from them through ``submissions.see_authors``).


def _assigned_predicate(user, submission) -> bool:
    if submission is None:
        return False
    rights = paper_rights(user, submission)
    return bool(rights.is_assigned or rights.is_area_chair)


def _assigned_q(user):
    from workshops.roles import roles_of

    from .models import AreaChairAssignment, Assignment, Conflict

    conflicted = Conflict.objects.active().filter(user=user).values("submission_id")
    q = Q(
        pk__in=Assignment.objects.filter(reviewer=user, state=AssignmentState.ACTIVE)
        .exclude(submission_id__in=conflicted)
        .values("submission_id"),
        state__in=REVIEWABLE_STATES,
    )
    # Area chairs of a paper, while they hold the role in its workshop.
    chaired = [wid for wid, roles in roles_of(user).items() if MemberRole.AREA_CHAIR in roles]
    if chaired:
        q |= Q(
            pk__in=AreaChairAssignment.objects.filter(area_chair=user)
            .exclude(submission_id__in=conflicted)
            .values("submission_id"),
            state__in=REVIEWABLE_STATES,
            workshop_id__in=chaired,
        )
    return q


# Chairs with a recorded conflict lose their chair access to that paper in the submissions
# app too (page, files, list, export); an author keeps their author access.


def _conflicted_predicate(user, submission) -> bool:
    from .models import Conflict

    if submission is None or user is None or not user.is_authenticated:
        return False
    cache = getattr(user, "_conflicted_submission_ids", None)
    if cache is None:
        cache = set(
            Conflict.objects.active().filter(user=user).values_list("submission_id", flat=True)
        )
        try:
            user._conflicted_submission_ids = cache
        except AttributeError:  # pragma: no cover - anonymous users are shared
            pass
    return submission.pk in cache


def _conflicted_q(user):
    from .models import Conflict

    return Q(pk__in=Conflict.objects.active().filter(user=user).values("submission_id"))


def _register_with_submissions() -> None:
    try:
        from submissions.permissions import add_exclusion_rule, add_viewer_rule
    except ImportError:  # pragma: no cover - the submissions app always has it
        return
    add_viewer_rule(_assigned_predicate, _assigned_q)
    add_exclusion_rule(_conflicted_predicate, _conflicted_q)


_register_with_submissions()
