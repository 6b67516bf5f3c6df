"""Helpers shared by the authors' and the chairs' views."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from workshops.models import Workshop

from ..models import Submission


def get_workshop(slug: str) -> Workshop:
    return get_object_or_404(
        Workshop.objects.prefetch_related("dates", "topics", "submission_types"), slug=slug
    )


def get_submission(request, slug: str, number: int, perm: str = "submissions.view_submission"):
    """The submission, or 404 for anyone without ``perm`` (its existence stays hidden)."""
    submission = (
        Submission.objects.for_lists()
        .select_related("created_by")
        .filter(workshop__slug=slug, number=number)
        .first()
    )
    if submission is None or not request.user.has_perm(perm, submission):
        raise Http404("No such submission.")
    return submission
