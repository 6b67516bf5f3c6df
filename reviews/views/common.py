"""Lookups shared by the review views; every refusal about a paper is a 404."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import get_object_or_404

from submissions.models import Submission
from workshops.models import Workshop

from ..permissions import PaperRights, is_committee, is_manager, paper_rights


def posted_id(request, name: str) -> int:
    """The id posted as ``name``; anything but a number is a bad request (400), not a 500."""
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise BadRequest(f"{name}: not an id")
    return int(value)


def workshop_or_404(slug: str) -> Workshop:
    return get_object_or_404(Workshop.objects.prefetch_related("dates"), slug=slug)


def committee_workshop_or_404(request, slug: str) -> Workshop:
    workshop = workshop_or_404(slug)
    if not is_committee(request.user, workshop):
        raise Http404
    return workshop


def managed_workshop_or_404(request, slug: str) -> Workshop:
    workshop = workshop_or_404(slug)
    if not is_manager(request.user, workshop):
        raise Http404
    return workshop


def paper_or_404(request, slug: str, number: int, right: str) -> tuple[Submission, PaperRights]:
    """The paper and the user's rights on it, or 404 when ``right`` is not granted.

    Only the submission row is loaded: never its authors.
    """
    submission = (
        Submission.objects.select_related("workshop", "submission_type")
        .filter(workshop__slug=slug, number=number)
        .first()
    )
    if submission is None:
        raise Http404
    rights = paper_rights(request.user, submission)
    if not getattr(rights, right):
        raise Http404
    return submission, rights
