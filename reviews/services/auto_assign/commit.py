"""Step 5: commit a proposal into assignments and queue one e-mail per new assignment."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from config.dispatch import publish_on_commit
from mail.models import EmailState, OutgoingEmail
from submissions.models import Submission
from workshops.enums import DateKind

from ...enums import AssignmentSource, AssignmentState, BidPreference
from ...models import (
    AreaChairAssignment,
    Assignment,
    AssignmentRun,
    Bid,
    Conflict,
    ProposedPair,
    RunState,
)
from ...permissions import excluded_submission_ids
from .bulk import bulk_insert
from .params import (
    AC_EMAIL_TEMPLATE_ROLE,
    EMAIL_TEMPLATE_ROLE,
    AutoAssignError,
    RunParams,
    active_papers,
    committee_ids,
)

# ---------------------------------------------------------------------------------------------
# 5. Commit


@dataclass
class CommitResult:
    created: int = 0
    emails: int = 0
    skipped: list[str] = field(default_factory=list)
    # Pairs on papers the committing chair conflicts with (or authors): not theirs to make.
    left_for_other_chairs: int = 0


def reviews_due_at(workshop):
    """The workshop's "reviews due" date (one query)."""
    row = (
        workshop.dates.filter(kind=DateKind.REVIEWS_DUE)
        .values_list("original_at", "extended_at")
        .first()
    )
    return (row[1] or row[0]) if row else None


def commit_run(run: AssignmentRun, *, by) -> CommitResult:
    """Create the proposal's assignments and queue one e-mail per new assignment.

    One transaction; the number of queries does not depend on the number of pairs. A run is
    committed once: a second call raises ``AutoAssignError``. Pairs that became impossible
    since the run (a new conflict, a withdrawn paper, an assignment made by hand) are skipped
    and reported. A chair changes nothing about a paper they conflict with or author: its
    pairs are left out and counted (``left_for_other_chairs``); another chair makes them by
    running again (a rerun keeps the assignments made and fills the gaps). ``by=None`` (the
    administrator's management command) commits every pair.
    """
    with transaction.atomic():
        locked_run = (
            AssignmentRun.objects.select_for_update().select_related("workshop").get(pk=run.pk)
        )
        if locked_run.state == RunState.COMMITTED:
            raise AutoAssignError("This proposal was already committed.")
        if locked_run.state != RunState.DONE:
            raise AutoAssignError("Only a finished proposal can be committed.")
        workshop = locked_run.workshop
        params = RunParams.from_json(locked_run.params)
        if params.is_area_chair_run:
            return _commit_area_chairs(run, locked_run, params, by=by)
        outcome = CommitResult()
        pairs = list(
            ProposedPair.objects.filter(run=locked_run, is_locked=False)
            .order_by("submission_id", "-score", "reviewer_id")
            .values_list("submission_id", "reviewer_id", "edited_by_chair")
        )
        active_ids = set(active_papers(workshop).values_list("pk", flat=True))
        conflicted = set(
            Conflict.objects.active()
            .filter(submission__workshop=workshop)
            .values_list("submission_id", "user_id")
        )
        conflicted |= set(
            Bid.objects.filter(
                submission__workshop=workshop, preference=BidPreference.CONFLICT
            ).values_list("submission_id", "reviewer_id")
        )
        existing: set[tuple[int, int]] = set()
        top_ordinal: dict[int, int] = {}
        for submission_id, reviewer_id, ordinal in Assignment.objects.filter(
            submission__workshop=workshop
        ).values_list("submission_id", "reviewer_id", "ordinal"):
            existing.add((submission_id, reviewer_id))
            top_ordinal[submission_id] = max(top_ordinal.get(submission_id, 0), ordinal)
        members = set(committee_ids(workshop))
        not_mine = (
            set(excluded_submission_ids(by, workshop))
            if by is not None and by.is_authenticated
            else set()
        )
        due_at = reviews_due_at(workshop)
        now = timezone.now()
        new: dict[str, list] = {
            "submission_id": [],
            "reviewer_id": [],
            "ordinal": [],
            "source": [],
        }
        for submission_id, reviewer_id, by_hand in pairs:
            pair = (submission_id, reviewer_id)
            if submission_id in not_mine:
                outcome.left_for_other_chairs += 1
            elif submission_id not in active_ids:
                outcome.skipped.append(f"paper id {submission_id} is no longer in review")
            elif pair in conflicted:
                outcome.skipped.append(
                    f"a conflict was declared for paper id {submission_id} and reviewer id "
                    f"{reviewer_id}"
                )
            elif pair in existing:
                outcome.skipped.append(
                    f"reviewer id {reviewer_id} is already assigned to paper id {submission_id}"
                )
            elif reviewer_id not in members:
                outcome.skipped.append(f"reviewer id {reviewer_id} left the committee")
            else:
                top_ordinal[submission_id] = top_ordinal.get(submission_id, 0) + 1
                existing.add(pair)
                new["submission_id"].append(submission_id)
                new["reviewer_id"].append(reviewer_id)
                new["ordinal"].append(top_ordinal[submission_id])
                new["source"].append(
                    AssignmentSource.MANUAL.value if by_hand else AssignmentSource.AUTOMATIC.value
                )
        outcome.created = bulk_insert(
            Assignment,
            {
                **new,
                "due_at": due_at,
                "state": AssignmentState.ACTIVE.value,
                "created_by_id": getattr(by, "pk", None),
                "created_at": now,
            },
        )
        outcome.emails = queue_assignment_emails(
            workshop, created_in_commit(workshop, now, new), due_at=due_at
        )
        AssignmentRun.objects.filter(pk=locked_run.pk).update(
            state=RunState.COMMITTED, committed_at=now, committed_by=by
        )
        run.state, run.committed_at, run.committed_by = RunState.COMMITTED, now, by
        if outcome.skipped or outcome.left_for_other_chairs:
            result = dict(locked_run.result or {})
            result["commit_skipped"] = outcome.skipped[:200]
            result["commit_left_for_other_chairs"] = outcome.left_for_other_chairs
            AssignmentRun.objects.filter(pk=locked_run.pk).update(result=result)
            run.result = result
        _record_commit(workshop, locked_run, new, outcome, by=by)
        if outcome.created:
            run_id = locked_run.pk
            # The e-mails are outbox rows already: if the broker is down, the outbox sweep
            # sends them once it is back.
            publish_on_commit("reviews.send_assignment_emails", run_id)
    return outcome


