"""Invitations to the program committee: the chairs' page and the invitee's personal links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..enums import InvitationState
from ..forms import AddChairForm, InviteForm, MemberRoleForm
from ..models import CommitteeChange, ReviewerInvitation
from ..permissions import review_settings
from ..services import ReviewFlowError
from ..services.committee import (
    ConfirmationNeeded,
    accept_invitation,
    allow_author,
    decline_invitation,
    invite_reviewers,
    is_invited_address,
    is_workshop_author,
    send_invitation,
)
from ..services.members import committee_members
from .common import managed_workshop_or_404

SESSION_KEY = "reviewer_invitation"


@login_required
def committee(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = invite_reviewers(
            workshop, form.cleaned_data["people"], by=request.user, role=form.cleaned_data["role"]
        )
        if result.invited:
            messages.success(request, f"{len(result.invited)} invitation(s) sent.")
        for email, why in result.skipped:
            messages.warning(request, f"{email}: {why}.")
        for line in result.errors:
            messages.error(request, f"Not an e-mail address: {line}")
        return redirect("reviews:committee", slug=slug)
    invitations = list(
        ReviewerInvitation.objects.filter(workshop=workshop).select_related(
            "user", "refused_author", "author_allowed_by"
        )
    )
    counts = {state: 0 for state in InvitationState.values}
    for invitation in invitations:
        counts[invitation.state] += 1
    return render(
        request,
        "reviews/manage/committee.html",
        {
            "workshop": workshop,
            "form": form,
            "invitations": invitations,
            "counts": counts,
            "members": committee_members(workshop, viewer=request.user),
            "role_form": MemberRoleForm(),
            "chair_form": AddChairForm(),
            "changes": CommitteeChange.objects.filter(workshop=workshop).select_related(
                "created_by"
            )[:50],
        },
    )


@login_required
@require_POST
def invitation_resend(request, slug, pk):
    workshop = managed_workshop_or_404(request, slug)
    invitation = get_object_or_404(ReviewerInvitation, pk=pk, workshop=workshop)
    try:
        send_invitation(invitation)
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Invitation sent again to {invitation.email}.")
    return redirect("reviews:committee", slug=slug)


@login_required
@require_POST
def invitation_allow_author(request, slug, pk):
    """The chairs' override: an author of a paper of the workshop may accept."""
    workshop = managed_workshop_or_404(request, slug)
    invitation = get_object_or_404(ReviewerInvitation, pk=pk, workshop=workshop)
    try:
        allow_author(invitation, by=request.user)
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{invitation.email} may now accept although an author of this workshop "
            "(through the link already sent; Resend sends it again).",
        )
    return redirect("reviews:committee", slug=slug)


def _invitation(token):
    return get_object_or_404(ReviewerInvitation.objects.select_related("workshop"), token=token)


def invitation_accept(request, token):
    """The personal accept link: sign in (or sign up) first, then confirm."""
    invitation = _invitation(token)
    if not request.user.is_authenticated:
        # Remembered across sign-up and e-mail verification, shown again on /review/.
        request.session[SESSION_KEY] = token
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    confirm = request.POST.get("confirm_other_account") == "yes"
    if request.method == "POST":
        try:
            accept_invitation(invitation, request.user, confirm_other_account=confirm)
        except ConfirmationNeeded as exc:
            messages.error(request, f"{exc} Tick the box to accept from this account anyway.")
        except ReviewFlowError as exc:
            messages.error(request, str(exc))
            return redirect("reviews:home")
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                f"Welcome to the program committee of {invitation.workshop.short_name}. "
                "Please fill in your reviewer profile.",
            )
            return redirect("reviews:profile", slug=invitation.workshop.slug)
    is_author = invitation.author_allowed_at is None and is_workshop_author(
        invitation.workshop, request.user
    )
    return render(
        request,
        "reviews/invitation.html",
        {
            "invitation": invitation,
            "workshop": invitation.workshop,
            "action": "accept",
            "other_account": not is_invited_address(invitation, request.user),
            "is_author": is_author,
            "guidelines": review_settings(invitation.workshop).guidelines,
        },
        status=400 if request.method == "POST" else 200,
    )


def invitation_decline(request, token):
    """Declining needs no account."""
    invitation = _invitation(token)
    if request.method == "POST":
        try:
            decline_invitation(invitation, request.user)
        except ReviewFlowError as exc:
            messages.error(request, str(exc))
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, "You declined the invitation. Thank you for answering.")
        return render(
            request,
            "reviews/invitation_done.html",
            {"invitation": invitation, "workshop": invitation.workshop},
        )
    return render(
        request,
        "reviews/invitation.html",
        {
            "invitation": invitation,
            "workshop": invitation.workshop,
            "action": "decline",
            "guidelines": review_settings(invitation.workshop).guidelines,
        },
    )
