"""The author response: its deadline, the one response per paper, and who is told it arrived.

The window is open while the workshop is in the response phase (with the response enabled in
the review settings) and the paper's response deadline has not passed. The deadline is the
call's "Author response" date (its extension included), or the later date a chair granted the
paper (``AuthorResponse.deadline_override``); a call without that date leaves the window open
for the whole phase. Every rule is checked again on the server, under a lock of the paper's
response row, when a response is saved.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone

from activity.models import Kind
from activity.services import record
from workshops.concurrency import EditConflict
from workshops.enums import DateKind

from ..enums import AssignmentState, ResponseReviews, ReviewState
from ..models import AreaChairAssignment, Assignment, AuthorResponse, Review, ReviewScore
from ..permissions import forget_rights, paper_rights, review_settings
from . import ReviewFlowError
from .emails import send, site_url
from .questions import answers_prefetch

_WORD = re.compile(r"\S+")


class ResponseError(ReviewFlowError):
    pass


def count_words(text: str) -> int:
    """Words as people count them: runs of characters between blanks (Markdown marks and
    links count as written)."""
    return len(_WORD.findall(text or ""))


def general_deadline(workshop) -> dt.datetime | None:
    """The call's author-response date, its extension included; None when the call has none."""
    date = workshop.date(DateKind.AUTHOR_RESPONSE)
    return date.effective_at if date else None


def response_of(submission) -> AuthorResponse | None:
    return AuthorResponse.objects.filter(submission=submission).first()


def deadline_for(submission, response: AuthorResponse | None = None) -> dt.datetime | None:
    """The paper's response deadline: the call's, or the later one a chair granted."""
    general = general_deadline(submission.workshop)
    override = response.deadline_override if response is not None else None
    if override is not None and (general is None or override > general):
        return override
    return general


def latest_deadline(workshop) -> dt.datetime | None:
    """The last moment any paper of ``workshop`` may still respond (the phase moves on after
    it when it follows the dates); None when the call has no response date."""
    general = general_deadline(workshop)
    if general is None:
        return None
    override = AuthorResponse.objects.filter(submission__workshop=workshop).aggregate(
        last=Max("deadline_override")
    )["last"]
    return max(general, override) if override else general


def window_open(submission, rights, response=None, *, now=None) -> bool:
    """The author of ``rights`` may read the reviews and write the response now."""
    if not rights.author_can_respond:
        return False
    deadline = deadline_for(submission, response)
    return deadline is None or (now or timezone.now()) <= deadline


def reviews_for_response(submission, *, with_scores: bool):
    """The submitted reviews authors read during the response, as "Reviewer N": never the
    reviewer's account, never the confidential note, only answers meant for authors. Without
    ``with_scores`` ("texts only") no score leaves this function: no criterion score, no
    recommendation or confidence, no answer to a score question."""
    scores = ReviewScore.objects.select_related("criterion")
    reviews = list(
        Review.objects.filter(assignment__submission=submission, state=ReviewState.SUBMITTED)
        .select_related("assignment")
        .defer("assignment__reviewer", "assignment__created_by")
        .prefetch_related(
            Prefetch("scores", queryset=scores if with_scores else scores.none()),
            answers_prefetch("authors"),
        )
        .order_by("assignment__ordinal")
    )
    for review in reviews:
        review.confidential_note = ""  # chairs only: never handed to the authors' page
    if not with_scores:
        for review in reviews:
            review.recommendation = review.confidence = None
            review.shown_answers = [a for a in review.shown_answers if a.question.kind != "score"]
    return reviews


def shows_scores(workshop) -> bool:
    return review_settings(workshop).response_reviews == ResponseReviews.WITH_SCORES