def _commit_area_chairs(run, locked_run, params: RunParams, *, by) -> CommitResult:
    """``commit_run`` for an area-chair run (inside its transaction): the same checks, and
    ``AreaChairAssignment`` rows instead of reviewer assignments; a constant number of
    queries whatever the number of pairs."""
    workshop = locked_run.workshop
    outcome = CommitResult()
    pairs = list(
        ProposedPair.objects.filter(run=locked_run, is_locked=False)
        .order_by("submission_id", "-score", "reviewer_id")
        .values_list("submission_id", "reviewer_id", "edited_by_chair")
    )
    active_ids = set(active_papers(workshop).values_list("pk", flat=True))
    conflicted = set(
        Conflict.objects.active()
        .filter(submission__workshop=workshop)
        .values_list("submission_id", "user_id")
    )
    conflicted |= set(
        Bid.objects.filter(
            submission__workshop=workshop, preference=BidPreference.CONFLICT
        ).values_list("submission_id", "reviewer_id")
    )
    existing = set(
        AreaChairAssignment.objects.filter(submission__workshop=workshop).values_list(
            "submission_id", "area_chair_id"
        )
    )
    members = set(committee_ids(workshop, params.role))
    not_mine = (
        set(excluded_submission_ids(by, workshop))
        if by is not None and by.is_authenticated
        else set()
    )
    now = timezone.now()
    new: dict[str, list] = {"submission_id": [], "reviewer_id": [], "source": []}
    for submission_id, user_id, by_hand in pairs:
        pair = (submission_id, user_id)
        if submission_id in not_mine:
            outcome.left_for_other_chairs += 1
        elif submission_id not in active_ids:
            outcome.skipped.append(f"paper id {submission_id} is no longer in review")
        elif pair in conflicted:
            outcome.skipped.append(
                f"a conflict was declared for paper id {submission_id} and area chair id {user_id}"
            )
        elif pair in existing:
            outcome.skipped.append(
                f"area chair id {user_id} is already in charge of paper id {submission_id}"
            )
        elif user_id not in members:
            outcome.skipped.append(f"area chair id {user_id} is no longer an area chair")
        else:
            existing.add(pair)
            new["submission_id"].append(submission_id)
            new["reviewer_id"].append(user_id)
            new["source"].append(
                AssignmentSource.MANUAL.value if by_hand else AssignmentSource.AUTOMATIC.value
            )
    outcome.created = bulk_insert(
        AreaChairAssignment,
        {
            "submission_id": new["submission_id"],
            "area_chair_id": new["reviewer_id"],
            "source": new["source"],
            "created_by_id": getattr(by, "pk", None),
            "created_at": now,
        },
    )
    wanted = set(zip(new["submission_id"], new["reviewer_id"], strict=True))
    created = [
        row
        for row in AreaChairAssignment.objects.filter(
            submission__workshop=workshop, created_at__gte=now
        ).values_list("pk", "submission_id", "area_chair_id")
        if (row[1], row[2]) in wanted
    ]
    outcome.emails = queue_area_chair_emails(workshop, created)
    AssignmentRun.objects.filter(pk=locked_run.pk).update(
        state=RunState.COMMITTED, committed_at=now, committed_by=by
    )
    run.state, run.committed_at, run.committed_by = RunState.COMMITTED, now, by
    if outcome.skipped or outcome.left_for_other_chairs:
        result = dict(locked_run.result or {})
        result["commit_skipped"] = outcome.skipped[:200]
        result["commit_left_for_other_chairs"] = outcome.left_for_other_chairs
        AssignmentRun.objects.filter(pk=locked_run.pk).update(result=result)
        run.result = result
    _record_commit(workshop, locked_run, new, outcome, by=by, area_chairs=True)
    if outcome.created:
        publish_on_commit("reviews.send_assignment_emails", locked_run.pk)
    return outcome


