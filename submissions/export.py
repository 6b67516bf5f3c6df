"""The chairs' CSV export of submissions (the whole filtered list, or a selection).

Callers hand it only papers the chair may manage (``managed_by``). Every cell is defused
against formula injection: a spreadsheet never runs what an author typed.
"""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.utils import timezone

from workshops.files import file_response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HEADER = [
    "number",
    "title",
    "state",
    "type",
    "topics",
    "keywords",
    "authors",
    "emails",
    "affiliations",
    "contact",
    "pages",
    "pdf_version",
    "pdf_sha256",
    "created_at",
    "submitted_at",
    "updated_at",
    "revision",
    "deadline_override",
    "desk_reject_reason",
    "abstract",
]


def cell(value) -> str:
    """A CSV cell that spreadsheets will not execute as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def values(s) -> list:
    """The ``HEADER`` columns of submission ``s`` as plain values (the JSON export's too)."""
    authors = s.ordered_authors
    paper = s.current_paper
    contact = s.contact_author
    return [
        s.number,
        s.title,
        s.get_state_display(),
        s.submission_type.name if s.submission_type else "",
        "; ".join(t.name for t in s.topics.all()),
        s.keywords,
        "; ".join(a.name for a in authors),
        "; ".join(a.email for a in authors),
        "; ".join(a.affiliation for a in authors),
        contact.email if contact else "",
        paper.pages if paper else "",
        paper.version if paper else "",
        paper.sha256 if paper else "",
        s.created_at.isoformat(),
        s.submitted_at.isoformat() if s.submitted_at else "",
        s.updated_at.isoformat(),
        s.revision,
        s.deadline_override.isoformat() if s.deadline_override else "",
        s.desk_reject_reason,
        s.abstract,
    ]


def row(s) -> list[str]:
    return [cell(v) for v in values(s)]


def export_response(workshop, submissions) -> HttpResponse:
    """A CSV download of ``submissions`` (a queryset or the ids of a selection)."""
    from .models import Submission

    if not hasattr(submissions, "for_lists"):
        submissions = Submission.objects.filter(pk__in=[s.pk for s in submissions])
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = file_response(
        filename=f"{workshop.slug}-submissions-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
    )
    writer = csv.writer(response)
    fields = list(workshop.submission_fields.all())
    writer.writerow(HEADER + field_header(fields))
    for s in submissions.for_lists().order_by("number"):
        writer.writerow(row(s) + field_cells(s, fields))
    return response


def field_header(fields) -> list[str]:
    """One column per field the chairs added to the submission form (chairs read them all)."""
    return [cell(f"field: {field.label}") for field in fields]


def field_cells(s, fields) -> list[str]:
    """The answers of ``s`` in the order of ``fields`` (from the prefetched answers)."""
    from workshops.custom_fields import display

    answers = {a.field_id: a.value for a in s.field_answers.all()}
    return [cell(display(field, answers.get(field.pk))) for field in fields]
