"""The chairs' decision pages: stage inline, confirm the release, correct after release."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from charts.queries import score_spreads
from submissions.enums import SubmissionState

from ..enums import ReviewState, outcomes_for
from ..models import Decision
from ..permissions import excluded_submission_ids, papers_for_manager, review_settings
from ..services import ReviewFlowError
from ..services.decisions import (
    StaleConfirmation,
    clear_decision,
    plan_release,
    release_decisions,
    release_statuses,
    stage_decision,
)
from .common import managed_workshop_or_404, paper_or_404


def _papers_to_decide(user, workshop):
    """Papers in review the chair may decide on, with their staged decision and review counts
    (one query)."""
    return (
        papers_for_manager(user, workshop)
        .filter(state=SubmissionState.SUBMITTED)
        .select_related("decision")
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__state="active"), distinct=True),
            submitted=Count(
                "assignments",
                filter=Q(
                    assignments__state="active",
                    assignments__review__state=ReviewState.SUBMITTED,
                ),
                distinct=True,
            ),
        )
    )


def _cell_context(workshop, paper, outcomes, *, error=""):
    staged = getattr(paper, "decision", None)
    if staged is not None and staged.is_released:
        staged = None
    return {
        "workshop": workshop,
        "paper": paper,
        "staged": staged,
        "outcomes": outcomes,
        "error": error,
    }


@login_required
def decisions(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    if request.method != "GET":
        # Releasing goes through the confirmation page only.
        return HttpResponseNotAllowed(["GET"])
    outcomes = [(o.value, o.label) for o in outcomes_for(workshop)]
    papers = list(_papers_to_decide(request.user, workshop))
    for paper in papers:
        paper.workshop = workshop
    released = (
        Decision.objects.filter(submission__workshop=workshop, released_at__isnull=False)
        .exclude(submission_id__in=excluded_submission_ids(request.user, workshop))
        .select_related("submission", "release")
        .order_by("submission__number")
    )
    staged = sum(
        1 for p in papers if getattr(p, "decision", None) is not None and not p.decision.is_released
    )
    return render(
        request,
        "reviews/manage/decisions.html",
        {
            "workshop": workshop,
            "rows": [_cell_context(workshop, p, outcomes) for p in papers],
            "outcomes": outcomes,
            "staged_count": staged,
            "released": released,
            "phase": review_settings(workshop).flags,
            "releases": release_statuses(workshop),
            "spreads": score_spreads(request.user, workshop),
        },
    )


@login_required
@require_POST
def decision_stage(request, slug, number):
    """Stage, change or withdraw (empty outcome) the decision on one paper. With htmx the
    decision cell is swapped in place; without JavaScript the page comes back."""
    submission, _ = paper_or_404(request, slug, number, "can_assign")
    workshop = submission.workshop
    outcome = request.POST.get("outcome", "")
    error = ""
    try:
        if outcome:
            current = Decision.objects.filter(submission=submission).first()
            stage_decision(
                submission=submission,
                outcome=outcome,
                comments=current.comments if current else "",
                by=request.user,
            )
            note = f"Decision on paper #{number} staged (not sent yet)."
        else:
            clear_decision(submission=submission, by=request.user)
            note = f"Staged decision on paper #{number} withdrawn."
    except ReviewFlowError as exc:
        error = str(exc)
    if request.headers.get("HX-Request") == "true":
        paper = _papers_to_decide(request.user, workshop).filter(pk=submission.pk).first()
        if paper is None:
            paper = submission
        paper.workshop = workshop
        outcomes = [(o.value, o.label) for o in outcomes_for(workshop)]
        context = _cell_context(workshop, paper, outcomes, error=error)
        context["saved"] = "" if error else note
        return render(request, "reviews/manage/_decision_cell.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("reviews:decisions", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def release_confirm(request, slug):
    """What a release would send, and the one button that sends it.

    The form carries the fingerprint of the staged set shown; a release confirmed against a set
    that has changed since is refused and the page shows the new one."""
    workshop = managed_workshop_or_404(request, slug)
    if request.method == "POST":
        try:
            release = release_decisions(
                workshop=workshop,
                by=request.user,
                fingerprint=request.POST.get("fingerprint", ""),
            )
        except StaleConfirmation as exc:
            messages.error(request, str(exc))
            return redirect("reviews:release_confirm", slug=slug)
        except ReviewFlowError as exc:
            messages.error(request, str(exc))
            return redirect("reviews:decisions", slug=slug)
        if release is None:
            messages.warning(request, "There are no staged decisions to release.")
        else:
            messages.success(
                request,
                f"{release.decisions.count()} decision(s) released; the authors are being "
                "notified.",
            )
        return redirect("reviews:decisions", slug=slug)
    plan = plan_release(workshop, request.user)
    return render(
        request, "reviews/manage/release_confirm.html", {"workshop": workshop, "plan": plan}
    )