def ac_email_key(assignment_id: int) -> str:
    return f"area-chair-assignment:{assignment_id}"


def queue_area_chair_emails(workshop, assignments: list[tuple[int, int, int]]) -> int:
    """One outbox row per new area-chair assignment (the key of ``notify_assigned``, so a
    pair is never told twice); three queries whatever the number of rows."""
    if not assignments:
        return 0
    from accounts.models import User

    from ..emails import one_line, site_url

    people = {
        pk: (email, name)
        for pk, email, name in User.objects.filter(
            pk__in={uid for _, _, uid in assignments}
        ).values_list("pk", "email", "full_name")
    }
    papers = {
        pk: (number, title)
        for pk, number, title in Submission.objects.filter(workshop=workshop).values_list(
            "pk", "number", "title"
        )
    }
    url_pattern = site_url(_paper_url_pattern(workshop))
    columns: dict[str, list] = {
        name: [] for name in ("recipient", "user_id", "subject", "body", "idempotency_key")
    }
    for assignment_id, submission_id, user_id in assignments:
        email, name = people[user_id]
        number, title = papers[submission_id]
        columns["recipient"].append(email)
        columns["user_id"].append(user_id)
        columns["subject"].append(
            f"[{workshop.short_name}] {one_line(f'Area chair of paper #{number}')}"[:300]
        )
        columns["body"].append(
            render_to_string(
                "reviews/email/area_chair_assigned.txt",
                {
                    "workshop": workshop,
                    "area_chair": {"get_full_name": name, "email": email},
                    "paper_number": number,
                    "paper_title": title,
                    "url": url_pattern.replace("{number}", str(number)),
                },
            )
        )
        columns["idempotency_key"].append(ac_email_key(assignment_id))
    columns.update(
        {
            "workshop_id": workshop.pk,
            "reply_to": workshop.contact_email,
            "template_role": AC_EMAIL_TEMPLATE_ROLE,
            "state": EmailState.QUEUED.value,
        }
    )
    return bulk_insert(OutgoingEmail, columns, ignore_conflicts_on="idempotency_key")


