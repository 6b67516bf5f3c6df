"""The chairs' exports: submissions, reviews, decisions, camera-ready status and accepted papers,
each as CSV or JSON.

Every dataset is built from the papers the chair may manage (``managed_by``): a chair with a
conflict of interest gets no row about that paper, in any file. CSV cells are defused against
formula injection exactly as the submissions export does (``submissions.export.cell``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from reviews.enums import ReviewState
from submissions import export as submissions_export
from submissions.models import Submission
from submissions.permissions import managed_by
from workshops.files import file_response

from .accepted import accepted_submissions, camera_ready_of, printed_title
from .models import PublicationSettings, TermsAcceptance, TermsKind
from .services.camera_ready import current_acceptance

Record = dict  # column -> plain JSON value (str, int, bool, None, list)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- Datasets ----------------------------------------------------------------------------------


def submissions_records(workshop, user) -> tuple[list[str], list[Record]]:
    queryset = managed_by(user, Submission.objects.filter(workshop=workshop)).for_lists()
    header = submissions_export.HEADER
    return header, [
        dict(zip(header, submissions_export.values(s), strict=True))
        for s in queryset.order_by("number")
    ]


def reviews_records(workshop, user) -> tuple[list[str], list[Record]]:
    """Every submitted review: scores per criterion, recommendation, confidence, the texts and
    the reviewer's identity (chairs only: this export is behind the chairs' permission)."""
    from reviews.models import Review, ReviewScore
    from reviews.services.questions import answers_by_review, questions_for

    criteria = list(workshop.criteria.order_by("order", "pk"))
    score_columns = [f"score: {c.name}" for c in criteria]
    # The custom review questions the chairs may read, one column each (the answer's text).
    questions = questions_for(workshop, "chairs")
    question_columns = []
    for question in questions:
        column = f"question: {question.label}"
        while column in question_columns or column in score_columns:
            column += f" ({question.pk})"
        question_columns.append(column)
    header = [
        "number",
        "title",
        "reviewer",
        "reviewer_name",
        "reviewer_email",
        "recommendation",
        "recommendation_label",
        "confidence",
        "confidence_label",
        *score_columns,
        *question_columns,
        "summary",
        "strengths",
        "weaknesses",
        "comments_to_authors",
        "confidential_note",
        "submitted_at",
        "updated_at",
    ]
    papers = managed_by(user, Submission.objects.filter(workshop=workshop))
    reviews = (
        Review.objects.filter(
            assignment__submission__in=papers.values("pk"), state=ReviewState.SUBMITTED
        )
        .select_related("assignment__submission", "assignment__reviewer")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
        )
        .order_by("assignment__submission__number", "assignment__ordinal")
    )
    reviews = list(reviews)
    answers = answers_by_review(reviews, "chairs") if questions else {}
    records = []
    for review in reviews:
        assignment = review.assignment
        scores = {s.criterion_id: s.value for s in review.scores.all()}
        answered = answers.get(review.pk, {})
        reviewer = assignment.reviewer
        records.append(
            dict(
                zip(
                    header,
                    [
                        assignment.submission.number,
                        assignment.submission.title,
                        assignment.label,
                        reviewer.full_name,
                        reviewer.email,
                        review.recommendation,
                        review.recommendation_label,
                        review.confidence,
                        review.confidence_label,
                        *[scores.get(c.pk) for c in criteria],
                        *[answered.get(q.pk, "") for q in questions],
                        review.summary,
                        review.strengths,
                        review.weaknesses,
                        review.comments,
                        review.confidential_note,
                        _iso(review.submitted_at),
                        _iso(review.updated_at),
                    ],
                    strict=True,
                )
            )
        )
    return header, records


def decisions_records(workshop, user) -> tuple[list[str], list[Record]]:
    """Every decision, staged or released."""
    header = [
        "number",
        "title",
        "state",
        "outcome",
        "outcome_label",
        "released",
        "released_at",
        "decided_by",
        "comments",
        "updated_at",
    ]
    papers = (
        managed_by(user, Submission.objects.filter(workshop=workshop, decision__isnull=False))
        .select_related("decision__decided_by")
        .order_by("number")
    )
    records = []
    for s in papers:
        d = s.decision
        records.append(
            {
                "number": s.number,
                "title": s.title,
                "state": s.get_state_display(),
                "outcome": d.outcome,
                "outcome_label": d.get_outcome_display(),
                "released": d.is_released,
                "released_at": _iso(d.released_at),
                "decided_by": d.decided_by.full_name if d.decided_by else "",
                "comments": d.comments,
                "updated_at": _iso(d.updated_at),
            }
        )
    return header, records


def _current_acceptance(submission, settings: PublicationSettings | None):
    """The acceptance of the workshop's current terms (None: not accepted, or no terms)."""
    if settings is None:
        return None
    return current_acceptance(submission, settings)


