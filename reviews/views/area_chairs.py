"""The chairs' pages for area chairs: the table of papers with their area chair and the best
candidates, and the one door (assign / unassign) it shares with the chair's page of a paper.
Plain forms: no JavaScript needed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import User

from ..models import AreaChairAssignment
from ..permissions import review_settings
from ..services import ReviewFlowError
from ..services.area_chairs import (
    area_chair_table,
    assign_area_chair,
    unassign_area_chair,
)
from .common import managed_workshop_or_404, paper_or_404, posted_id


@login_required
def area_chairs(request, slug):
    """Every paper the chair manages, its area chair(s) and the best candidates by bid then
    topic overlap; one form per paper."""
    workshop = managed_workshop_or_404(request, slug)
    rows, people = area_chair_table(workshop, viewer=request.user)
    per_paper = review_settings(workshop).area_chairs_per_paper
    for row in rows:
        row["missing"] = max(per_paper - len(row["assignments"]), 0)
    return render(
        request,
        "reviews/area_chairs/table.html",
        {
            "workshop": workshop,
            "rows": rows,
            "people": people,
            "per_paper": per_paper,
            "unassigned": sum(1 for r in rows if not r["assignments"]),
        },
    )


def _back(request, slug, number=None):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if number is not None:
        return redirect("reviews:manage_paper", slug=slug, number=number)
    return redirect("reviews:area_chairs", slug=slug)


@login_required
@require_POST
def assign(request, slug, number):
    """Assign an area chair to paper ``number`` (a chair not conflicted with it: else 404)."""
    submission, _rights = paper_or_404(request, slug, number, "can_assign")
    user = User.objects.filter(pk=posted_id(request, "area_chair")).first()
    if user is None:
        raise Http404
    try:
        assign_area_chair(
            submission=submission,
            area_chair=user,
            by=request.user,
            beyond_max=request.POST.get("beyond_max") == "1",
        )
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{user} is now area chair of paper #{number}.")
    return _back(request, slug, number)


@login_required
@require_POST
def unassign(request, slug, number):
    submission, _rights = paper_or_404(request, slug, number, "can_assign")
    assignment = get_object_or_404(
        AreaChairAssignment.objects.select_related("area_chair", "submission__workshop"),
        pk=posted_id(request, "assignment"),
        submission=submission,
    )
    try:
        unassign_area_chair(assignment, by=request.user)
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{assignment.area_chair} is no longer area chair of #{number}.")
    return _back(request, slug, number)
