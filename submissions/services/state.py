"""The one door through which a submission's state changes, and the predicates that guard it.

``set_state`` checks the transition, saves, writes the activity log and queues the e-mails in
one transaction. Who may *ask* for a transition is a rights question answered by
``submissions.permissions`` (``user.has_perm(...)``) in the calling view or service; this module
answers whether the submission itself allows it now.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ..enums import ActivityAction, SubmissionState
from . import deadlines

S = SubmissionState

EDITABLE_STATES = {S.DRAFT, S.SUBMITTED}
WITHDRAWABLE_STATES = {S.DRAFT, S.SUBMITTED, S.ACCEPTED}
DECIDED_STATES = {S.ACCEPTED, S.REJECTED}


class TransitionNotAllowed(Exception):
    """The submission cannot move to the requested state; ``str(exc)`` says why."""


# --- Predicates -------------------------------------------------------------------------------


def missing_items(submission) -> list[str]:
    """What the authors still have to provide before the paper can be submitted.

    Reads ``authors``, ``files`` and ``topics`` through ``.all()`` so prefetches are used.
    """
    workshop = submission.workshop
    missing = []
    if not submission.submission_type_id:
        missing.append("Submission type missing")
    if not (submission.title or "").strip():
        missing.append("Title missing")
    if not (submission.abstract or "").strip():
        missing.append("Abstract missing")
    if not list(submission.authors.all()):
        missing.append("No authors")
    if workshop_has_topics(workshop) and not list(submission.topics.all()):
        missing.append("No topic chosen")
    paper = submission.current_paper
    if paper is None:
        missing.append("PDF missing")
    elif submission.submission_type_id and paper.pages:
        limit = submission.submission_type.max_pdf_pages
        if paper.pages > limit:
            missing.append(f"PDF has {paper.pages} pages; at most {limit} allowed")
    for label in required_acknowledgements(workshop):
        if not getattr(submission, label[0]):
            missing.append(f"{label[1]} not acknowledged")
    # The workshop's own required fields (submissions.services.fields).
    from .fields import missing_fields

    missing += [f"“{label}” not answered" for label in missing_fields(submission)]
    return missing


def workshop_has_topics(workshop) -> bool:
    cached = getattr(workshop, "_has_topics", None)
    prefetched = getattr(workshop, "_prefetched_objects_cache", {})
    if cached is None and "topics" in prefetched:
        cached = bool(prefetched["topics"])
    if cached is None:
        cached = workshop.topics.exists()
        workshop._has_topics = cached
    return cached


def required_acknowledgements(workshop) -> list[tuple[str, str]]:
    """``(field name, short label)`` of each acknowledgement the workshop's policies require."""
    required = []
    if workshop.code_of_conduct_url:
        required.append(("ack_code_of_conduct", "Code of conduct"))
    if workshop.code_of_ethics_url:
        required.append(("ack_code_of_ethics", "Code of ethics"))
    if workshop.requires_dual_submission_statement:
        required.append(("ack_dual_submission", "Dual-submission statement"))
    if workshop.is_double_blind:
        required.append(("ack_anonymized", "Anonymization statement"))
    return required


def can_edit(submission, *, now: dt.datetime | None = None) -> bool:
    """Authors may change metadata, authors and files: a draft or submitted paper, in time."""
    return submission.state in EDITABLE_STATES and deadlines.is_open(submission, now=now)


def can_submit(submission, *, now: dt.datetime | None = None) -> bool:
    return (
        submission.state == S.DRAFT
        and deadlines.is_open(submission, now=now)
        and not missing_items(submission)
    )


def can_withdraw(submission, *, now: dt.datetime | None = None) -> bool:
    """Withdrawal is possible at any time, before and after the deadline and the decision;
    an accepted paper only until its camera-ready deadline (publication app)."""
    if submission.state == S.ACCEPTED:
        from publication.services.camera_ready import withdrawal_open

        return withdrawal_open(submission, now=now)
    return submission.state in WITHDRAWABLE_STATES


def can_desk_reject(submission) -> bool:
    return submission.state == S.SUBMITTED


def can_reinstate(submission) -> bool:
    """A chair may undo a desk rejection."""
    return submission.state == S.DESK_REJECTED


