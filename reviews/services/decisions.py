"""Decisions: staged per paper by chairs, released together, then mailed to every author once."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from activity.models import Kind
from activity.services import record, record_many
from config.dispatch import publish, publish_on_commit
from mail.models import EmailState, OutgoingEmail
from mail.services import publish_batches, queue_email, queue_emails
from submissions.enums import SubmissionState
from submissions.services import set_decided_states, set_state
from workshops.concurrency import EditConflict, bump, claim
from workshops.enums import DateKind
from workshops.models import Workshop

from ..enums import DecisionOutcome, Phase, ReviewState, is_accept, outcomes_for
from ..models import (
    Assignment,
    Decision,
    DecisionCorrection,
    DecisionRelease,
    DecisionTemplate,
    MetaReview,
    Review,
)
from ..permissions import (
    REVIEWABLE_STATES,
    excluded_submission_ids,
    forget_settings,
    paper_rights,
    review_settings,
    reviews_due,
)
from . import ReviewFlowError
from .emails import one_line, site_url
from .meta_reviews import meta_reviews_text, submitted_meta_reviews, submitted_meta_reviews_of
from .questions import answers_prefetch
from .templating import default_template, render_template

# Named, not imported: the tasks module imports these services.
NOTIFY_TASK = "reviews.send_decision_notifications"


class DecisionError(ReviewFlowError):
    pass


class StaleConfirmation(DecisionError):
    """A release confirmed against a staged set that has changed since."""


def stage_decision(
    *, submission, outcome: str, comments: str = "", by, version: int | None = None
) -> Decision:
    """Record (or change) the pending outcome of a paper; nothing is sent yet.

    ``version`` is the version of the staged decision the chair's page showed (0: none): a
    decision staged, changed or removed since raises :class:`EditConflict`, nothing written.
    """
    if not paper_rights(by, submission).can_decide:
        raise DecisionError("You cannot decide on this paper now.")
    if outcome not in outcomes_for(submission.workshop):
        raise DecisionError("This outcome is not offered by the workshop.")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(submission=submission).first()
        if decision is not None and decision.is_released:
            raise DecisionError("The decision on this paper was already sent to the authors.")
        values = {"outcome": outcome, "comments": comments, "decided_by": by}
        if decision is None:
            if version:
                raise decision_conflict(submission, None)
            try:
                with transaction.atomic():
                    decision = Decision.objects.create(submission=submission, **values)
            except IntegrityError:
                # Another chair (or tab) staged one at the same moment.
                raise decision_conflict(submission, None) from None
            _record_decision(
                decision,
                "staged",
                by,
                f"Decision staged: {decision.get_outcome_display()}",
                {"outcome": (None, outcome)},
            )
            return decision
        changed = (decision.outcome, decision.comments) != (outcome, comments)
        claimed = claim(Decision, decision.pk, version, move_on=changed)
        if claimed is None:
            raise decision_conflict(submission, decision)
        before = {"outcome": decision.outcome, "comments": decision.comments}
        for key, value in values.items():
            setattr(decision, key, value)
        decision.version = claimed
        decision.save()
        if changed:
            _record_decision(
                decision,
                "changed",
                by,
                f"Staged decision changed: {DecisionOutcome(before['outcome']).label} → "
                f"{decision.get_outcome_display()}",
                {
                    k: v
                    for k, v in {
                        "outcome": (before["outcome"], outcome),
                        "comments": (before["comments"], comments),
                    }.items()
                    if v[0] != v[1]
                },
            )
    return decision


def _record_decision(decision, action, by, message, changes=None) -> None:
    record(
        workshop=decision.submission.workshop_id,
        kind=Kind.DECISION,
        action=action,
        actor=by,
        submission=decision.submission,
        message=message,
        changes=changes,
    )


def decision_conflict(submission, decision) -> EditConflict:
    """The refusal of a decision staged from a page loaded before ``decision`` (None: read it;
    still none: it was removed)."""
    if decision is None:
        decision = (
            Decision.objects.filter(submission=submission).select_related("decided_by").first()
        )
    if decision is None:
        return EditConflict(
            "The staged decision on this paper was removed after you opened this page: your "
            "decision was not staged.",
        )
    return EditConflict(
        "A decision on this paper was staged after you opened this page: yours was not staged.",
        version=decision.version,
        saved_by=decision.decided_by.get_full_name() if decision.decided_by else "",
        saved_at=decision.updated_at,
        current=decision,
    )


def clear_decision(*, submission, by, version: int | None = None) -> None:
    """Remove the staged decision; with ``version``, only the one the chair's page showed
    (:class:`EditConflict` when it was changed since)."""
    if not paper_rights(by, submission).can_decide:
        raise DecisionError("You cannot decide on this paper now.")
    staged = Decision.objects.filter(submission=submission, released_at__isnull=True)
    with transaction.atomic():
        target = staged if version is None else staged.filter(version=version)
        outcome = target.values_list("outcome", flat=True).first()
        if not target.delete()[0]:
            if version is not None and staged.exists():
                raise decision_conflict(submission, None)
            return
        record(
            workshop=submission.workshop_id,
            kind=Kind.DECISION,
            action="cleared",
            actor=by,
            submission=submission,
            message=f"Staged decision removed: {DecisionOutcome(outcome).label}",
            changes={"outcome": (outcome, None)},
        )


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


def release_decisions(*, workshop, by, fingerprint: str) -> DecisionRelease | None:
    """Release every staged decision ``by`` may see: set the papers' states through the
    submissions service and queue the notification task.

    ``fingerprint`` is the one the confirmation page showed (``plan_release``): when the staged
    decisions, their reviews or the letters' templates changed since, nothing is released.
    The workshop moves to "notified" only when no paper in review is left without a released
    decision; otherwise the undecided papers keep their reviewing and discussion."""
    if not review_settings(workshop).flags.can_release:
        raise DecisionError("Move the workshop to the decisions phase before releasing.")
    now = timezone.now()
    with transaction.atomic():
        decisions = list(staged_decisions(workshop, by).select_for_update(of=("self",)))
        if not decisions:
            return None
        if fingerprint != staged_fingerprint(workshop, decisions):
            raise StaleConfirmation(
                "The staged decisions, their reviews or the letters changed since you opened "
                "the confirmation page. Nothing was sent; check them again below."
            )
        release = DecisionRelease.objects.create(workshop=workshop, created_by=by)
        changes = []
        for decision in decisions:
            state = (
                SubmissionState.ACCEPTED
                if is_accept(decision.outcome)
                else SubmissionState.REJECTED
            )
            if decision.submission.state != state:
                changes.append((decision.submission, state))
            decision.release = release
            decision.released_at = now
        # The papers' states through the submissions service, all at once (same checks and
        # log entries as set_state paper by paper).
        set_decided_states(changes, by=by, reason="Decision released")
        # One value for every decision: one UPDATE (bulk_update would write a CASE per row).
        Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(
            release=release, released_at=now
        )
        record_many(
            workshop=workshop,
            rows=[
                {
                    "kind": Kind.DECISION,
                    "action": "released",
                    "actor": by,
                    "submission": d.submission_id,
                    "message": f"Decision released: {d.get_outcome_display()}",
                    "changes": {"released": (False, True)},
                }
                for d in decisions
            ]
            + [
                {
                    "kind": Kind.DECISION,
                    "action": "release",
                    "actor": by,
                    "message": f"{len(decisions)} decision(s) released to the authors",
                }
            ],
        )
        settings = review_settings(workshop)
        if settings.phase != Phase.NOTIFIED and not undecided_papers(workshop).exists():
            before = settings.phase
            settings.phase = Phase.NOTIFIED
            settings.save(update_fields=["phase", "updated_at"])
            bump(type(settings), settings.pk)
            record(
                workshop=workshop,
                kind=Kind.PHASE,
                action="phase_changed",
                actor=by,
                from_state=before,
                to_state=Phase.NOTIFIED,
                message=f"Review phase: {Phase(before).label} → {Phase.NOTIFIED.label} "
                "(every decision released)",
                changes={"phase": (before, Phase.NOTIFIED)},
            )
        forget_settings(workshop)
        # A broker outage must not turn the saved release into an error page: the beat task
        # renotify_pending_releases starts the notification once the broker is back.
        publish_on_commit(NOTIFY_TASK, release.pk)
    return release


def undecided_papers(workshop):
    """Papers in review without a released decision (whoever may see them)."""
    from submissions.models import Submission

    return Submission.objects.filter(workshop=workshop, state=SubmissionState.SUBMITTED).exclude(
        decision__released_at__isnull=False
    )


# How long a release may stay un-notified with no sign of life (no decision e-mail queued in
# its workshop) before the beat task, run every MAIL_SWEEP_SECONDS, starts its notification
# again: its task was lost (broker down at commit, worker killed) or gave up.
NOTIFY_RETRY_AFTER = dt.timedelta(minutes=1)


def renotify_pending_releases(*, older_than=NOTIFY_RETRY_AFTER, now=None) -> int:
    """Queue the notification task again for releases not notified whose notification shows no
    progress for ``older_than``: created before that, and no decision e-mail of the workshop
    queued since (a running notification queues several a second). Idempotent: the e-mails'
    keys make a rerun queue only what is missing, so a second run beside a slow first one
    costs time, never a letter. Returns how many releases were queued."""
    cutoff = (now or timezone.now()) - older_than
    progressing = OutgoingEmail.objects.filter(
        workshop_id=OuterRef("workshop_id"),
        template_role__startswith="reviews.decision.",
        created_at__gte=cutoff,
    )
    ids = list(
        DecisionRelease.objects.filter(notified_at__isnull=True, created_at__lt=cutoff)
        .exclude(Exists(progressing))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(publish(NOTIFY_TASK, release_id) for release_id in ids)


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
        .prefetch_related("scores__criterion", answers_prefetch("authors"))
        .order_by("assignment__ordinal")
    )


def reviews_text(submission, decision=None, reviews=None, meta_reviews=None) -> str:
    reviews = author_reviews(submission) if reviews is None else reviews
    if meta_reviews is None:
        meta_reviews = submitted_meta_reviews(submission)
    lines = []
    if decision is not None and decision.comments.strip():
        lines += ["Comments from the program committee", "", decision.comments.strip(), ""]
    # The area chair's submitted meta-review, signed "Area chair" (never a name).
    lines += meta_reviews_text(meta_reviews)
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
        # The workshop's own questions whose answers authors may read (reviews.services.questions).
        for answer in getattr(review, "shown_answers", ()):
            lines += ["", f"{answer.question.label}:", answer.text]
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
    return {**paper_values(decision, reviews=reviews), "author_name": author.name or author.email}


def paper_values(decision, *, reviews: str) -> dict[str, str]:
    """The placeholders of a decision's letters that are the same for each of its authors."""
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
        "camera_ready_url": _camera_ready_url(decision),
    }


