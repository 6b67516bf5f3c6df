"""The reviews app's bulk actions on the chairs' submissions list (``submissions.bulk``) and
its ``decision:`` search term (``submissions.search``).

Each paper goes through the same service and rights as the paper's own page: staging uses
``stage_decision`` (which checks ``can_decide``; nothing is released or sent), assigning uses
``assign`` (which refuses conflicts and full reviewers) after ``can_assign`` is checked.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from submissions.bulk import BulkAction, BulkResult, register_action
from submissions.search import register_field

from .enums import DecisionOutcome, outcomes_for


def decision_filter(queryset, value: str):
    """``decision:none``, ``decision:staged``, ``decision:released``, or an outcome's value
    or label (``decision:accept`` matches every kind of acceptance)."""
    needle = value.lower()
    if needle in {"none", "undecided"}:
        return queryset.filter(decision__isnull=True)
    if needle == "staged":
        return queryset.filter(decision__isnull=False, decision__released_at__isnull=True)
    if needle == "released":
        return queryset.filter(decision__released_at__isnull=False)
    outcomes = [
        o.value for o in DecisionOutcome if needle in o.value or needle in str(o.label).lower()
    ]
    return queryset.filter(decision__outcome__in=outcomes)


def _outcome_field(workshop, user):
    choices = [("", "Choose an outcome…")] + [(o.value, o.label) for o in outcomes_for(workshop)]
    return {"outcome": forms.ChoiceField(label="Outcome", choices=choices)}


def _clean_outcome(data):
    if not data.get("outcome"):
        raise ValidationError("Choose the outcome to stage.")


def _stage(request, workshop, submissions, data):
    from .models import Decision
    from .services import ReviewFlowError
    from .services.decisions import stage_decision

    existing = dict(
        Decision.objects.filter(submission__in=submissions).values_list("submission_id", "comments")
    )
    result = BulkResult()
    outcome = DecisionOutcome(data["outcome"])
    for submission in submissions:
        try:
            stage_decision(
                submission=submission,
                outcome=outcome,
                # A bulk outcome keeps the meta-review already written for the paper.
                comments=existing.get(submission.pk, ""),
                by=request.user,
            )
        except ReviewFlowError as exc:
            result.refused.append(f"Paper #{submission.number}: {exc}")
        else:
            result.done.append(submission.number)
    return result


def _reviewer_field(workshop, user):
    from accounts.models import User
    from workshops.enums import MemberRole
    from workshops.models import Membership

    reviewers = User.objects.filter(
        pk__in=Membership.objects.filter(workshop=workshop, role=MemberRole.REVIEWER).values(
            "user_id"
        )
    ).order_by("full_name", "email")
    choices = [("", "Choose a reviewer…")] + [(str(u.pk), str(u)) for u in reviewers]
    return {"reviewer": forms.ChoiceField(label="Reviewer", choices=choices)}


def _clean_reviewer(data):
    if not data.get("reviewer"):
        raise ValidationError("Choose the reviewer to assign.")


def _assign(request, workshop, submissions, data):
    from accounts.models import User

    from .permissions import paper_rights
    from .services import ReviewFlowError
    from .services.assignments import assign

    reviewer = User.objects.get(pk=data["reviewer"])
    result = BulkResult()
    for submission in submissions:
        if not paper_rights(request.user, submission).can_assign:
            result.refused.append(f"Paper #{submission.number} is not in review.")
            continue
        try:
            assign(submission=submission, reviewer=reviewer, by=request.user)
        except ReviewFlowError as exc:
            result.refused.append(f"Paper #{submission.number}: {exc} Not assigned.")
        else:
            result.done.append(submission.number)
    return result


def _reviewer_name(data) -> str:
    from accounts.models import User

    return str(User.objects.filter(pk=data["reviewer"]).first() or "the reviewer")


def register() -> None:
    register_field("decision", decision_filter)
    register_action(
        BulkAction(
            key="stage_decision",
            label="Stage a decision",
            run=_stage,
            fields=_outcome_field,
            clean=_clean_outcome,
            describe=lambda data: (
                f"Stage “{DecisionOutcome(data['outcome']).label}” (not sent: release it "
                "from the decisions page) for"
            ),
            done_message="Decision staged for {n} paper(s); nothing was sent.",
        )
    )
    register_action(
        BulkAction(
            key="assign",
            label="Assign a reviewer",
            run=_assign,
            fields=_reviewer_field,
            clean=_clean_reviewer,
            describe=lambda data: f"Assign {_reviewer_name(data)} to",
            done_message="Reviewer assigned to {n} paper(s).",
        )
    )