def save_response(submission, *, user, text: str, version: int | None, now=None):
    """Save the authors' response to ``submission`` (any author may edit it until the
    deadline). Refused (nothing written) outside the window, over the word limit, or when the
    response was saved by someone else since ``version`` was read (``EditConflict``).

    The first non-empty save notifies the paper's reviewers and area chairs, once."""
    text = (text or "").strip()
    when = now or timezone.now()
    workshop = submission.workshop
    settings = review_settings(workshop)
    limit = settings.response_word_limit
    words = count_words(text)
    with transaction.atomic():
        # The row lock: two authors saving at once are serialised, and the deadline and
        # version are read under it.
        type(submission).objects.select_for_update().filter(pk=submission.pk).first()
        response, _created = AuthorResponse.objects.select_for_update().get_or_create(
            submission=submission
        )
        rights = paper_rights(user, submission, now=when)
        if not rights.is_author:
            raise ResponseError("Only the authors of the paper write its response.")
        if not rights.author_can_respond:
            raise ResponseError("The author response is not open for this paper.")
        deadline = deadline_for(submission, response)
        if deadline is not None and when > deadline:
            raise ResponseError("The response deadline has passed: nothing was saved.")
        if limit and words > limit:
            raise ResponseError(
                f"Your response has {words} words; the limit is {limit}. Shorten it by "
                f"{words - limit} word{'s' if words - limit != 1 else ''}: nothing was saved."
            )
        if version is not None and response.version != version:
            raise EditConflict(
                "Another author saved this response after you opened this page: your text "
                "was not saved. The saved text is shown below yours.",
                version=response.version,
                saved_at=response.updated_at,
                current=response,
            )
        if text == response.text:
            return response
        before = response.text
        first = response.submitted_at is None and bool(text)
        response.text = text
        response.words = words
        response.written_by = user
        response.version += 1
        if first:
            response.submitted_at = when
        response.save()
        record(
            workshop=workshop,
            kind=Kind.REVIEW,
            action="response_submitted" if first else "response_edited",
            actor=user,
            submission=submission,
            message=f"Author response {'submitted' if first else 'edited'} ({words} words)",
            changes={"words": (count_words(before), words)},
        )
        if response.has_text and response.notified_at is None:
            notify_committee(submission, response, now=when)
    return response


def notified_people(submission):
    """The paper's active reviewers and its area chairs who may read its discussion."""
    from accounts.models import User

    reviewer_ids = Assignment.objects.filter(
        submission=submission, state=AssignmentState.ACTIVE
    ).values("reviewer_id")
    ac_ids = AreaChairAssignment.objects.filter(submission=submission).values("area_chair_id")
    users = User.objects.filter(pk__in=reviewer_ids) | User.objects.filter(pk__in=ac_ids)
    people = []
    for person in users.distinct().order_by("pk"):
        if paper_rights(person, submission).can_read_response:
            people.append(person)
    return people


def notify_committee(submission, response, *, now) -> int:
    """E-mail the paper's reviewers and area chairs that the response arrived: one outbox row
    per person (keyed, so never twice), then mark the response notified."""
    url = site_url(reverse("reviews:paper", args=[submission.workshop.slug, submission.number]))
    people = notified_people(submission)
    for person in people:
        send(
            "response",
            workshop=submission.workshop,
            recipient=person.email,
            user=person,
            subject=f"Paper #{submission.number}: the authors responded to the reviews",
            key=f"response:{submission.pk}:{person.pk}",
            context={
                "paper_number": submission.number,
                "paper_title": submission.title,
                "url": url,
            },
        )
        forget_rights(person)
    AuthorResponse.objects.filter(pk=response.pk).update(notified_at=now)
    response.notified_at = now
    record(
        workshop=submission.workshop,
        kind=Kind.REVIEW,
        action="response_notified",
        submission=submission,
        message=f"Reviewers and area chairs told of the author response ({len(people)} "
        f"{'person' if len(people) == 1 else 'people'})",
    )
    return len(people)


def set_deadline_override(submission, deadline: dt.datetime | None, *, by, now=None):
    """A chair grants the paper a later response deadline (None: back to the call's).

    Refused for a date not later than the call's response date, or already past."""
    when = now or timezone.now()
    workshop = submission.workshop
    with transaction.atomic():
        type(submission).objects.select_for_update().filter(pk=submission.pk).first()
        general = general_deadline(workshop)
        if deadline is not None:
            if general is not None and deadline <= general:
                raise ResponseError(
                    "A paper's own response deadline must be later than the call's ("
                    f"{format_deadline(general, workshop)})."
                )
            if deadline <= when:
                raise ResponseError("That date is already in the past: choose a later one.")
        response, _ = AuthorResponse.objects.select_for_update().get_or_create(
            submission=submission
        )
        before = response.deadline_override
        if before == deadline:
            return response
        response.deadline_override = deadline
        response.save(update_fields=["deadline_override", "updated_at"])
        record(
            workshop=workshop,
            kind=Kind.REVIEW,
            action="response_deadline",
            actor=by,
            submission=submission,
            message=(
                f"Author response deadline of this paper set to "
                f"{format_deadline(deadline, workshop)}"
                if deadline
                else "Back to the call's author response deadline"
            ),
            changes={"deadline_override": (before, deadline)},
        )
    return response


def format_deadline(value, workshop) -> str:
    from submissions.emails import format_in_zone

    return format_in_zone(value, workshop)
