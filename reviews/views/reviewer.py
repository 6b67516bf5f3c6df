"""Pages of committee members: their workshops, bidding, papers, reviews, discussion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from submissions.pdf import anonymized_pdf_bytes
from submissions.services.fields import shown_answers
from workshops.concurrency import EditConflict
from workshops.enums import MemberRole
from workshops.files import file_response
from workshops.models import ReviewCriterion, Workshop
from workshops.roles import has_role, roles_of

from ..enums import BID_WEIGHTS, BidPreference, ReviewState
from ..forms import CommentForm, DeclineForm, ReviewerProfileForm, ReviewForm
from ..models import Assignment, Bid, Comment, Review
from ..permissions import (
    due_date,
    is_area_chair,
    is_manager,
    papers_for_area_chair,
    papers_for_reviewer,
    review_settings,
    reviews_due,
)
from ..services import ReviewFlowError
from ..services.assignments import decline as decline_assignment
from ..services.bidding import set_bid
from ..services.committee import profile_for
from ..services.conflicts import automatic_conflict_ids
from ..services.discussion import post_comment, speaker_labels
from ..services.questions import answers_prefetch, questions_of
from ..services.reviewing import save_review
from .common import committee_workshop_or_404, paper_or_404


@dataclass
class DueSummary:
    """What a reviewer still owes one workshop."""

    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    late: int = 0
    next_due: dt.datetime | None = None

    @property
    def open(self) -> int:
        return self.assigned - self.submitted


def _due_summaries(user, workshops, now) -> dict[int, DueSummary]:
    """One query for all workshops: assignments with their review state and due date."""
    by_id = {w.pk: w for w in workshops}
    summaries = {pk: DueSummary() for pk in by_id}
    assignments = (
        Assignment.objects.active()
        .filter(reviewer=user, submission__workshop__in=by_id)
        .values_list("submission__workshop_id", "due_at", "review__state")
    )
    for workshop_id, due_at, state in assignments:
        summary = summaries[workshop_id]
        summary.assigned += 1
        if state == ReviewState.SUBMITTED:
            summary.submitted += 1
            continue
        if state is not None:
            summary.drafts += 1
        due = due_at or reviews_due(by_id[workshop_id])
        if due is None:
            continue
        if due < now:
            summary.late += 1
        elif summary.next_due is None or due < summary.next_due:
            summary.next_due = due
    return summaries


@login_required
def home(request):
    roles = roles_of(request.user)
    ids = [wid for wid, workshop_roles in roles.items() if workshop_roles]
    workshops = list(
        Workshop.objects.filter(pk__in=ids).prefetch_related("dates").order_by("-year", "name")
    )
    due = _due_summaries(request.user, workshops, timezone.now())
    items = []
    for workshop in workshops:
        items.append(
            {
                "workshop": workshop,
                "phase": review_settings(workshop).flags,
                "is_chair": MemberRole.CHAIR in roles[workshop.pk],
                "is_reviewer": MemberRole.REVIEWER in roles[workshop.pk],
                "is_area_chair": MemberRole.AREA_CHAIR in roles[workshop.pk],
                "due": due[workshop.pk],
            }
        )
    return render(
        request,
        "reviews/home.html",
        {"items": items, "pending_token": request.session.get("reviewer_invitation")},
    )


@login_required
def workshop_home(request, slug):
    """A reviewer's own papers in a workshop, with the state of each review."""
    workshop = committee_workshop_or_404(request, slug)
    settings = review_settings(workshop)
    assignments = list(
        Assignment.objects.active()
        .filter(
            reviewer=request.user,
            submission__in=papers_for_reviewer(request.user, workshop, assigned_only=True),
        )
        .select_related("review")
        .prefetch_related(
            Prefetch("submission", queryset=papers_for_reviewer(request.user, workshop))
        )
        .order_by("submission__number")
    )
    now = timezone.now()
    for a in assignments:
        a.due = due_date(a, workshop)
        a.done = hasattr(a, "review") and a.review.is_submitted
        a.late = not a.done and a.due is not None and a.due < now
    # What is still to write comes first, the soonest due on top.
    assignments.sort(key=lambda a: (a.done, a.due is None, a.due or now, a.submission.number))
    return render(
        request,
        "reviews/workshop.html",
        {
            "workshop": workshop,
            "settings": settings,
            "phase": settings.flags,
            "assignments": assignments,
            "is_manager": is_manager(request.user, workshop),
            # The papers they chair as area chair (author columns never loaded).
            "ac_papers": list(papers_for_area_chair(request.user, workshop)),
            "is_area_chair": is_area_chair(request.user, workshop),
        },
    )


