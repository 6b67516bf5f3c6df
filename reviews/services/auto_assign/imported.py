"""Imported affinity scores: the CSV a chair uploads (paper number, reviewer e-mail, score)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from django.db import transaction

from submissions.models import Submission
from workshops.enums import MemberRole
from workshops.models import Membership

from ...models import (
    ImportedAffinity,
)

# ---------------------------------------------------------------------------------------------
# Imported affinities (CSV: paper number, reviewer e-mail, score)


@dataclass
class ImportedRows:
    rows: list[tuple[int, int, float]] = field(default_factory=list)  # (submission, user, score)
    errors: list[str] = field(default_factory=list)


MAX_IMPORT_ERRORS = 50


def parse_affinity_csv(workshop, text: str) -> ImportedRows:
    """Parse and validate a CSV of ``paper number, reviewer e-mail, score`` lines.

    A header line is allowed. Every problem is reported with its line number: unknown paper
    numbers, e-mail addresses of people not on the committee, scores that are not numbers,
    duplicate pairs, lines without three columns.
    """
    out = ImportedRows()
    numbers = dict(Submission.objects.filter(workshop=workshop).values_list("number", "pk"))
    members = {
        email.lower(): pk
        for pk, email in Membership.objects.filter(
            workshop=workshop, role=MemberRole.REVIEWER
        ).values_list("user_id", "user__email")
    }
    seen: set[tuple[int, int]] = set()
    reader = csv.reader(io.StringIO(text))
    for line_number, row in enumerate(reader, start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != 3:
            out.errors.append(
                f"Line {line_number}: expected 3 columns (paper number, reviewer e-mail, "
                f"score), found {len(row)}."
            )
            continue
        number_text, email, score_text = (cell.strip() for cell in row)
        if line_number == 1 and not number_text.lstrip("#").isdigit():
            continue  # a header
        problems = []
        number = number_text.lstrip("#")
        submission_id = numbers.get(int(number)) if number.isdigit() else None
        if submission_id is None:
            problems.append(f"no paper #{number_text} in this workshop")
        user_id = members.get(email.lower())
        if user_id is None:
            problems.append(f"{email or '(empty e-mail)'} is not a reviewer of this workshop")
        try:
            score = float(score_text)
            if not math.isfinite(score):
                raise ValueError
        except ValueError:
            problems.append(f"score {score_text!r} is not a number")
            score = None
        if not problems and (submission_id, user_id) in seen:
            problems.append(f"paper #{number} and {email} appear twice")
        if problems:
            out.errors.append(f"Line {line_number}: " + "; ".join(problems) + ".")
        else:
            seen.add((submission_id, user_id))
            out.rows.append((submission_id, user_id, score))
        if len(out.errors) >= MAX_IMPORT_ERRORS:
            out.errors.append("Too many errors; stopped reading.")
            break
    if not out.rows and not out.errors:
        out.errors.append("The file contains no scores.")
    return out


def replace_imported_affinities(workshop, rows: list[tuple[int, int, float]]) -> int:
    """Replace the workshop's imported affinities with ``rows`` (bulk)."""
    with transaction.atomic():
        ImportedAffinity.objects.filter(workshop=workshop).delete()
        ImportedAffinity.objects.bulk_create(
            [
                ImportedAffinity(workshop=workshop, submission_id=s, reviewer_id=r, score=v)
                for s, r, v in rows
            ],
            batch_size=5000,
        )
    return len(rows)
