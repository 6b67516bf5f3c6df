"""An area chair's work on their papers: progress rows, reminders, emergency reviewer requests.

The rows of the area chair's papers page take a constant number of queries whatever the number
of papers. Reminders and requests are sent through the outbox with keys that make a repeated
post send nothing twice, and every action is logged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activity.models import Kind
from activity.services import name_of, record
from mail.models import OutgoingEmail
from workshops.enums import MemberRole
from workshops.models import Membership

from ..enums import DecisionOutcome, MetaReviewState, ReviewState
from ..models import AreaChairAssignment, Assignment, AuthorResponse, EmergencyReviewerRequest
from ..permissions import due_date, paper_rights, papers_for_area_chair
from .area_chairs import AreaChairError
from .emails import send, site_url
from .reminders import _remind

# A reminder's token: the page that offered the button made it; posting the same page twice
# reuses it, so each late reviewer gets one e-mail per reminder.
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class ReviewerProgress:
    assignment_id: int
    label: str
    name: str
    email: str
    state: str  # "submitted", "draft", "not started"
    due: dt.datetime | None
    late: bool


@dataclass
class AreaChairPaper:
    paper: object
    reviewers: list[ReviewerProgress] = field(default_factory=list)
    response_arrived: bool = False
    meta_state: str = ""  # "", draft, submitted
    recommendation: str = ""
    decision: str = ""
    decision_released: bool = False

    @property
    def assigned(self) -> int:
        return len(self.reviewers)

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.reviewers if r.state == "submitted")

    @property
    def late(self) -> int:
        return sum(1 for r in self.reviewers if r.late)

    @property
    def next_due(self) -> dt.datetime | None:
        dues = [r.due for r in self.reviewers if r.state != "submitted" and r.due and not r.late]
        return min(dues) if dues else None

    @property
    def recommendation_label(self) -> str:
        return DecisionOutcome(self.recommendation).label if self.recommendation else ""

    @property
    def meta_state_label(self) -> str:
        return MetaReviewState(self.meta_state).label if self.meta_state else "Not started"


def progress_of(assignments, workshop, now) -> list[ReviewerProgress]:
    rows = []
    for a in assignments:
        review = getattr(a, "review", None)
        state = (
            "submitted"
            if review is not None and review.state == ReviewState.SUBMITTED
            else ("draft" if review is not None else "not started")
        )
        due = due_date(a, workshop)
        rows.append(
            ReviewerProgress(
                assignment_id=a.pk,
                label=a.label,
                name=str(a.reviewer),
                email=a.reviewer.email,
                state=state,
                due=due,
                late=state != "submitted" and due is not None and due < now,
            )
        )
    return rows


def area_chair_papers(user, workshop, *, now=None) -> list[AreaChairPaper]:
    """The papers ``user`` chairs in ``workshop``, with their reviewers' progress, the author
    response and the meta-review state: five queries whatever the number of papers."""
    from ..models import Decision

    now = now or timezone.now()
    papers = list(papers_for_area_chair(user, workshop))
    ids = [p.pk for p in papers]
    rows = {p.pk: AreaChairPaper(paper=p) for p in papers}
    assignments = (
        Assignment.objects.active()
        .filter(submission_id__in=ids)
        .select_related("reviewer", "review")
        .only(
            "id",
            "submission_id",
            "ordinal",
            "due_at",
            "state",
            "reviewer__id",
            "reviewer__email",
            "reviewer__full_name",
            "review__id",
            "review__state",
        )
        .order_by("submission_id", "ordinal")
    )
    by_paper: dict[int, list] = {}
    for a in assignments:
        by_paper.setdefault(a.submission_id, []).append(a)
    for pk, items in by_paper.items():
        rows[pk].reviewers = progress_of(items, workshop, now)
    for pk in AuthorResponse.objects.filter(
        submission_id__in=ids, submitted_at__isnull=False
    ).values_list("submission_id", flat=True):
        rows[pk].response_arrived = True
    for pk, state, recommendation in AreaChairAssignment.objects.filter(
        submission_id__in=ids, area_chair=user
    ).values_list("submission_id", "meta_review__state", "meta_review__recommendation"):
        rows[pk].meta_state = state or ""
        rows[pk].recommendation = recommendation or ""
    for pk, outcome, released in Decision.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "outcome", "released_at"
    ):
        rows[pk].decision = outcome
        rows[pk].decision_released = released is not None
    return list(rows.values())


def paper_progress(submission, *, now=None) -> list[ReviewerProgress]:
    """The reviewers' progress on one paper (one query)."""
    assignments = (
        Assignment.objects.active()
        .filter(submission=submission)
        .select_related("reviewer", "review")
        .order_by("ordinal")
    )
    return progress_of(assignments, submission.workshop, now or timezone.now())


def _may_act(user, submission):
    rights = paper_rights(user, submission)
    if not (rights.is_area_chair or rights.is_manager):
        raise AreaChairError("You are not the area chair of this paper.")
    return rights