def _record_commit(
    workshop, run, new: dict, outcome: CommitResult, *, by, area_chairs: bool = False
) -> None:
    """One summary entry for the commit and one per paper naming its new reviewers (the
    per-paper entries carry the paper: a conflicted chair never reads them). Two queries."""
    from accounts.models import User
    from activity.models import Kind
    from activity.services import name_of, record_many

    names = {
        u.pk: name_of(u)
        for u in User.objects.filter(pk__in=set(new["reviewer_id"])).only("full_name", "email")
    }
    per_paper: dict[int, list[str]] = {}
    for submission_id, reviewer_id in zip(new["submission_id"], new["reviewer_id"], strict=True):
        per_paper.setdefault(submission_id, []).append(names.get(reviewer_id, "?"))
    rows = [
        {
            "kind": Kind.ASSIGNMENT,
            "action": "assigned",
            "actor": by,
            "submission": submission_id,
            "message": (
                f"Area chair assigned by automatic run {run.pk}: "
                if area_chairs
                else f"Assigned by automatic run {run.pk}: "
            )
            + ", ".join(reviewers),
            "changes": {"area_chairs" if area_chairs else "reviewers": (None, reviewers)},
        }
        for submission_id, reviewers in per_paper.items()
    ]
    rows.append(
        {
            "kind": Kind.ASSIGNMENT,
            "action": "run_committed",
            "actor": by,
            "message": f"Automatic assignment run {run.pk} committed: "
            f"{outcome.created} {'area-chair ' if area_chairs else ''}assignment(s), "
            f"{len(outcome.skipped)} skipped"
            + (
                f", {outcome.left_for_other_chairs} left for other chairs"
                if outcome.left_for_other_chairs
                else ""
            ),
        }
    )
    record_many(workshop=workshop, rows=rows)


def created_in_commit(workshop, at, new: dict) -> list[tuple[int, int, int]]:
    """(assignment id, submission id, reviewer id) of the rows a commit inserted at ``at`` or
    later (one query; these pairs had no assignment before the commit)."""
    wanted = set(zip(new["submission_id"], new["reviewer_id"], strict=True))
    return [
        row
        for row in Assignment.objects.filter(
            submission__workshop=workshop, created_at__gte=at
        ).values_list("pk", "submission_id", "reviewer_id")
        if (row[1], row[2]) in wanted
    ]


def email_key(assignment_id: int, email: str) -> str:
    """The outbox key of an assignment's e-mail: a new assignment of the same pair (after an
    unassignment) is a new event and is notified again."""
    return f"assignment:{assignment_id}:{email.lower()}"[:255]


def _paper_url_pattern(workshop) -> str:
    """The reviewer's page of a paper with ``{number}`` for the paper number (one reverse)."""
    marker = 987654321
    try:
        path = reverse("reviews:paper", args=[workshop.slug, marker])
    except NoReverseMatch:
        return workshop.get_absolute_url()
    return path.replace(str(marker), "{number}")


def _email_body_renderer(workshop, due_at=None):
    """A function rendering an assignment e-mail body for one reviewer and paper.

    Uses the reviews app's template (``reviews/email/assigned.txt``) when it exists: rendered
    once with markers that are then replaced per recipient, so 30,000 e-mails cost one render.
    """
    markers = {
        "name": "\x00NAME\x00",
        "number": "\x00NUMBER\x00",
        "title": "\x00TITLE\x00",
        "url": "\x00URL\x00",
    }
    from ..emails import site_url

    try:
        template = render_to_string(
            "reviews/email/assigned.txt",
            {
                "workshop": workshop,
                "site_url": site_url(""),
                "reviewer": {"get_full_name": markers["name"], "full_name": markers["name"]},
                "paper_number": markers["number"],
                "paper_title": markers["title"],
                "due_at": due_at,
                "url": markers["url"],
                "assignment": None,
            },
        )
    except (TemplateDoesNotExist, Exception):  # a template needing more context: our text
        template = None
    if template is None or any(m not in template for m in (markers["number"], markers["url"])):
        template = (
            f"Dear {markers['name']},\n\n"
            f'You have been assigned paper #{markers["number"]} "{markers["title"]}" '
            f"for review in {workshop.short_name}.\n\n"
            f"Read the paper and write your review here:\n{markers['url']}\n\n"
            "If you cannot review it (a conflict of interest, or no time), please decline the "
            "assignment on that page so that the chairs can find someone else.\n\n"
            f"Thank you,\nThe chairs of {workshop.short_name}\n"
        )

    def render(name: str, number: int, title: str, url: str) -> str:
        return (
            template.replace(markers["name"], name)
            .replace(markers["number"], str(number))
            .replace(markers["title"], title)
            .replace(markers["url"], url)
        )

    return render