@login_required
def profile(request, slug):
    workshop = committee_workshop_or_404(request, slug)
    instance = profile_for(workshop, request.user)
    area_chair = is_area_chair(request.user, workshop)
    form = ReviewerProfileForm(
        request.POST or None,
        instance=instance,
        workshop=workshop,
        # An area chair who does not review sets only their loads as area chair.
        reviewer=not area_chair or has_role(request.user, workshop, MemberRole.REVIEWER),
        area_chair=area_chair,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your reviewer profile was saved.")
        return redirect("reviews:profile", slug=slug)
    return render(
        request,
        "reviews/profile.html",
        {"workshop": workshop, "form": form, "is_area_chair": area_chair},
    )


# The bids a reviewer picks with one click; a conflict is declared on purpose, in its own form.
ONE_CLICK_BIDS = [
    (value, label) for value, label in BidPreference.choices if value != BidPreference.CONFLICT
]


def _annotate_for_bidding(papers, user, workshop) -> bool:
    """Give each paper its topic match and the reviewer's bid; True when the profile has topics."""
    mine = set(profile_for(workshop, user).topics.values_list("pk", flat=True))
    bids = dict(
        Bid.objects.filter(reviewer=user, submission__in=[p.pk for p in papers]).values_list(
            "submission_id", "preference"
        )
    )
    for paper in papers:
        paper.match = len(mine & {t.pk for t in paper.topics.all()})
        paper.bid = bids.get(paper.pk, BidPreference.NEUTRAL)
        paper.has_bid = paper.pk in bids
        paper.bid_label = BidPreference(paper.bid).label
    return bool(mine)


def _bidding_papers(user, workshop):
    # Papers the automatic detection finds conflicted are left out even before a chair
    # records the detection's results.
    hidden = automatic_conflict_ids(workshop, user)
    papers = [
        p
        for p in papers_for_reviewer(user, workshop).prefetch_related("topics")
        if p.pk not in hidden
    ]
    has_topics = _annotate_for_bidding(papers, user, workshop)
    papers.sort(key=lambda p: (-p.match, -(BID_WEIGHTS[p.bid] or 0), p.number))
    return papers, has_topics


def _bids_url(slug: str, query: str = "") -> str:
    url = reverse("reviews:bids", args=[slug])
    return f"{url}?{query}" if query else url


@login_required
def bids(request, slug):
    """One compact row per paper: a click on a bid saves it (at once with JavaScript)."""
    workshop = committee_workshop_or_404(request, slug)
    phase = review_settings(workshop).flags
    if not phase.can_bid:
        return render(request, "reviews/bids_closed.html", {"workshop": workshop}, status=200)
    papers, has_topics = _bidding_papers(request.user, workshop)
    topics = sorted({t for p in papers for t in p.topics.all()}, key=lambda t: (t.order, t.name))
    topic = request.GET.get("topic", "")
    show = request.GET.get("show", "all")
    shown = papers
    if topic.isdigit():
        shown = [p for p in shown if any(t.pk == int(topic) for t in p.topics.all())]
    if show == "open":
        shown = [p for p in shown if not p.has_bid]
    return render(
        request,
        "reviews/bids.html",
        {
            "workshop": workshop,
            "papers": shown,
            "total": len(papers),
            "bid_count": sum(1 for p in papers if p.has_bid),
            "has_topics": has_topics,
            "topics": topics,
            "topic": topic,
            "show": show,
            "choices": ONE_CLICK_BIDS,
            "query": request.GET.urlencode(),
            "guidelines": review_settings(workshop).guidelines,
        },
    )


@login_required
@require_POST
def bid(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "can_bid")
    # The compact page posts ``preference``; older forms posted it with a per-paper prefix.
    preference = request.POST.get("preference") or request.POST.get(
        f"p{submission.pk}-preference", ""
    )
    query = request.POST.get("query", "")
    error = ""
    if preference not in BidPreference.values:
        error = "Choose one of the bids."
    else:
        try:
            set_bid(reviewer=request.user, submission=submission, preference=preference)
        except ReviewFlowError as exc:
            error = str(exc)
    if request.headers.get("HX-Request"):
        return _bid_row_response(request, submission, preference, error, query)
    if error:
        messages.error(request, error)
    elif preference == BidPreference.CONFLICT:
        messages.success(
            request,
            f"Conflict with paper #{number} recorded for the chairs; "
            "the paper is no longer in your list.",
        )
    else:
        messages.success(request, f"Bid on paper #{number} saved.")
    return redirect(_bids_url(slug, query) + f"#paper-{number}")


def _bid_row_response(request, submission, preference, error, query):
    """The one row htmx swaps in after a click: the new bid, or why it was refused."""
    workshop = submission.workshop
    if preference == BidPreference.CONFLICT and not error:
        return render(request, "reviews/includes/bid_row_conflict.html", {"paper": submission})
    paper = (
        papers_for_reviewer(request.user, workshop).prefetch_related("topics").get(pk=submission.pk)
    )
    _annotate_for_bidding([paper], request.user, workshop)
    return render(
        request,
        "reviews/includes/bid_row.html",
        {
            "workshop": workshop,
            "paper": paper,
            "choices": ONE_CLICK_BIDS,
            "query": query,
            "saved": not error,
            "error": error,
        },
    )


def _visible_reviews(submission, rights, *, exclude_assignment=None):
    """Submitted reviews of the paper; reviewer accounts are never loaded for reviewers."""
    qs = (
        Review.objects.filter(assignment__submission=submission, state=ReviewState.SUBMITTED)
        .select_related("assignment")
        .prefetch_related(
            "scores__criterion",
            answers_prefetch("chairs" if rights.can_see_confidential else "committee"),
        )
        .order_by("assignment__ordinal")
    )
    if rights.can_see_reviewer_names:
        qs = qs.select_related("assignment__reviewer")
    if exclude_assignment:
        qs = qs.exclude(assignment_id=exclude_assignment)
    reviews = list(qs)
    if not rights.can_see_confidential:
        # Area chairs see names, not the notes to the chairs: not even in the context.
        for review in reviews:
            review.confidential_note = ""
    return reviews


@login_required
def paper(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "can_view_paper")
    own = None
    if rights.assignment_id:
        own = Review.objects.filter(assignment_id=rights.assignment_id).first()
    others = _visible_reviews(submission, rights) if rights.can_see_reviews else []
    authors = None
    if rights.can_see_authors:
        authors = list(submission.authors.order_by("order", "pk"))
    return render(
        request,
        "reviews/paper.html",
        {
            "workshop": submission.workshop,
            "paper": submission,
            "rights": rights,
            "topics": list(submission.topics.all()),
            "own_review": own,
            "others": others,
            "authors": authors,
            # Fields chairs added to the submission form: reviewers read the ones for them.
            "field_answers": shown_answers(submission, everything=rights.is_manager),
            "has_pdf": submission.current_paper is not None,
            "decline_form": DeclineForm()
            if rights.assignment_id and not rights.has_submitted_review
            else None,
        },
    )


@login_required
def paper_pdf(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "can_view_paper")
    file = submission.current_paper
    if file is None:
        raise Http404
    return file_response(
        anonymized_pdf_bytes(file),
        filename=f"paper-{submission.number}.pdf",
        content_type="application/pdf",
        inline=True,
    )


@login_required
def review_edit(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "can_view_paper")
    if not rights.assignment_id:
        raise Http404
    assignment = Assignment.objects.get(pk=rights.assignment_id)
    review = (
        Review.objects.filter(assignment=assignment)
        .prefetch_related("scores", answers_prefetch("chairs"), "answers")
        .first()
    )
    criteria = ReviewCriterion.objects.filter(workshop=submission.workshop)
    questions = questions_of(submission.workshop)
    form = ReviewForm(request.POST or None, criteria=criteria, review=review, questions=questions)

    def page(status=200, **extra):
        context = {
            "workshop": submission.workshop,
            "paper": submission,
            "form": form,
            "rights": rights,
            "review": review,
            "assignment": assignment,
            "guidelines": review_settings(submission.workshop).guidelines,
            **extra,
        }
        return render(request, "reviews/review_form.html", context, status=status)

    if request.method != "POST":
        return page()
    if request.headers.get("HX-Request") and "autosave" in request.POST:
        return _autosave(request, form, assignment, review, rights)
    if not rights.review_open:
        messages.error(
            request,
            "The review deadline has passed."
            if rights.can_review
            else "Reviews cannot be written in the current phase.",
        )
        return page(status=403)
    if not form.is_valid():
        return page(status=400)
    if "preview" in request.POST:
        # Nothing is saved: the reviewer sees the texts as authors and chairs will.
        return page(preview=form.preview())
    try:
        review = save_review(
            assignment=assignment,
            user=request.user,
            data=form.review_input(),
            scores=form.scores(),
            submit="submit" in request.POST,
            version=form.loaded_version,
            answers=form.answers(),
        )
    except EditConflict as conflict:
        review = Review.objects.prefetch_related("scores", "answers").get(pk=conflict.current.pk)
        form.refuse(conflict, form.saved_values(review))
        return page(status=409)
    except ReviewFlowError as exc:
        form.add_error(None, str(exc))
        return page(status=400)
    messages.success(request, "Review submitted." if review.is_submitted else "Draft saved.")
    return redirect("reviews:paper", slug=slug, number=number)


def _autosave(request, form, assignment, review, rights):
    """A draft saved while the reviewer types (htmx): the status line, and the new version for
    the form's hidden field, so the next save (by hand or automatic) is not refused as stale.
    A submitted review is only changed on purpose, with "Update review"."""
    context = {"saved": None, "problem": "", "version": None}
    if not rights.review_open:
        context["problem"] = "The review can no longer be changed: nothing was saved."
    elif review is not None and review.is_submitted:
        context["problem"] = "Changes to a submitted review are saved with “Update review”."
    elif not form.is_valid():
        context["problem"] = "Not saved automatically: the form has a problem; save the draft."
    else:
        try:
            review = save_review(
                assignment=assignment,
                user=request.user,
                data=form.review_input(),
                scores=form.scores(),
                submit=False,
                version=form.loaded_version,
                answers=form.answers(),
            )
        except EditConflict:
            context["problem"] = (
                "Not saved automatically: this review was saved in another window or tab. "
                "Save the draft to see what differs."
            )
        except ReviewFlowError as exc:
            context["problem"] = f"Not saved automatically: {exc}"
        else:
            context["saved"] = timezone.now()
            context["version"] = review.version
    context["workshop"] = assignment.submission.workshop
    return render(request, "reviews/includes/autosave_status.html", context)


@login_required
@require_POST
def decline(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "can_view_paper")
    if not rights.assignment_id:
        raise Http404
    form = DeclineForm(request.POST)
    form.is_valid()
    try:
        decline_assignment(
            Assignment.objects.get(pk=rights.assignment_id),
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:paper", slug=slug, number=number)
    messages.success(request, f"You declined paper #{number}; the chairs will be told.")
    return redirect("reviews:workshop", slug=slug)


@login_required
def discussion(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "can_read_discussion")
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not rights.can_discuss:
            raise Http404
        if form.is_valid():
            try:
                post_comment(
                    submission=submission, author=request.user, body=form.cleaned_data["body"]
                )
            except ReviewFlowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Message posted.")
                return redirect("reviews:discussion", slug=slug, number=number)
    labels = speaker_labels(submission, viewer=request.user)
    comments = list(
        Comment.objects.filter(submission=submission).only("id", "author_id", "body", "created_at")
    )
    for comment in comments:
        comment.speaker = labels.get(comment.author_id, "Chair")
        comment.is_mine = comment.author_id == request.user.pk
    return render(
        request,
        "reviews/discussion.html",
        {
            "workshop": submission.workshop,
            "paper": submission,
            "rights": rights,
            "comments": comments,
            "form": form,
        },
    )