def _camera_ready_url(decision) -> str:
    """The authors' camera-ready page of an accepted paper (empty for a rejection)."""
    from publication.services.camera_ready import camera_ready_url

    if not is_accept(decision.outcome):
        return ""
    return camera_ready_url(decision.submission, absolute=True)


def paper_url(submission) -> str:
    """The author's page of the paper (with its reviews once released), absolute."""
    return site_url(
        reverse("submissions:detail", args=[submission.workshop.slug, submission.number])
    )


def letter_subject(workshop, subject: str) -> str:
    """The subject with the workshop named once: "[ACRONYM YEAR] " is put in front only when
    the (chair-edited) subject does not already name the workshop."""
    subject = one_line(subject)
    names = {n.lower() for n in (workshop.acronym, workshop.name, workshop.short_name) if n}
    if any(name in subject.lower() for name in names):
        return subject
    return f"[{workshop.short_name}] {subject}"


def render_decision_email(
    decision, author, *, templates=None, reviews=None, values=None
) -> tuple[str, str]:
    """The decision letter to one author exactly as it is queued: the previews (templates page,
    release confirmation) and ``notify_release`` all call this. ``values`` may give the
    paper's own placeholders (``letter_values``), computed once for all its authors."""
    workshop = decision.submission.workshop
    subject, body = template_for(workshop, decision.outcome, templates)
    if values is None:
        values = letter_values(
            decision,
            reviews=reviews if reviews is not None else reviews_text(decision.submission, decision),
        )
    values = {**values, "author_name": author.name or author.email}
    text = render_template(body, values)
    if values["paper_url"] not in text:
        # A chair's template without {paper_url}: the link is still given.
        text = text.rstrip("\n") + f"\n\nYour paper and its reviews: {values['paper_url']}\n"
    return letter_subject(workshop, render_template(subject, values)), text