def camera_ready_records(workshop, user) -> tuple[list[str], list[Record]]:
    """Per accepted paper: the camera-ready uploaded or missing, its pages, the terms and the
    confirmed metadata."""
    header = [
        "number",
        "title",
        "outcome",
        "uploaded",
        "version",
        "pages",
        "page_limit",
        "uploaded_at",
        "terms_required",
        "terms_version",
        "terms_accepted",
        "terms_accepted_by",
        "terms_accepted_at",
        "metadata_confirmed",
        "confirmed_at",
        "proceedings_order",
    ]
    settings = PublicationSettings.objects.filter(workshop=workshop).first()
    papers = managed_by(user, accepted_submissions(workshop)).prefetch_related(
        Prefetch(
            "terms_acceptances",
            queryset=TermsAcceptance.objects.select_related("user").order_by("-accepted_at"),
        )
    )
    terms_required = bool(settings and settings.terms_kind != TermsKind.NONE)
    records = []
    for s in papers:
        camera_ready = s.current_camera_ready
        final = camera_ready_of(s)
        acceptance = _current_acceptance(s, settings)
        limit = s.submission_type.camera_ready_page_limit if s.submission_type else None
        records.append(
            {
                "number": s.number,
                "title": printed_title(s),
                "outcome": s.decision.get_outcome_display(),
                "uploaded": camera_ready is not None,
                "version": camera_ready.version if camera_ready else None,
                "pages": camera_ready.pages if camera_ready else None,
                "page_limit": limit,
                "uploaded_at": _iso(camera_ready.uploaded_at) if camera_ready else None,
                "terms_required": settings.get_terms_kind_display() if terms_required else "",
                "terms_version": settings.terms_version if terms_required else "",
                "terms_accepted": acceptance is not None if terms_required else None,
                "terms_accepted_by": acceptance.user.full_name if acceptance else "",
                "terms_accepted_at": _iso(acceptance.accepted_at) if acceptance else None,
                "metadata_confirmed": bool(final and final.confirmed_at),
                "confirmed_at": _iso(final.confirmed_at) if final else None,
                "proceedings_order": final.proceedings_order if final else None,
            }
        )
    return header, records


def accepted_records(workshop, user) -> tuple[list[str], list[Record]]:
    """The accepted papers as they will be printed, in proceedings order."""
    from .proceedings import RECORD_HEADER, ordered_accepted, paper_record

    papers = ordered_accepted(workshop, managed_by(user, accepted_submissions(workshop)))
    return RECORD_HEADER, [paper_record(s, order) for order, s in papers]


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    description: str
    build: Callable


DATASETS = {
    d.name: d
    for d in (
        Dataset(
            "submissions",
            "Submissions",
            "Every submission: state, type, topics, authors, PDF, dates.",
            submissions_records,
        ),
        Dataset(
            "reviews",
            "Reviews",
            "Submitted reviews: scores per criterion, recommendation, confidence, texts and "
            "reviewer identities.",
            reviews_records,
        ),
        Dataset(
            "decisions",
            "Decisions",
            "Outcomes, staged or released, with the comments to the authors.",
            decisions_records,
        ),
        Dataset(
            "camera-ready",
            "Camera-ready status",
            "Per accepted paper: uploaded or missing, pages, terms accepted, metadata confirmed.",
            camera_ready_records,
        ),
        Dataset(
            "accepted",
            "Accepted papers",
            "Titles, authors with affiliations and ORCID iDs, outcome, abstract, pages, in "
            "proceedings order.",
            accepted_records,
        ),
    )
}


# --- Files -------------------------------------------------------------------------------------


def csv_value(value) -> str:
    """A plain value as one CSV cell (before it is defused): lists joined by "; ", yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(csv_value(v) for v in value)
    if isinstance(value, dict):
        return " ".join(
            part
            for part in (
                value.get("name", ""),
                f"({value['affiliation']})" if value.get("affiliation") else "",
                f"[ORCID {value['orcid']}]" if value.get("orcid") else "",
            )
            if part
        )
    return str(value)


def write_csv(out, header: list[str], records: list[Record]) -> None:
    writer = csv.writer(out)
    writer.writerow(header)
    for record in records:
        writer.writerow([submissions_export.cell(csv_value(record.get(k))) for k in header])


def dataset_response(workshop, user, dataset: Dataset, fmt: str):
    header, records = dataset.build(workshop, user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"{workshop.slug}-{dataset.name}-{stamp}.{fmt}"
    if fmt == "json":
        body = json.dumps(
            {
                "workshop": workshop.slug,
                "dataset": dataset.name,
                "generated_at": timezone.now().isoformat(),
                "columns": header,
                "rows": records,
            },
            ensure_ascii=False,
            indent=2,
        )
        return file_response(
            body, filename=filename, content_type="application/json; charset=utf-8"
        )
    response = file_response(filename=filename, content_type="text/csv; charset=utf-8")
    write_csv(response, header, records)
    return response
