"""The submitted versions of a review, and what changed after the author response.

Every submit of a review (the first one and each "Update review") stores a ``ReviewVersion``:
the recommendation, confidence, texts, scores and custom answers as they were then.
``after_response`` marks the versions submitted once the paper's author response had arrived;
chairs and the paper's area chairs compare the last version before the response with the
latest one, field by field.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db.models import Max

from workshops.custom_fields import display
from workshops.models import ReviewCriterion

from ..enums import CONFIDENCE_SCALE, RECOMMENDATION_SCALE
from ..models import AuthorResponse, ReviewQuestion, ReviewScore, ReviewVersion
from ..models.questions import AUDIENCES

TEXTS = (
    ("summary", "Summary"),
    ("strengths", "Strengths"),
    ("weaknesses", "Weaknesses"),
    ("comments", "Comments to the authors"),
    ("confidential_note", "Confidential note to the chairs"),
)


def snapshot_of(review) -> dict:
    """What the reviewer submitted, in plain JSON (ids as strings)."""
    from ..models import ReviewAnswer

    return {
        "recommendation": review.recommendation,
        "confidence": review.confidence,
        **{name: getattr(review, name) or "" for name, _ in TEXTS},
        "scores": {
            str(cid): value
            for cid, value in ReviewScore.objects.filter(review=review).values_list(
                "criterion_id", "value"
            )
        },
        "answers": {
            str(qid): value
            for qid, value in ReviewAnswer.objects.filter(review=review).values_list(
                "question_id", "value"
            )
        },
    }


def store_version(review, *, submission, when) -> ReviewVersion:
    """Keep the review as just submitted (call inside the save's transaction)."""
    last = ReviewVersion.objects.filter(review=review).aggregate(n=Max("number"))["n"] or 0
    after = AuthorResponse.objects.filter(
        submission=submission, submitted_at__isnull=False, submitted_at__lte=when
    ).exists()
    return ReviewVersion.objects.create(
        review=review,
        number=last + 1,
        snapshot=snapshot_of(review),
        submitted_at=when,
        after_response=after,
    )


def updated_after_response_ids(submission_ids) -> set[int]:
    """The papers among ``submission_ids`` (ids or a values queryset) with a review version
    submitted after their author response (one query)."""
    return set(
        ReviewVersion.objects.filter(
            after_response=True, review__assignment__submission_id__in=submission_ids
        ).values_list("review__assignment__submission_id", flat=True)
    )


def updated_after_response_reviews(submission) -> set[int]:
    """Review ids of ``submission`` with a version submitted after the response."""
    return set(
        ReviewVersion.objects.filter(
            after_response=True, review__assignment__submission=submission
        ).values_list("review_id", flat=True)
    )


@dataclass
class Change:
    label: str
    before: str
    after: str
    # For texts: the words, each ("same" | "del" | "ins", text).
    words: list[tuple[str, str]] = field(default_factory=list)
    is_text: bool = False


def _level(value, scale) -> str:
    if value in (None, ""):
        return "—"
    try:
        return f"{value} — {scale[int(value) - 1]}"
    except (IndexError, ValueError, TypeError):
        return str(value)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    a, b = (before or "").split(), (after or "").split()
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", " ".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("ins", " ".join(b[j1:j2])))
    return parts


def diff(before: dict, after: dict, *, workshop, confidential: bool) -> list[Change]:
    """Field-by-field changes from snapshot ``before`` to ``after``; the confidential note and
    chairs-only answers only when ``confidential`` (a chair)."""
    changes: list[Change] = []
    for name, label, scale in (
        ("recommendation", "Overall recommendation", RECOMMENDATION_SCALE),
        ("confidence", "Confidence", CONFIDENCE_SCALE),
    ):
        if before.get(name) != after.get(name):
            changes.append(
                Change(label, _level(before.get(name), scale), _level(after.get(name), scale))
            )
    criteria = ReviewCriterion.objects.filter(workshop=workshop)
    for criterion in criteria:
        key = str(criterion.pk)
        old, new = before.get("scores", {}).get(key), after.get("scores", {}).get(key)
        if old != new:
            changes.append(
                Change(criterion.name, _level(old, criterion.scale), _level(new, criterion.scale))
            )
    for name, label in TEXTS:
        if name == "confidential_note" and not confidential:
            continue
        old, new = before.get(name, ""), after.get(name, "")
        if old != new:
            changes.append(Change(label, old, new, words=word_diff(old, new), is_text=True))
    audience = "chairs" if confidential else "committee"
    questions = ReviewQuestion.objects.filter(
        workshop=workshop, visibility__in=AUDIENCES[audience]
    ).order_by("order", "pk")
    for question in questions:
        key = str(question.pk)
        old, new = before.get("answers", {}).get(key), after.get("answers", {}).get(key)
        if old != new:
            changes.append(
                Change(question.label, display(question, old) or "—", display(question, new) or "—")
            )
    return changes


@dataclass
class ReviewChanges:
    versions: list
    before: ReviewVersion | None
    after: ReviewVersion | None
    changes: list[Change]


def review_changes(review, *, workshop, confidential: bool) -> ReviewChanges:
    """The review's versions, and the changes from the last version before the response (or
    the first version) to the latest."""
    versions = list(ReviewVersion.objects.filter(review=review).order_by("number"))
    if len(versions) < 2:
        changes = []
        before, after = None, versions[-1] if versions else None
    else:
        before_response = [v for v in versions if not v.after_response]
        before = before_response[-1] if before_response else versions[0]
        after = versions[-1]
        if before.pk == after.pk:
            before = versions[-2]
        changes = diff(
            before.snapshot, after.snapshot, workshop=workshop, confidential=confidential
        )
    # Only the filtered changes leave here: a snapshot holds the confidential note and every
    # answer, which an area chair must not be handed.
    for version in versions:
        version.snapshot = None
    return ReviewChanges(versions, before, after, changes)
