"""Decisions: staged per paper by chairs, released together, then mailed to every author once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from mail.models import EmailState, OutgoingEmail
from mail.services import queue_email
from mail.tasks import send_email
from submissions.enums import SubmissionState
from submissions.services import set_state
from workshops.enums import DateKind

from ..enums import DecisionOutcome, Phase, ReviewState, is_accept, outcomes_for
from ..models import Decision, DecisionRelease, DecisionTemplate, Review
from ..permissions import (
    REVIEWABLE_STATES,
    excluded_submission_ids,
    forget_settings,
    paper_rights,
    review_settings,
)
from . import ReviewFlowError
from .emails import one_line
from .templating import default_template, render_template


class DecisionError(ReviewFlowError):
    pass


def stage_decision(*, submission, outcome: str, comments: str = "", by) -> Decision:
    """Record (or change) the pending outcome of a paper; nothing is sent yet."""
    if not paper_rights(by, submission).can_decide:
        raise DecisionError("You cannot decide on this paper now.")
    if outcome not in outcomes_for(submission.workshop):
        raise DecisionError("This outcome is not offered by the workshop.")
    decision = Decision.objects.filter(submission=submission).first()
    if decision is not None and decision.is_released:
        raise DecisionError("The decision on this paper was already sent to the authors.")
    decision, _ = Decision.objects.update_or_create(
        submission=submission,
        defaults={"outcome": outcome, "comments": comments, "decided_by": by},
    )
    return decision


def clear_decision(*, submission, by) -> None:
    if not paper_rights(by, submission).can_decide:
        raise DecisionError("You cannot decide on this paper now.")
    Decision.objects.filter(submission=submission, released_at__isnull=True).delete()


def staged_decisions(workshop, by):
    """Pending decisions ``by`` may release: not on papers they are conflicted with or author."""
    return (
        Decision.objects.filter(
            submission__workshop=workshop,
            released_at__isnull=True,
            submission__state__in=REVIEWABLE_STATES,
        )
        .exclude(submission_id__in=excluded_submission_ids(by, workshop))
        .select_related("submission")
    )


def release_decisions(*, workshop, by) -> DecisionRelease | None:
    """Release every staged decision ``by`` may see: set the papers' states through the
    submissions service and queue the notification task.

    The workshop moves to "notified" only when no paper in review is left without a released
    decision; otherwise the undecided papers keep their reviewing and discussion."""
    from config.dispatch import publish_on_commit

    from ..tasks import send_decision_notifications

    if not review_settings(workshop).flags.can_release:
        raise DecisionError("Move the workshop to the decisions phase before releasing.")
    now = timezone.now()
    with transaction.atomic():
        decisions = list(staged_decisions(workshop, by).select_for_update(of=("self",)))
        if not decisions:
            return None
        release = DecisionRelease.objects.create(workshop=workshop, created_by=by)
        for decision in decisions:
            state = (
                SubmissionState.ACCEPTED
                if is_accept(decision.outcome)
                else SubmissionState.REJECTED
            )
            if decision.submission.state != state:
                set_state(decision.submission, state, by=by, reason="Decision released")
            decision.release = release
            decision.released_at = now
        Decision.objects.bulk_update(decisions, ["release", "released_at"])
        settings = review_settings(workshop)
        if settings.phase != Phase.NOTIFIED and not undecided_papers(workshop).exists():
            settings.phase = Phase.NOTIFIED
            settings.save(update_fields=["phase", "updated_at"])
        forget_settings(workshop)
        # Once committed the release stands: if the broker is down the publish is only logged,
        # and ``renotify_pending_releases`` (beat) queues the notification later.
        publish_on_commit(send_decision_notifications, release.pk)
    return release


def undecided_papers(workshop):
    """Papers in review without a released decision (whoever may see them)."""
    from submissions.models import Submission

    return Submission.objects.filter(workshop=workshop, state=SubmissionState.SUBMITTED).exclude(
        decision__released_at__isnull=False
    )


# How long a release may stay un-notified before the beat task queues its notification again.
NOTIFY_RETRY_AFTER = dt.timedelta(minutes=10)


def renotify_pending_releases(*, older_than=NOTIFY_RETRY_AFTER, now=None) -> int:
    """Queue the notification task again for releases not notified ``older_than`` after their
    creation (the broker was down at commit, or the task gave up). Idempotent: the e-mails'
    keys make a rerun queue only what is missing. Returns how many releases were queued."""
    from ..tasks import send_decision_notifications

    cutoff = (now or timezone.now()) - older_than
    ids = list(
        DecisionRelease.objects.filter(notified_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for release_id in ids:
        send_decision_notifications.delay(release_id)
    return len(ids)


def release_statuses(workshop) -> list[dict]:
    """Each release of ``workshop`` with its notification state and its e-mails by state, in
    two queries."""
    releases = list(DecisionRelease.objects.filter(workshop=workshop).select_related("created_by"))
    counts: dict[int, dict[str, int]] = {
        r.pk: {state: 0 for state in EmailState.values} for r in releases
    }
    for key, state in OutgoingEmail.objects.filter(
        workshop=workshop, idempotency_key__startswith="decision:"
    ).values_list("idempotency_key", "state"):
        parts = key.split(":")
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) in counts:
            counts[int(parts[1])][state] += 1
    return [{"release": r, **counts[r.pk]} for r in releases]


# ---------------------------------------------------------------------------------------------
# What authors read.


def author_reviews(submission):
    """Submitted reviews of a paper as authors may see them: "Reviewer N", no confidential note,
    no reviewer account (the assignment's reviewer is never loaded)."""
    return list(
        Review.objects.filter(assignment__submission=submission, state=ReviewState.SUBMITTED)
        .select_related("assignment")
        .defer("confidential_note", "assignment__reviewer", "assignment__created_by")
        .prefetch_related("scores__criterion")
        .order_by("assignment__ordinal")
    )


def reviews_text(submission, decision=None, reviews=None) -> str:
    reviews = author_reviews(submission) if reviews is None else reviews
    lines = []
    if decision is not None and decision.comments.strip():
        lines += ["Comments from the program committee", "", decision.comments.strip(), ""]
    for review in reviews:
        lines += [f"--- {review.assignment.label} ---"]
        lines.append(f"Overall recommendation: {review.recommendation_label}")
        for score in review.scores.all():
            top = len(score.criterion.scale)
            lines.append(f"{score.criterion.name}: {score.label} ({score.value}/{top})")
        for title, text in (
            ("Summary", review.summary),
            ("Strengths", review.strengths),
            ("Weaknesses", review.weaknesses),
            ("Comments", review.comments),
        ):
            if text.strip():
                lines += ["", f"{title}:", text.strip()]
        lines.append("")
    return "\n".join(lines).strip()


def template_for(workshop, outcome: str, templates: dict | None = None) -> tuple[str, str]:
    if templates is None:
        templates = {t.outcome: t for t in DecisionTemplate.objects.filter(workshop=workshop)}
    template = templates.get(outcome)
    if template is None and outcome != DecisionOutcome.REJECT:
        # Every accept outcome falls back to the generic accept template when it has none.
        template = templates.get(DecisionOutcome.ACCEPT)
    if template is not None:
        return template.subject, template.body
    return default_template(outcome)


def placeholder_values(decision, author, *, reviews: str) -> dict[str, str]:
    submission = decision.submission
    workshop = submission.workshop
    camera = workshop.date(DateKind.CAMERA_READY)
    when = camera.effective_at if camera else None
    return {
        "title": one_line(submission.title),
        "number": str(submission.number),
        "outcome": decision.get_outcome_display(),
        "reviews": reviews,
        "camera_ready_deadline": (
            f"{date_format(when.astimezone(workshop.tzinfo), 'DATETIME_FORMAT')} "
            f"({workshop.timezone_label})"
            if when
            else "the date announced on the workshop page"
        ),
        "workshop": workshop.short_name,
        "author_name": author.name or author.email,
    }


def render_decision_email(decision, author, *, templates=None, reviews=None) -> tuple[str, str]:
    subject, body = template_for(decision.submission.workshop, decision.outcome, templates)
    values = placeholder_values(
        decision,
        author,
        reviews=reviews if reviews is not None else reviews_text(decision.submission, decision),
    )
    return one_line(render_template(subject, values)), render_template(body, values)


def notification_key(release_id: int, submission_id: int, email: str) -> str:
    return f"decision:{release_id}:{submission_id}:{email.lower()}"


def notify_release(release_id: int) -> int:
    """Queue one e-mail per author of every decision in the release; safe to run again.

    The idempotency key names the release, the paper and the address, so a retried or
    restarted task only queues what is missing. Returns the number of e-mails of the release.
    """
    release = DecisionRelease.objects.select_related("workshop").get(pk=release_id)
    workshop = release.workshop
    templates = {t.outcome: t for t in DecisionTemplate.objects.filter(workshop=workshop)}
    decisions = (
        Decision.objects.filter(release=release)
        .select_related("submission__workshop")
        .prefetch_related("submission__authors", "submission__workshop__dates")
        .order_by("submission__number")
    )
    # Rows queued by an earlier run of this release; still-queued ones are dispatched again
    # (delivery locks the row and skips sent ones, so this cannot send twice).
    earlier = dict(
        OutgoingEmail.objects.filter(
            idempotency_key__startswith=f"decision:{release.pk}:"
        ).values_list("idempotency_key", "state")
    )
    count = 0
    for decision in decisions:
        submission = decision.submission
        text = reviews_text(submission, decision)
        for author in submission.ordered_authors:
            count += 1
            key = notification_key(release.pk, submission.pk, author.email)
            if key in earlier:
                if earlier[key] == EmailState.QUEUED:
                    email_id = OutgoingEmail.objects.get(idempotency_key=key).pk
                    transaction.on_commit(lambda pk=email_id: send_email.delay(pk))
                continue
            subject, body = render_decision_email(
                decision, author, templates=templates, reviews=text
            )
            queue_email(
                recipient=author.email,
                subject=f"[{workshop.short_name}] {subject}",
                body=body,
                key=key,
                workshop=workshop,
                user=author.user,
                template_role=f"reviews.decision.{decision.outcome}",
                reply_to=workshop.contact_email,
            )
    DecisionRelease.objects.filter(pk=release.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return count
