"""The author response: the authors' page, a chair's per-paper deadline, and what changed in a
review after the response (for chairs and the paper's area chairs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from workshops.concurrency import EditConflict, FieldChange

from ..models import AuthorResponse, Review
from ..permissions import review_settings
from ..response_forms import ResponseDeadlineForm, ResponseForm
from ..services import review_versions
from ..services.responses import (
    ResponseError,
    count_words,
    deadline_for,
    format_deadline,
    general_deadline,
    response_of,
    reviews_for_response,
    save_response,
    set_deadline_override,
    shows_scores,
    window_open,
)
from .common import paper_or_404


@login_required
@require_http_methods(["GET", "POST"])
def author_response(request, slug, number):
    """Authors read the reviews released for the response and write (or edit) the response.

    Someone who is not an author gets a 404; an author outside the window a page that says the
    response is closed, without the reviews, and a post changes nothing."""
    submission, rights = paper_or_404(request, slug, number, "is_author")
    workshop = submission.workshop
    settings = review_settings(workshop)
    response = response_of(submission)
    deadline = deadline_for(submission, response)
    now = timezone.now()
    if not window_open(submission, rights, response, now=now):
        return render(
            request,
            "reviews/response_closed.html",
            {
                "workshop": workshop,
                "paper": submission,
                "deadline": deadline if rights.author_can_respond else None,
                "response": response if response is not None and response.has_text else None,
            },
            status=403,
        )
    saved_version = response.version if response is not None else 1
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        limit=settings.response_word_limit,
        initial={"text": response.text if response else ""},
        version=saved_version,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save_response(
                submission,
                user=request.user,
                text=form.cleaned_data["text"],
                version=form.loaded_version,
            )
        except EditConflict as conflict:
            current = conflict.current
            form.refuse(conflict, {})
            conflict.changes = [
                FieldChange(
                    label="Response text",
                    yours=form.cleaned_data["text"],
                    saved=current.text if current is not None else "",
                )
            ]
            status = 409
        except ResponseError as exc:
            form.add_error("text", str(exc))
            status = 400
        else:
            messages.success(
                request,
                "Your response was saved. You may edit it until "
                f"{format_deadline(deadline, workshop)}."
                if deadline
                else "Your response was saved. You may edit it while the response is open.",
            )
            return redirect("reviews:author_response", slug=slug, number=number)
    elif request.method == "POST":
        status = 400
    typed = form["text"].value() or ""
    show_scores = shows_scores(workshop)
    reviews = reviews_for_response(submission, with_scores=show_scores)
    return render(
        request,
        "reviews/response.html",
        {
            "workshop": workshop,
            "paper": submission,
            "form": form,
            "response": response,
            "deadline": deadline,
            "limit": settings.response_word_limit,
            "words": count_words(typed),
            "reviews": reviews,
            "show_scores": show_scores,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_deadline(request, slug, number):
    """A chair gives one paper a later author-response deadline (or takes it back)."""
    submission, rights = paper_or_404(request, slug, number, "can_assign")
    workshop = submission.workshop
    response = AuthorResponse.objects.filter(submission=submission).first()
    initial = {}
    if response is not None and response.deadline_override:
        initial["deadline"] = response.deadline_override.astimezone(workshop.tzinfo).replace(
            tzinfo=None
        )
    form = ResponseDeadlineForm(
        request.POST if request.method == "POST" else None, initial=initial, workshop=workshop
    )
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["deadline"]
        try:
            set_deadline_override(submission, new, by=request.user)
        except ResponseError as exc:
            form.add_error("deadline", f"{exc} Nothing was changed.")
        else:
            messages.success(
                request,
                f"Paper #{submission.number} may respond until {format_deadline(new, workshop)}."
                if new
                else f"Paper #{submission.number} follows the call's response deadline again.",
            )
            return redirect("reviews:manage_paper", slug=slug, number=number)
    return render(
        request,
        "reviews/manage/response_deadline.html",
        {
            "workshop": workshop,
            "paper": submission,
            "form": form,
            "general": general_deadline(workshop),
            "current": deadline_for(submission, response),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def review_changes(request, slug, number, ordinal):
    """The submitted versions of one review and what changed after the author response."""
    submission, rights = paper_or_404(request, slug, number, "can_see_review_versions")
    review = (
        Review.objects.filter(assignment__submission=submission, assignment__ordinal=ordinal)
        .select_related("assignment")
        .only("id", "assignment__ordinal", "assignment__submission_id", "state")
        .first()
    )
    if review is None:
        raise Http404
    changes = review_versions.review_changes(
        review, workshop=submission.workshop, confidential=rights.can_see_confidential
    )
    return render(
        request,
        "reviews/review_changes.html",
        {
            "workshop": submission.workshop,
            "paper": submission,
            "rights": rights,
            "label": review.assignment.label,
            "result": changes,
            "response": response_of(submission),
        },
    )
