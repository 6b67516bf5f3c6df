"""Committee members as chairs manage them: remove (with a confirmation listing the open
assignments), change a role, add a co-chair."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..forms import AddChairForm, MemberRoleForm
from ..services import ReviewFlowError
from ..services.members import (
    add_chair,
    member_or_none,
    open_assignments,
    remove_member,
    set_roles,
)
from .common import managed_workshop_or_404


def _member_or_404(workshop, user_id):
    member = member_or_none(workshop, user_id)
    if member is None:
        raise Http404
    return member


@login_required
def member_remove(request, slug, user_id):
    workshop = managed_workshop_or_404(request, slug)
    member = _member_or_404(workshop, user_id)
    if request.method == "POST":
        try:
            numbers = remove_member(workshop, member.user, by=request.user)
        except ReviewFlowError as exc:
            messages.error(request, str(exc))
            return redirect("reviews:member_remove", slug=slug, user_id=user_id)
        text = f"{member.user} was removed from the committee."
        if numbers:
            text += " Papers that need another reviewer: " + ", ".join(f"#{n}" for n in numbers)
        messages.success(request, text)
        return redirect("reviews:committee", slug=slug)
    return render(
        request,
        "reviews/manage/member_remove.html",
        {
            "workshop": workshop,
            "member": member,
            "open": list(open_assignments(workshop, member.user, viewer=request.user)),
            "is_self": member.user.pk == request.user.pk,
        },
    )


@login_required
@require_POST
def member_role(request, slug, user_id):
    workshop = managed_workshop_or_404(request, slug)
    member = _member_or_404(workshop, user_id)
    form = MemberRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ReviewFlowError("Choose a role.")
        set_roles(workshop, member.user, form.cleaned_data["role"], by=request.user)
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Role of {member.user} changed.")
    return redirect("reviews:committee", slug=slug)


@login_required
@require_POST
def chair_add(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    form = AddChairForm(request.POST)
    try:
        if not form.is_valid():
            raise ReviewFlowError("Give the e-mail address of their account.")
        user = add_chair(workshop, form.cleaned_data["email"], by=request.user)
    except ReviewFlowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{user} is now a chair; they were told by e-mail.")
    return redirect("reviews:committee", slug=slug)