def can_extend_deadline(submission) -> bool:
    return submission.state in EDITABLE_STATES


def can_decide(submission) -> bool:
    return submission.state in {S.SUBMITTED} | DECIDED_STATES


def can_upload_camera_ready(submission) -> bool:
    return submission.state == S.ACCEPTED


def transition_error(submission, new_state, *, now: dt.datetime | None = None) -> str | None:
    """Why ``submission`` cannot move to ``new_state`` now, or None when it can."""
    current = submission.state
    if new_state == current:
        return f"The submission is already {S(current).label.lower()}."
    if new_state == S.SUBMITTED:
        if current == S.DRAFT:
            if not deadlines.is_open(submission, now=now):
                return "The submission deadline has passed."
            missing = missing_items(submission)
            if missing:
                return "The submission is incomplete: " + "; ".join(missing) + "."
            return None
        if current == S.DESK_REJECTED or current in DECIDED_STATES:
            return None  # a chair reinstates the paper or undoes a decision
        return f"A {S(current).label.lower()} submission cannot be submitted."
    if new_state == S.WITHDRAWN:
        if can_withdraw(submission, now=now):
            return None
        if current == S.ACCEPTED:
            return (
                "The camera-ready deadline has passed: an accepted paper can no longer be "
                "withdrawn here. Write to the chairs."
            )
        return "This submission cannot be withdrawn."
    if new_state == S.DESK_REJECTED:
        if can_desk_reject(submission):
            return None
        return "Only submitted papers can be desk rejected."
    if new_state in DECIDED_STATES:
        return None if can_decide(submission) else "Only submitted papers can get a decision."
    return f"No submission can go back to {S(new_state).label.lower()}."


def can_transition(submission, new_state, *, now: dt.datetime | None = None) -> bool:
    return transition_error(submission, new_state, now=now) is None


# --- The door ---------------------------------------------------------------------------------

_ACTIONS = {
    S.SUBMITTED: ActivityAction.SUBMITTED,
    S.WITHDRAWN: ActivityAction.WITHDRAWN,
    S.DESK_REJECTED: ActivityAction.DESK_REJECTED,
    S.ACCEPTED: ActivityAction.ACCEPTED,
    S.REJECTED: ActivityAction.REJECTED,
}


def log_activity(submission, action, *, by, message: str = "", from_state="", to_state=""):
    """Record a submission action (an ``ActivityAction``) in the workshop's activity log: the
    entries of kind "submission" are the paper's history its authors read."""
    from activity.models import Kind
    from activity.services import record

    return record(
        workshop=submission.workshop_id,
        kind=Kind.SUBMISSION,
        action=action,
        actor=by,
        submission=submission,
        message=message,
        from_state=from_state,
        to_state=to_state,
    )


