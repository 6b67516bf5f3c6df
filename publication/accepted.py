"""Which papers are accepted, and how their authors are printed: the one definition that the
camera-ready pages, the public accepted-papers page, the program and the exports share."""

from __future__ import annotations

from django.db.models import Prefetch

from reviews.enums import DecisionOutcome
from submissions.enums import FileKind, SubmissionState

ACCEPT_OUTCOMES = [o.value for o in DecisionOutcome if o != DecisionOutcome.REJECT]


def accepted_submissions(workshop):
    """The workshop's accepted papers whose decision is released, in number order, with what
    their pages show loaded in a constant number of queries."""
    from submissions.models import Authorship, Submission, SubmissionFile

    return (
        Submission.objects.filter(
            workshop=workshop,
            state=SubmissionState.ACCEPTED,
            decision__outcome__in=ACCEPT_OUTCOMES,
            decision__released_at__isnull=False,
        )
        .select_related("submission_type", "decision", "camera_ready")
        .prefetch_related(
            Prefetch("authors", queryset=Authorship.objects.order_by("order", "pk")),
            Prefetch(
                "files",
                queryset=SubmissionFile.objects.filter(
                    kind__in=[FileKind.CAMERA_READY, FileKind.SLIDES, FileKind.POSTER]
                ).order_by("kind", "-version"),
            ),
        )
        .order_by("number")
    )


def camera_ready_of(submission):
    """The submission's ``CameraReady`` row or None, without a query when it was joined."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return submission.camera_ready
    except ObjectDoesNotExist:
        return None


def printed_authors(submission) -> list[dict]:
    """The author list as it will be printed: the confirmed camera-ready list, else the
    submission's authors. Each item has ``name``, ``affiliation``, ``email`` and ``orcid``."""
    final = camera_ready_of(submission)
    if final is not None and final.confirmed_at and final.authors:
        return [
            {
                "name": a.get("name", ""),
                "affiliation": a.get("affiliation", ""),
                "email": a.get("email", ""),
                "orcid": a.get("orcid", ""),
            }
            for a in final.authors
        ]
    return [
        {"name": a.name, "affiliation": a.affiliation, "email": a.email, "orcid": ""}
        for a in submission.ordered_authors
    ]


def printed_title(submission) -> str:
    final = camera_ready_of(submission)
    return (final.title if final and final.confirmed_at and final.title else "") or submission.title


def printed_abstract(submission) -> str:
    final = camera_ready_of(submission)
    if final and final.confirmed_at and final.abstract:
        return final.abstract
    return submission.abstract
