"""The area chair's pages: their papers, one paper, the meta-review form, reminders, requests,
and the chairs' button that marks an emergency reviewer request handled."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from submissions.services.fields import shown_answers
from workshops.concurrency import EditConflict

from ..ac_forms import EmergencyRequestForm, MetaReviewForm
from ..enums import outcomes_for
from ..forms import CommentForm
from ..models import Comment, Decision, EmergencyReviewerRequest
from ..permissions import is_area_chair, review_settings
from ..services import ReviewFlowError
from ..services.ac_workspace import (
    area_chair_papers,
    handle_emergency_request,
    paper_progress,
    remind_late_reviewers_of_paper,
    request_emergency_reviewer,
)
from ..services.decisions import clear_decision, stage_decision
from ..services.discussion import speaker_labels
from ..services.meta_reviews import meta_review_of, save_meta_review
from .common import paper_or_404, posted_id, workshop_or_404


def _area_chair_workshop_or_404(request, slug):
    workshop = workshop_or_404(slug)
    if not is_area_chair(request.user, workshop):
        raise Http404
    return workshop


@login_required
def papers(request, slug):
    """Every paper of the area chair with its reviewers, their progress, the author response
    and the meta-review state; a constant number of queries."""
    workshop = _area_chair_workshop_or_404(request, slug)
    settings = review_settings(workshop)
    return render(
        request,
        "reviews/area_chair/papers.html",
        {
            "workshop": workshop,
            "phase": settings.flags,
            "rows": area_chair_papers(request.user, workshop),
        },
    )


def _discussion(submission, user, rights):
    if not rights.can_read_discussion:
        return None
    labels = speaker_labels(submission, viewer=user)
    comments = list(
        Comment.objects.filter(submission=submission).only("id", "author_id", "body", "created_at")
    )
    for comment in comments:
        comment.speaker = labels.get(comment.author_id, "Chair")
        comment.is_mine = comment.author_id == user.pk
    return comments


@login_required
def paper(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "is_area_chair")
    from .reviewer import _visible_reviews

    workshop = submission.workshop
    meta = meta_review_of(request.user, submission)
    decision = Decision.objects.filter(submission=submission).first()
    return render(
        request,
        "reviews/area_chair/paper.html",
        {
            "workshop": workshop,
            "paper": submission,
            "rights": rights,
            "authors": list(submission.authors.order_by("order", "pk"))
            if rights.can_see_authors
            else None,
            "topics": list(submission.topics.all()),
            "field_answers": shown_answers(submission, everything=False),
            "has_pdf": submission.current_paper is not None,
            "progress": paper_progress(submission),
            "reviews": _visible_reviews(submission, rights) if rights.can_see_reviews else [],
            "comments": _discussion(submission, request.user, rights),
            "comment_form": CommentForm() if rights.can_discuss else None,
            "meta": meta,
            "decision": decision,
            "outcomes": [(o.value, o.label) for o in outcomes_for(workshop)],
            "reviewers_see_name": review_settings(workshop).reviewers_see_area_chair_name,
            "open_request": EmergencyReviewerRequest.objects.filter(
                submission=submission, handled_at__isnull=True
            ).first(),
            "request_form": EmergencyRequestForm(),
            # Names this reminder: posting the same page twice sends nothing twice.
            "reminder_token": uuid.uuid4().hex,
        },
    )


@login_required
def meta_review(request, slug, number):
    """Draft, preview and submit the meta-review; refused when the page is stale, when the user
    is not the paper's area chair (404) and after the decision is released."""
    submission, rights = paper_or_404(request, slug, number, "is_area_chair")
    workshop = submission.workshop
    meta = meta_review_of(request.user, submission)
    initial = (
        {
            "recommendation": meta.recommendation,
            "comments": meta.comments,
            "confidential_note": meta.confidential_note,
        }
        if meta
        else None
    )
    form = MetaReviewForm(
        request.POST or None,
        initial=initial,
        workshop=workshop,
        version=meta.version if meta else 0,
    )

    def page(status=200, **extra):
        return render(
            request,
            "reviews/area_chair/meta_review.html",
            {
                "workshop": workshop,
                "paper": submission,
                "rights": rights,
                "meta": meta,
                "form": form,
                **extra,
            },
            status=status,
        )

    if request.method != "POST":
        return page()
    if not rights.can_meta_review:
        messages.error(
            request,
            "The decision on this paper was sent to the authors: the meta-review is closed."
            if rights.decision_released
            else "Meta-reviews cannot be written in the current phase.",
        )
        return page(status=403)
    if not form.is_valid():
        return page(status=400)
    if "preview" in request.POST:
        return page(preview=form.cleaned_data.get("comments", ""))
    try:
        meta = save_meta_review(
            submission=submission,
            user=request.user,
            data=form.meta_review_input(),
            submit="submit" in request.POST,
            version=form.loaded_version,
        )
    except EditConflict as conflict:
        current = conflict.current
        saved = (
            {
                "recommendation": current.recommendation,
                "comments": current.comments,
                "confidential_note": current.confidential_note,
            }
            if current is not None
            else {}
        )
        form.refuse(conflict, saved)
        return page(status=409)
    except ReviewFlowError as exc:
        form.add_error(None, str(exc))
        return page(status=400)
    messages.success(
        request, "Meta-review submitted." if meta.is_submitted else "Meta-review draft saved."
    )
    return redirect("reviews:ac_paper", slug=slug, number=number)