def queue_assignment_emails(
    workshop, assignments: list[tuple[int, int, int]], *, due_at=None
) -> int:
    """Bulk variant of ``mail.services.queue_email`` for new assignments.

    One ``OutgoingEmail`` row per assignment with the key
    ``assignment:<assignment_id>:<email>`` (``ignore_conflicts`` on the unique
    key: a key queued before is not queued again). Delivery is started by
    ``reviews.send_assignment_emails`` after the transaction commits. Three queries whatever
    the number of assignments.
    """
    if not assignments:
        return 0
    from accounts.models import User

    from ..emails import one_line, site_url

    people = {
        pk: (email, name)
        for pk, email, name in User.objects.filter(pk__in=committee_ids(workshop)).values_list(
            "pk", "email", "full_name"
        )
    }
    papers = {
        pk: (number, title)
        for pk, number, title in Submission.objects.filter(workshop=workshop).values_list(
            "pk", "number", "title"
        )
    }
    render = _email_body_renderer(workshop, due_at)
    url_pattern = site_url(_paper_url_pattern(workshop))
    columns: dict[str, list] = {
        name: [] for name in ("recipient", "user_id", "subject", "body", "idempotency_key")
    }
    for assignment_id, submission_id, reviewer_id in assignments:
        email, name = people[reviewer_id]
        number, title = papers[submission_id]
        columns["recipient"].append(email)
        columns["user_id"].append(reviewer_id)
        columns["subject"].append(
            f"[{workshop.short_name}] {one_line(f'Review assignment: paper #{number}')}"[:300]
        )
        columns["body"].append(
            render(name or email, number, title, url_pattern.replace("{number}", str(number)))
        )
        columns["idempotency_key"].append(email_key(assignment_id, email))
    columns.update(
        {
            "workshop_id": workshop.pk,
            "reply_to": workshop.contact_email,
            "template_role": EMAIL_TEMPLATE_ROLE,
            "state": EmailState.QUEUED.value,
        }
    )
    return bulk_insert(OutgoingEmail, columns, ignore_conflicts_on="idempotency_key")


def email_ids_of_run(run: AssignmentRun, *, chunk: int = 500):
    """Ids of the queued outbox rows of a committed run's new assignments, in chunks."""
    if run.committed_at is None:
        return
    if RunParams.from_json(run.params).is_area_chair_run:
        ac_keys = [
            ac_email_key(pk)
            for pk in AreaChairAssignment.objects.filter(
                submission__workshop_id=run.workshop_id, created_at__gte=run.committed_at
            ).values_list("pk", flat=True)
        ]
        for start in range(0, len(ac_keys), chunk):
            yield list(
                OutgoingEmail.objects.filter(
                    idempotency_key__in=ac_keys[start : start + chunk], state=EmailState.QUEUED
                ).values_list("pk", flat=True)
            )
        return
    proposed = ProposedPair.objects.filter(
        run=run,
        is_locked=False,
        submission_id=OuterRef("submission_id"),
        reviewer_id=OuterRef("reviewer_id"),
    )
    keys = [
        email_key(pk, email)
        for pk, email in Assignment.objects.filter(
            Exists(proposed),
            submission__workshop_id=run.workshop_id,
            created_at__gte=run.committed_at,
        ).values_list("pk", "reviewer__email")
    ]
    for start in range(0, len(keys), chunk):
        yield list(
            OutgoingEmail.objects.filter(
                idempotency_key__in=keys[start : start + chunk], state=EmailState.QUEUED
            ).values_list("pk", flat=True)
        )