def set_state(
    submission,
    new_state: SubmissionState | str,
    *,
    by,
    reason: str = "",
    notify: bool = True,
    now: dt.datetime | None = None,
):
    """Move ``submission`` to ``new_state``: check, save, log and queue the e-mails atomically.

    Raises :class:`TransitionNotAllowed` (nothing changed) when the move is not allowed now.
    E-mails go to every author: confirmation on submit, withdrawal, desk rejection with the
    reason, reinstatement. Accept/reject send nothing here: decision letters are released by
    the reviews app. Returns ``submission`` with its fields refreshed.
    """
    from ..emails import send_to_authors
    from ..models import Submission

    new_state = S(new_state)
    when = now or deadlines.now()
    with transaction.atomic():
        locked = Submission.objects.select_for_update(of=("self",)).select_related(
            "workshop", "submission_type"
        )
        if new_state == S.SUBMITTED:
            # What the checks (missing_items) and the confirmation e-mail read, loaded once
            # after the lock is taken, instead of once by each of them.
            locked = locked.prefetch_related(
                "authors__user", "files", "topics", "workshop__dates", "workshop__submission_fields"
            )
        locked = locked.get(pk=submission.pk)
        error = transition_error(locked, new_state, now=when)
        if error:
            raise TransitionNotAllowed(error)
        old_state = locked.state
        locked.state = new_state
        update_fields = ["state", "updated_at"]
        if new_state == S.SUBMITTED and old_state == S.DRAFT:
            locked.submitted_at = when
            update_fields.append("submitted_at")
        elif new_state == S.WITHDRAWN:
            locked.withdrawn_at = when
            update_fields.append("withdrawn_at")
        elif new_state == S.DESK_REJECTED:
            if not reason.strip():
                raise TransitionNotAllowed("A desk rejection needs a reason for the authors.")
            locked.desk_reject_reason = reason.strip()
            update_fields.append("desk_reject_reason")
        locked.save(update_fields=update_fields)

        action = _ACTIONS[new_state]
        if new_state == S.SUBMITTED and old_state != S.DRAFT:
            action = ActivityAction.REINSTATED
        activity = log_activity(
            locked, action, by=by, message=reason, from_state=old_state, to_state=new_state
        )

        if notify:
            if action == ActivityAction.SUBMITTED:
                send_to_authors(locked, "submitted", key=f"submission:{locked.pk}:submitted")
            elif action == ActivityAction.WITHDRAWN:
                if old_state == S.ACCEPTED:
                    from publication.services.camera_ready import tell_chairs_withdrawn

                    tell_chairs_withdrawn(locked, by=by, reason=reason)
                send_to_authors(
                    locked,
                    "withdrawn",
                    key=f"submission:{locked.pk}:withdrawn",
                    extra={"reason": reason},
                )
            elif action == ActivityAction.DESK_REJECTED:
                send_to_authors(
                    locked,
                    "desk_rejected",
                    key=f"submission:{locked.pk}:desk_rejected:e{activity.pk}",
                    extra={"reason": locked.desk_reject_reason},
                )
            elif action == ActivityAction.REINSTATED and old_state == S.DESK_REJECTED:
                send_to_authors(
                    locked, "reinstated", key=f"submission:{locked.pk}:reinstated:e{activity.pk}"
                )

    for field in ("state", "submitted_at", "withdrawn_at", "desk_reject_reason", "updated_at"):
        setattr(submission, field, getattr(locked, field))
    return submission


def set_decided_states(changes, *, by, reason: str = "") -> None:
    """``set_state`` for many papers at once, for the decided states only (accepted,
    rejected: no e-mail, no other side effect): a decision release of thousands of papers.

    ``changes`` is a list of ``(submission, new_state)``. The same check, fields and log entries
    as ``set_state`` paper by paper, in a fixed number of queries: the papers are locked in one
    query, and when any of them cannot move, :class:`TransitionNotAllowed` is raised and
    nothing changes. The given submissions get their new state and ``updated_at``.
    """
    from django.utils import timezone

    from activity.models import Kind
    from activity.services import record_many

    from ..models import Submission

    changes = [(submission, S(state)) for submission, state in changes]
    if not changes:
        return
    if any(state not in DECIDED_STATES for _, state in changes):
        raise ValueError("set_decided_states only moves papers to a decided state.")
    with transaction.atomic():
        locked = {
            pk: (state, workshop_id)
            for pk, state, workshop_id in Submission.objects.select_for_update(of=("self",))
            .filter(pk__in=[s.pk for s, _ in changes])
            .values_list("pk", "state", "workshop_id")
        }
        now = timezone.now()
        by_state: dict[S, list[int]] = {}
        rows: dict[int, list[dict]] = {}
        for submission, new_state in changes:
            current, workshop_id = locked[submission.pk]
            probe = Submission(pk=submission.pk, state=current)
            error = transition_error(probe, new_state)
            if error:
                raise TransitionNotAllowed(error)
            by_state.setdefault(new_state, []).append(submission.pk)
            rows.setdefault(workshop_id, []).append(
                {
                    "kind": Kind.SUBMISSION,
                    "action": _ACTIONS[new_state],
                    "actor": by,
                    "submission": submission.pk,
                    "message": reason,
                    "from_state": current,
                    "to_state": new_state,
                }
            )
        for new_state, ids in by_state.items():
            Submission.objects.filter(pk__in=ids).update(state=new_state, updated_at=now)
        for workshop_id, entries in rows.items():
            record_many(workshop=workshop_id, rows=entries)
    for submission, new_state in changes:
        submission.state = new_state
        submission.updated_at = now
