"""Area-chair panels for the chairs' pages: ``{% load area_chair_tags %}``.

``{% area_chair_panel paper %}`` shows, on the chair's page of a paper, its area chairs, their
meta-reviews with the confidential note, who staged the decision, and the open emergency
reviewer requests with the button that marks them handled. ``{% emergency_requests workshop %}``
lists the open requests of the papers the signed-in chair may see. Both render nothing for
anyone else.
"""

from django import template

from ..models import AreaChairAssignment, Decision, EmergencyReviewerRequest
from ..permissions import paper_rights
from ..services.ac_workspace import open_emergency_requests

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("reviews/manage/_area_chair_panel.html", takes_context=True)
def area_chair_panel(context, paper, assignments=None):
    """``assignments``: the paper's area-chair rows with their meta-reviews, when the page has
    loaded them already (the chair's paper page has, for its assignment panel)."""
    user = _user(context)
    rights = paper_rights(user, paper)
    if not rights.is_manager:
        return {"hidden": True}
    if assignments is None:
        assignments = list(
            AreaChairAssignment.objects.filter(submission=paper)
            .select_related("area_chair", "meta_review")
            .order_by("pk")
        )
    area_chair_ids = {a.area_chair_id for a in assignments}
    decision = (
        Decision.objects.filter(submission=paper)
        .select_related("decided_by")
        .only(
            "id",
            "outcome",
            "released_at",
            "decided_by__id",
            "decided_by__full_name",
            "decided_by__email",
        )
        .first()
    )
    return {
        "hidden": False,
        "workshop": paper.workshop,
        "paper": paper,
        "assignments": assignments,
        "decision": decision,
        "staged_by_area_chair": bool(decision and decision.decided_by_id in area_chair_ids),
        "requests": list(
            EmergencyReviewerRequest.objects.filter(submission=paper)
            .select_related("requested_by", "handled_by")
            .order_by("-created_at", "-pk")
        ),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reviews/manage/_emergency_requests.html", takes_context=True)
def emergency_requests(context, workshop):
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"requests": []}
    return {
        "workshop": workshop,
        "requests": open_emergency_requests(user, workshop),
        "back": context["request"].get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