def remind_late_reviewers_of_paper(*, submission, by, token: str, now=None) -> int:
    """Remind the late reviewers of one paper: one e-mail per late reviewer per reminder (the
    ``token`` of the page that offered the button names the reminder, so posting it twice sends
    nothing more). Returns how many e-mails this call queued; logged when any."""
    _may_act(by, submission)
    if not TOKEN.match(token or ""):
        raise AreaChairError("This reminder form is not valid; open the page again.")
    now = now or timezone.now()
    workshop = submission.workshop
    late = [
        a
        for a in Assignment.objects.active()
        .filter(submission=submission)
        .exclude(review__state=ReviewState.SUBMITTED)
        .select_related("reviewer", "submission__workshop")
        if (due := due_date(a, workshop)) is not None and due < now
    ]
    keys = {a.pk: f"review-reminder:{a.pk}:ac:{token}" for a in late}
    earlier = set(
        OutgoingEmail.objects.filter(idempotency_key__in=keys.values()).values_list(
            "idempotency_key", flat=True
        )
    )
    sent = []
    with transaction.atomic():
        for a in late:
            if keys[a.pk] in earlier:
                continue
            _remind(a, kind="ac", due=due_date(a, workshop), key=keys[a.pk])
            sent.append(a)
        if sent:
            record(
                workshop=submission.workshop_id,
                kind=Kind.ASSIGNMENT,
                action="reminded",
                actor=by,
                submission=submission,
                message=f"{len(sent)} late reviewer(s) reminded by {name_of(by)}: "
                + ", ".join(a.label for a in sent),
            )
    return len(sent)


def _chairs_to_tell(submission):
    """The chairs of the paper's workshop who may see the paper (conflicts excluded)."""
    members = Membership.objects.filter(
        workshop_id=submission.workshop_id, role=MemberRole.CHAIR
    ).select_related("user")
    return [m.user for m in members if paper_rights(m.user, submission).is_manager]


def request_emergency_reviewer(*, submission, by, reason: str = "") -> EmergencyReviewerRequest:
    """An area chair asks the chairs for one more reviewer; the chairs who may see the paper
    are mailed once. While a request of the paper is open, asking again changes nothing."""
    rights = paper_rights(by, submission)
    if not rights.is_area_chair:
        raise AreaChairError("You are not the area chair of this paper.")
    if rights.decision_released:
        raise AreaChairError("The decision on this paper was already sent to the authors.")
    reason = (reason or "").strip()[:2000]
    with transaction.atomic():
        # Serialise requests for the paper (a double post waits for the first).
        AreaChairAssignment.objects.select_for_update().filter(
            pk=rights.area_chair_assignment_id
        ).first()
        existing = EmergencyReviewerRequest.objects.filter(
            submission=submission, handled_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        request = EmergencyReviewerRequest.objects.create(
            submission=submission, requested_by=by, reason=reason
        )
        record(
            workshop=submission.workshop_id,
            kind=Kind.ASSIGNMENT,
            action="emergency_requested",
            actor=by,
            submission=submission,
            message=f"Emergency reviewer requested by {name_of(by)} (area chair)",
            changes={"reason": (None, reason)} if reason else None,
        )
        workshop = submission.workshop
        url = site_url(reverse("reviews:manage_paper", args=[workshop.slug, submission.number]))
        for chair in _chairs_to_tell(submission):
            send(
                "emergency_request",
                workshop=workshop,
                recipient=chair.email,
                user=chair,
                subject=f"Emergency reviewer needed for paper #{submission.number}",
                key=f"emergency-request:{submission.pk}:{request.pk}:{chair.pk}",
                context={
                    "chair": chair,
                    "paper_number": submission.number,
                    "paper_title": submission.title,
                    "reason": reason,
                    "url": url,
                },
            )
    return request


def handle_emergency_request(*, request_id: int, submission, by) -> EmergencyReviewerRequest:
    """A chair marks a request handled (once; a second post changes nothing)."""
    if not paper_rights(by, submission).is_manager:
        raise AreaChairError("You cannot manage this paper.")
    with transaction.atomic():
        request = (
            EmergencyReviewerRequest.objects.select_for_update()
            .filter(pk=request_id, submission=submission)
            .first()
        )
        if request is None:
            raise AreaChairError("No such request.")
        if request.handled_at is None:
            request.handled_at = timezone.now()
            request.handled_by = by
            request.save(update_fields=["handled_at", "handled_by"])
            record(
                workshop=submission.workshop_id,
                kind=Kind.ASSIGNMENT,
                action="emergency_handled",
                actor=by,
                submission=submission,
                message=f"Emergency reviewer request marked handled by {name_of(by)}",
                changes={"handled": (False, True)},
            )
    return request


def open_emergency_requests(user, workshop):
    """Open requests of the papers ``user`` manages (conflicted papers left out), one query."""
    from ..permissions import excluded_submission_ids, is_manager

    if not is_manager(user, workshop):
        return []
    return list(
        EmergencyReviewerRequest.objects.filter(
            submission__workshop=workshop, handled_at__isnull=True
        )
        .exclude(submission_id__in=excluded_submission_ids(user, workshop))
        .select_related("submission", "requested_by")
        .only(
            "id",
            "reason",
            "created_at",
            "submission__id",
            "submission__number",
            "submission__title",
            "requested_by__id",
            "requested_by__full_name",
            "requested_by__email",
        )
        .order_by("created_at", "pk")
    )
