"""What authors see of the review: the released decision, the anonymized reviews, and the
form to declare conflicts with committee members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from submissions.services import can_edit
from workshops.enums import MemberRole
from workshops.models import Membership

from ..enums import ConflictSource
from ..forms import AuthorConflictForm
from ..models import Conflict, Decision
from ..services.conflicts import add_conflict, committee_of
from ..services.decisions import author_reviews
from ..services.meta_reviews import released_meta_reviews
from .common import paper_or_404


def author_review_context(submission, rights) -> dict:
    """Context of the ``reviews/includes/author_reviews.html`` include, for any author page."""
    if not rights.author_can_see_decision:
        return {"decision": None, "author_reviews": [], "meta_reviews": []}
    decision = Decision.objects.filter(submission=submission).first()
    reviews = author_reviews(submission) if rights.author_can_see_reviews else []
    # The area chair's meta-review, signed "Area chair", once the decision is released.
    return {
        "decision": decision,
        "author_reviews": reviews,
        "meta_reviews": released_meta_reviews(submission),
    }


@login_required
def author_view(request, slug, number):
    submission, rights = paper_or_404(request, slug, number, "is_author")
    return render(
        request,
        "reviews/author_view.html",
        {
            "workshop": submission.workshop,
            "paper": submission,
            "rights": rights,
            **author_review_context(submission, rights),
        },
    )


@login_required
def author_conflicts(request, slug, number):
    """Authors declare conflicts with committee members (the committee list is public) while
    their submission is editable; later only the chairs record conflicts. Conflicts with chairs
    are refused: chairs manage their own."""
    submission, rights = paper_or_404(request, slug, number, "is_author")
    workshop = submission.workshop
    is_open = can_edit(submission)
    members = committee_of(workshop).order_by("full_name", "email")
    declared = set(
        Conflict.objects.active()
        .filter(submission=submission, source=ConflictSource.AUTHOR)
        .values_list("user_id", flat=True)
    )
    form = AuthorConflictForm(
        request.POST or None, members=members, initial={"members": list(declared)}
    )
    if request.method == "POST" and not is_open:
        messages.error(
            request,
            "The submission can no longer be changed: please write to the chairs about a "
            "conflict of interest.",
        )
        return redirect("reviews:author_conflicts", slug=slug, number=number)
    if request.method == "POST" and form.is_valid():
        chosen = {u.pk: u for u in form.cleaned_data["members"]}
        chairs = set(
            Membership.objects.filter(
                workshop=workshop, role=MemberRole.CHAIR, user_id__in=chosen
            ).values_list("user_id", flat=True)
        )
        for pk in sorted(chairs - declared):
            messages.warning(
                request,
                f"{chosen[pk]} is a chair of the workshop: chairs manage their own conflicts "
                "of interest, so it was not recorded. Write to the other chairs if needed.",
            )
        chosen = {pk: u for pk, u in chosen.items() if pk not in chairs or pk in declared}
        for user in chosen.values():
            if user.pk not in declared:
                add_conflict(
                    submission=submission,
                    user=user,
                    source=ConflictSource.AUTHOR,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
        # Authors may withdraw only what authors declared.
        Conflict.objects.filter(
            submission=submission, source=ConflictSource.AUTHOR, dismissed_at__isnull=True
        ).exclude(user_id__in=chosen).delete()
        messages.success(request, "Your conflicts of interest were saved.")
        return redirect("reviews:author_conflicts", slug=slug, number=number)
    return render(
        request,
        "reviews/author_conflicts.html",
        {"workshop": workshop, "paper": submission, "form": form, "is_open": is_open},
    )
