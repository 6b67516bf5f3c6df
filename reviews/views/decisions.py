"""The chairs' decision pages: stage inline, confirm the release, correct after release."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from charts.queries import score_spreads
from submissions.enums import SubmissionState
from workshops.tables import Table, number_url

from ..enums import DecisionOutcome, MetaReviewState, ReviewState, outcomes_for
from ..models import AreaChairAssignment, Decision, MetaReview
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
    """Papers in review the chair may decide on, with their staged decision (and who staged
    it), review counts, mean recommendation and the area chair's recommendation (one query)."""
    return (
        papers_for_manager(user, workshop)
        .filter(state=SubmissionState.SUBMITTED)
        .select_related("decision__decided_by")
        .annotate(
            mean=Avg(
                "assignments__review__recommendation",
                filter=Q(
                    assignments__state="active",
                    assignments__review__state=ReviewState.SUBMITTED,
                ),
            ),
            ac_recommendation=Subquery(
                MetaReview.objects.filter(
                    assignment__submission=OuterRef("pk"), state=MetaReviewState.SUBMITTED
                )
                .order_by("assignment_id")
                .values("recommendation")[:1]
            ),
            staged_by_area_chair=Exists(
                AreaChairAssignment.objects.filter(
                    submission=OuterRef("pk"), area_chair=OuterRef("decision__decided_by")
                )
            ),
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


def _cell_context(workshop, paper, outcomes, *, error="", back="", stage_url=None):
    staged = getattr(paper, "decision", None)
    if staged is not None and staged.is_released:
        staged = None
    recommendation = getattr(paper, "ac_recommendation", None)
    if recommendation:
        paper.ac_recommendation_label = DecisionOutcome(recommendation).label
    return {
        "workshop": workshop,
        "paper": paper,
        "staged": staged,
        "outcomes": outcomes,
        "stage_url": (stage_url or number_url("reviews:decision_stage", workshop.slug))(
            paper.number
        ),
        "error": error,
        "next": back,
    }


def _pages(request, name, page_param):
    """A page of the decisions page's tables: by paper number, the chair's page size."""
    return Table(
        request,
        name=name,
        columns=[],
        sorts={"number": ["number"]},
        default_sort="number",
        page_param=page_param,
    )


@login_required
def decisions(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    if request.method != "GET":
        # Releasing goes through the confirmation page only.
        return HttpResponseNotAllowed(["GET"])
    outcomes = [(o.value, o.label) for o in outcomes_for(workshop)]
    to_decide = _pages(request, "decisions", "page")
    page = to_decide.paginate(_papers_to_decide(request.user, workshop).order_by("number"))
    back = request.get_full_path()  # where a decision saved without JavaScript comes back
    stage_url = number_url("reviews:decision_stage", workshop.slug)
    rows = []
    for paper in page:
        paper.workshop = workshop
        rows.append(_cell_context(workshop, paper, outcomes, back=back, stage_url=stage_url))
    released_table = _pages(request, "released", "released_page")
    released = released_table.paginate(
        Decision.objects.filter(submission__workshop=workshop, released_at__isnull=False)
        .exclude(submission_id__in=excluded_submission_ids(request.user, workshop))
        .select_related("submission", "release")
        .order_by("submission__number")
    )
    staged = (
        papers_for_manager(request.user, workshop)
        .filter(
            state=SubmissionState.SUBMITTED,
            decision__isnull=False,
            decision__released_at__isnull=True,
        )
        .count()
    )
    return render(
        request,
        "reviews/manage/decisions.html",
        {
            "workshop": workshop,
            "rows": rows,
            "table": to_decide,
            "outcomes": outcomes,
            "staged_count": staged,
            "released": released,
            "released_table": released_table,
            "phase": review_settings(workshop).flags,
            "releases": release_statuses(workshop),
            # The score column of this page's papers only.
            "spreads": score_spreads(
                request.user,
                workshop,
                papers_for_manager(request.user, workshop).filter(
                    pk__in=[row["paper"].pk for row in rows]
                ),
            ),
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
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        context = _cell_context(workshop, paper, outcomes, error=error, back=back)
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