@login_required
@require_POST
def remind(request, slug, number):
    submission, _ = paper_or_404(request, slug, number, "is_area_chair")
    try:
        sent = remind_late_reviewers_of_paper(
            submission=submission, by=request.user, token=request.POST.get("token", "")
        )
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        if sent:
            messages.success(request, f"{sent} late reviewer(s) reminded.")
        else:
            messages.info(request, "No late reviewer to remind (or this reminder was sent).")
    return redirect("reviews:ac_paper", slug=slug, number=number)


@login_required
@require_POST
def emergency(request, slug, number):
    submission, _ = paper_or_404(request, slug, number, "is_area_chair")
    form = EmergencyRequestForm(request.POST)
    form.is_valid()
    try:
        request_emergency_reviewer(
            submission=submission,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The chairs were asked for an emergency reviewer.")
    return redirect("reviews:ac_paper", slug=slug, number=number)


@login_required
@require_POST
def stage(request, slug, number):
    """An area chair stages (or withdraws) the decision of their paper, when the chairs allow
    it; releasing stays with the chairs."""
    submission, rights = paper_or_404(request, slug, number, "is_area_chair")
    if not rights.can_decide:
        messages.error(request, "You cannot stage the decision of this paper.")
        return redirect("reviews:ac_paper", slug=slug, number=number)
    outcome = request.POST.get("outcome", "")
    posted = request.POST.get("version", "")
    version = int(posted) if posted.isdigit() else None
    try:
        if outcome:
            current = Decision.objects.filter(submission=submission).first()
            stage_decision(
                submission=submission,
                outcome=outcome,
                comments=current.comments if current else "",
                by=request.user,
                version=version,
            )
            messages.success(request, "Decision staged; the chairs release it.")
        else:
            clear_decision(submission=submission, by=request.user, version=version)
            messages.success(request, "Staged decision withdrawn.")
    except EditConflict as exc:
        messages.error(request, str(exc))
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:ac_paper", slug=slug, number=number)


@login_required
@require_POST
def handle_request(request, slug, number):
    """A chair marks an emergency reviewer request of the paper handled."""
    submission, _ = paper_or_404(request, slug, number, "can_assign")
    try:
        handle_emergency_request(
            request_id=posted_id(request, "request"), submission=submission, by=request.user
        )
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Request marked handled.")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("reviews:manage_paper", slug=slug, number=number)