def letter_values(decision, *, reviews: str) -> dict[str, str]:
    """The placeholders of a decision's letters but the author's name, with the paper's link."""
    return {**paper_values(decision, reviews=reviews), "paper_url": paper_url(decision.submission)}


def notification_key(release_id: int, submission_id: int, email: str) -> str:
    return f"decision:{release_id}:{submission_id}:{email.lower()}"


# Decisions rendered and queued per transaction by ``notify_release``: each chunk's letters
# are committed and handed to the workers while the next chunk is rendered.
NOTIFY_CHUNK = 500


def notify_release(release_id: int) -> int:
    """Queue one e-mail per author of every decision in the release; safe to run again.

    The idempotency key names the release, the paper and the address, so a retried or
    restarted task only queues what is missing. Letters are rendered and queued
    ``NOTIFY_CHUNK`` decisions at a time, in a fixed number of queries per chunk (reviews,
    scores and answers of the chunk's papers at once; the rows in one bulk insert), and handed
    to the workers in batches (``mail.services.queue_emails``). Returns the number of e-mails
    of the release.
    """
    release = DecisionRelease.objects.select_related("workshop").get(pk=release_id)
    workshop = Workshop.objects.prefetch_related("dates").get(pk=release.workshop_id)
    templates = {t.outcome: t for t in DecisionTemplate.objects.filter(workshop=workshop)}
    # Rows queued by an earlier run of this release; still-queued ones are dispatched again
    # (delivery claims the row first and skips sent ones, so this cannot send twice).
    earlier = dict(
        OutgoingEmail.objects.filter(
            idempotency_key__startswith=f"decision:{release.pk}:"
        ).values_list("idempotency_key", "state")
    )
    decision_ids = list(
        Decision.objects.filter(release=release)
        .order_by("submission__number")
        .values_list("pk", flat=True)
    )
    count = 0
    for start in range(0, len(decision_ids), NOTIFY_CHUNK):
        chunk = decision_ids[start : start + NOTIFY_CHUNK]
        decisions = list(
            Decision.objects.filter(pk__in=chunk)
            .select_related("submission")
            .prefetch_related("submission__authors")
            .order_by("submission__number")
        )
        reviews = _author_reviews_of([d.submission_id for d in decisions])
        meta_reviews = submitted_meta_reviews_of([d.submission_id for d in decisions])
        rows, again = [], []
        for decision in decisions:
            submission = decision.submission
            submission.workshop = workshop  # one instance, its dates prefetched once
            values = None
            for author in submission.ordered_authors:
                count += 1
                key = notification_key(release.pk, submission.pk, author.email)
                if key in earlier:
                    if earlier[key] == EmailState.QUEUED:
                        again.append(key)
                    continue
                if values is None:
                    text = reviews_text(
                        submission,
                        decision,
                        reviews=reviews.get(submission.pk, []),
                        meta_reviews=meta_reviews.get(submission.pk, []),
                    )
                    values = letter_values(decision, reviews=text)
                subject, body = render_decision_email(
                    decision, author, templates=templates, values=values
                )
                rows.append(
                    {
                        "recipient": author.email,
                        "subject": subject,
                        "body": body,
                        "key": key,
                        "workshop": workshop,
                        "user_id": author.user_id,
                        "template_role": f"reviews.decision.{decision.outcome}",
                        "reply_to": workshop.contact_email,
                    }
                )
        with transaction.atomic():
            queue_emails(rows)
            if again:
                publish_batches(
                    list(
                        OutgoingEmail.objects.filter(
                            idempotency_key__in=again, state=EmailState.QUEUED
                        ).values_list("pk", flat=True)
                    )
                )
    DecisionRelease.objects.filter(pk=release.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return count


def _author_reviews_of(submission_ids) -> dict[int, list]:
    """``author_reviews`` of many papers at once: {paper id: its reviews as authors may see
    them}, in four queries whatever the number of papers."""
    reviews: dict[int, list] = {}
    for review in (
        Review.objects.filter(
            assignment__submission_id__in=submission_ids, state=ReviewState.SUBMITTED
        )
        .select_related("assignment")
        .defer("confidential_note", "assignment__reviewer", "assignment__created_by")
        .prefetch_related("scores__criterion", answers_prefetch("authors"))
        .order_by("assignment__submission_id", "assignment__ordinal")
    ):
        reviews.setdefault(review.assignment.submission_id, []).append(review)
    return reviews


# ---------------------------------------------------------------------------------------------
# The release confirmation and corrections after release.


def staged_fingerprint(workshop, decisions) -> str:
    """A digest of what a release would send: the staged decisions (outcome, comments), the
    submitted reviews and meta-reviews of their papers and the workshop's letter templates.
    Three queries."""
    digest = hashlib.sha256()
    ids = sorted(d.submission_id for d in decisions)
    for d in sorted(decisions, key=lambda d: d.submission_id):
        digest.update(f"d{d.pk}:{d.submission_id}:{d.outcome}:{d.updated_at.isoformat()}|".encode())
        digest.update(hashlib.sha256(d.comments.encode()).digest())
    for pk, updated in (
        Review.objects.filter(assignment__submission_id__in=ids, state=ReviewState.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "updated_at")
    ):
        digest.update(f"r{pk}:{updated.isoformat()}|".encode())
    for pk, updated in (
        MetaReview.objects.filter(assignment__submission_id__in=ids)
        .order_by("pk")
        .values_list("pk", "updated_at")
    ):
        digest.update(f"m{pk}:{updated.isoformat()}|".encode())
    for outcome, updated in (
        DecisionTemplate.objects.filter(workshop=workshop)
        .order_by("outcome")
        .values_list("outcome", "updated_at")
    ):
        digest.update(f"t{outcome}:{updated.isoformat()}|".encode())
    return digest.hexdigest()


@dataclass
class OutcomeGroup:
    outcome: str
    label: str
    papers: list = field(default_factory=list)
    letters: int = 0
    preview: dict | None = None


@dataclass
class ReleasePlan:
    """What releasing now would do, for the confirmation page."""

    decisions: list
    fingerprint: str
    groups: list  # OutcomeGroup per outcome with staged papers
    missing_reviews: list  # (submission, submitted, assigned) with submitted < assigned
    no_review: list  # submissions without a single submitted review
    warnings: list
    can_release: bool

    @property
    def letters(self) -> int:
        return sum(g.letters for g in self.groups)


def plan_release(workshop, by, *, now=None) -> ReleasePlan:
    """Count the letters per outcome, list the papers with missing reviews, warn when the call
    or the reviews are still open, and render one real letter per outcome, in a fixed number
    of queries."""
    now = now or timezone.now()
    decisions = list(
        staged_decisions(workshop, by)
        .select_related("submission__workshop")
        .prefetch_related("submission__authors", "submission__workshop__dates")
        .order_by("submission__number")
    )
    ids = [d.submission_id for d in decisions]
    counts = {
        row["submission_id"]: row
        for row in Assignment.objects.active()
        .filter(submission_id__in=ids)
        .values("submission_id")
        .annotate(
            assigned=Count("pk"),
            submitted=Count("pk", filter=Q(review__state=ReviewState.SUBMITTED)),
        )
    }
    templates = {t.outcome: t for t in DecisionTemplate.objects.filter(workshop=workshop)}
    groups: dict[str, OutcomeGroup] = {}
    missing, none = [], []
    for decision in decisions:
        submission = decision.submission
        row = counts.get(submission.pk, {"assigned": 0, "submitted": 0})
        if row["submitted"] == 0:
            none.append(submission)
        elif row["submitted"] < row["assigned"]:
            missing.append((submission, row["submitted"], row["assigned"]))
        group = groups.setdefault(
            decision.outcome,
            OutcomeGroup(decision.outcome, decision.get_outcome_display()),
        )
        group.papers.append(submission)
        authors = submission.ordered_authors
        group.letters += len(authors)
        if group.preview is None and authors:
            subject, body = render_decision_email(decision, authors[0], templates=templates)
            group.preview = {
                "to": authors[0],
                "paper": submission,
                "subject": subject,
                "body": body,
            }
    settings = review_settings(workshop)
    warnings = []
    if workshop.accepts_completions(now):
        warnings.append(
            "The call for papers is still open: authors can still submit or complete papers."
        )
    due = reviews_due(workshop)
    if settings.flags.can_review or (due is not None and due > now):
        warnings.append(
            "The review phase is still open: reviewers can still submit or change reviews."
        )
    order = [o.value for o in DecisionOutcome]
    return ReleasePlan(
        decisions=decisions,
        fingerprint=staged_fingerprint(workshop, decisions),
        groups=sorted(groups.values(), key=lambda g: order.index(g.outcome)),
        missing_reviews=missing,
        no_review=none,
        warnings=warnings,
        can_release=settings.flags.can_release,
    )


def correction_letter(decision, author, *, templates=None) -> tuple[str, str]:
    """The follow-up letter after a released decision was corrected: the new decision letter,
    introduced as a correction."""
    subject, body = render_decision_email(decision, author, templates=templates)
    workshop = decision.submission.workshop
    when = date_format(decision.released_at.astimezone(workshop.tzinfo), "DATE_FORMAT")
    intro = (
        f"This letter corrects the decision on paper #{decision.submission.number} that we "
        f"sent on {when}. The decision is now: {decision.get_outcome_display()}. "
        "Please disregard the earlier letter.\n\n"
    )
    return f"Correction: {subject}", intro + body


def correction_key(submission_id: int, correction_id: int, email: str) -> str:
    return f"decision-correction:{submission_id}:{correction_id}:{email.lower()}"


def correct_decision(*, submission, outcome: str, comments: str = "", by) -> DecisionCorrection:
    """Change a released decision: set the paper's state, log it, and queue exactly one
    follow-up letter per author (the keys name the correction, so a retry sends nothing more;
    repeating the same correction changes nothing and is refused)."""
    from submissions.enums import ActivityAction
    from submissions.services.state import log_activity

    if not paper_rights(by, submission).can_decide:
        raise DecisionError("You cannot decide on this paper now.")
    if outcome not in outcomes_for(submission.workshop):
        raise DecisionError("This outcome is not offered by the workshop.")
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("submission__workshop")
            .filter(submission=submission, released_at__isnull=False)
            .first()
        )
        if decision is None:
            raise DecisionError("This paper has no released decision to correct.")
        comments_changed = comments.strip() != decision.comments.strip()
        if outcome == decision.outcome and not comments_changed:
            raise DecisionError("Nothing changed: the authors already have this decision.")
        old_label = decision.get_outcome_display()
        correction = DecisionCorrection.objects.create(
            decision=decision,
            from_outcome=decision.outcome,
            to_outcome=outcome,
            comments_changed=comments_changed,
            created_by=by,
        )
        decision.outcome = outcome
        decision.comments = comments
        decision.decided_by = by
        decision.save(update_fields=["outcome", "comments", "decided_by", "updated_at"])
        message = (
            f"Decision corrected after release: {old_label} → {decision.get_outcome_display()}"
        )
        if comments_changed:
            message += " (comments changed)"
        state = SubmissionState.ACCEPTED if is_accept(outcome) else SubmissionState.REJECTED
        paper = decision.submission
        if paper.state != state:
            set_state(paper, state, by=by, reason=message, notify=False)
        else:
            log_activity(paper, ActivityAction.UPDATED, by=by, message=message)
        record(
            workshop=paper.workshop_id,
            kind=Kind.DECISION,
            action="corrected",
            actor=by,
            submission=paper,
            message=message,
            changes={"outcome": (correction.from_outcome, outcome)},
        )
        workshop = paper.workshop
        for author in paper.ordered_authors:
            subject, body = correction_letter(decision, author)
            queue_email(
                recipient=author.email,
                subject=subject,
                body=body,
                key=correction_key(paper.pk, correction.pk, author.email),
                workshop=workshop,
                user=author.user,
                template_role=f"reviews.decision_correction.{outcome}",
                reply_to=workshop.contact_email,
            )
    return correction
