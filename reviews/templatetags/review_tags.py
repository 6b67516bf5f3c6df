"""Template tags for other apps' pages: ``{% load review_tags %}``.

``{% author_reviews submission %}`` renders the released decision and the anonymized reviews of
``submission`` for the signed-in author (nothing before the release, nothing for others).

``{% released_decisions submissions as decisions %}`` loads, in one query, the released
decisions of those of ``submissions`` (submissions, or rows with a ``"submission"`` key) the
signed-in user authors; ``{{ decisions|decision_for:submission }}`` then gives one of them (or
``None``), with ``author_label`` ("Accepted — poster") set.

``{{ email.template_role|mail_kind }}`` names the kind of an outbox e-mail in plain words
("Decision letter: Accept as poster" for ``reviews.decision.accept_poster``).
"""

from django import template
from django.db.models import Q

from ..enums import AUTHOR_OUTCOME_LABELS, DecisionOutcome
from ..models import Decision
from ..permissions import paper_rights
from ..views.author import author_review_context

register = template.Library()


@register.inclusion_tag("reviews/includes/author_reviews.html", takes_context=True)
def author_reviews(context, submission):
    request = context.get("request")
    user = getattr(request, "user", None)
    rights = paper_rights(user, submission)
    if not rights.is_author:
        return {"decision": None, "author_reviews": [], "hidden": True}
    return {**author_review_context(submission, rights), "hidden": False}


@register.simple_tag(takes_context=True)
def released_decisions(context, submissions) -> dict:
    """Submission id → released ``Decision`` of the papers the user authors (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    ids = []
    for item in submissions or ():
        submission = item.get("submission") if isinstance(item, dict) else item
        if submission is not None:
            ids.append(submission.pk)
    if not ids:
        return {}
    decisions = (
        Decision.objects.filter(submission_id__in=ids, released_at__isnull=False)
        .filter(
            Q(submission__authors__user=user) | Q(submission__authors__email__iexact=user.email)
        )
        .only("id", "submission_id", "outcome", "released_at")
        .distinct()
    )
    result = {}
    for decision in decisions:
        decision.author_label = AUTHOR_OUTCOME_LABELS.get(
            decision.outcome, DecisionOutcome(decision.outcome).label
        )
        result[decision.submission_id] = decision
    return result


@register.filter
def decision_for(decisions, submission):
    if not decisions or submission is None:
        return None
    return decisions.get(getattr(submission, "pk", submission))


MAIL_KINDS = {
    "reviews.invitation": "Committee invitation",
    "reviews.assigned": "Review assignment",
    "reviews.reminder": "Review reminder",
    "reviews.declined": "Review declined",
    "reviews.comment": "Discussion message",
    "reviews.emergency_request": "Emergency reviewer request",
    "reviews.response": "Author response arrived",
    "submission.submitted": "Submission received",
    "submission.updated": "Submission updated",
    "submission.withdrawn": "Submission withdrawn",
    "submission.desk_rejected": "Desk rejection",
    "submission.reinstated": "Submission reinstated",
    "submission.coauthor_added": "Co-author added",
    "submission.author_removed": "Author removed",
    "submission.draft_reminder": "Draft reminder",
    "submission.deadline_extended": "Deadline extended",
}


@register.filter
def mail_kind(template_role: str) -> str:
    """What an outbox e-mail is, in words, from its ``template_role`` code."""
    if not template_role:
        return "Other"
    if template_role in MAIL_KINDS:
        return MAIL_KINDS[template_role]
    prefix, _, outcome = template_role.rpartition(".")
    if prefix == "reviews.decision" and outcome in DecisionOutcome.values:
        return f"Decision letter: {DecisionOutcome(outcome).label}"
    # An unknown code still reads as words, never as a dotted identifier.
    return template_role.rpartition(".")[2].replace("_", " ").capitalize()
