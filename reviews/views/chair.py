"""The chairs' pages: dashboard, settings, criteria, conflicts, assignments, decisions, mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.forms import BaseModelFormSet, modelformset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from activity.diffs import form_changes, formset_changes
from activity.models import Kind
from activity.services import record
from mail.models import EmailState, OutgoingEmail
from mail.services import resend
from submissions.enums import SubmissionState
from submissions.services.fields import shown_answers
from workshops.concurrency import EditConflict, saved_values
from workshops.enums import MemberRole
from workshops.formsets import CheckedManagementFormMixin
from workshops.models import Membership, ReviewCriterion
from workshops.tables import Column, Table, number_url

from ..enums import BidPreference, DecisionOutcome, Phase, outcomes_for
from ..forms import (
    AssignForm,
    ConflictForm,
    CriterionForm,
    DecisionCorrectionForm,
    DecisionForm,
    DecisionTemplateForm,
    DueForm,
    SettingsForm,
)
from ..models import Assignment, Bid, Conflict, Decision, DecisionTemplate, ReviewerProfile
from ..permissions import (
    excluded_submission_ids,
    forget_settings,
    papers_for_manager,
    review_settings,
    reviews_due,
)
from ..services import ReviewFlowError
from ..services.area_chairs import paper_panel
from ..services.assignments import assign, loads, set_due, unassign
from ..services.conflicts import (
    active_conflict_pairs,
    add_conflict,
    committee_of,
    conflicted_reviewed_assignments,
    detect_conflicts,
    remove_conflict,
)
from ..services.dashboard import (
    SORTS,
    criteria_of,
    paper_queryset,
    reviewer_rows,
    rows_for,
    topics_by_paper,
)
from ..services.decisions import (
    clear_decision,
    correct_decision,
    render_decision_email,
    stage_decision,
    template_for,
)
from ..services.reminders import remind_late_reviewers
from ..services.reviewing import criteria_locked
from .common import managed_workshop_or_404, paper_or_404, posted_id


def _dashboard_columns(criteria) -> list[Column]:
    return [
        Column("number", "#", sort="number", numeric=True),
        Column("title", "Title", sort="title"),
        Column("state", "State", sort="state"),
        *[
            Column(
                f"c{c.pk}",
                c.name,
                optional=True,
                numeric=True,
                title=f"{c.name}: mean score" + (f" ({c.description})" if c.description else ""),
            )
            for c in criteria
        ],
        Column("mean", "Mean", sort="mean", numeric=True, title="Mean recommendation"),
        Column("spread", "Spread", sort="spread", numeric=True, title="Highest minus lowest"),
        Column(
            "std", "Std", optional=True, default=False, numeric=True, title="Standard deviation"
        ),
        Column(
            "confidence",
            "Conf.",
            sort="confidence",
            optional=True,
            default=False,
            numeric=True,
            title="Mean confidence",
        ),
        Column("reviews", "Reviews", sort="reviews", numeric=True, title="Submitted / assigned"),
        Column("missing", "Missing", sort="missing", numeric=True, title="Reviews missing"),
        Column(
            "ac",
            "AC rec.",
            optional=True,
            default=False,
            title="The area chair's recommendation",
        ),
        Column("decision", "Decision", sort="decision"),
    ]


# Sorts on a paper's own columns, which need none of the review figures.
PAPER_COLUMN_SORTS = {"number", "title", "state"}


@login_required
def dashboard(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    state = request.GET.get("state", "")
    missing = request.GET.get("missing") == "1"
    criteria = criteria_of(workshop)
    table = Table(
        request,
        name="review-dashboard",
        columns=_dashboard_columns(criteria),
        sorts=SORTS,
        default_sort="number",
        per_page=100,
    )
    # Sorted and cut into pages by the database; only the page's rows reach Python.
    papers = paper_queryset(workshop, request.user, state=state, missing_only=missing)
    plain = papers_for_manager(request.user, workshop)
    plain = plain.filter(state=state) if state else plain
    if missing or table.sort_key not in PAPER_COLUMN_SORTS:
        # Sorted or filtered by a figure: every paper's figures, then the page.
        count = None if missing else plain.count()  # without the figures' joins
        page = table.paginate(table.sort_queryset(papers), count=count)
        values = list(page.object_list)
    else:
        # Sorted by the paper's own columns: the page first, then its papers' figures only.
        page = table.paginate(table.sort_queryset(plain.only("pk", "number")))
        ids = [p.pk for p in page.object_list]
        figures = {v["pk"]: v for v in papers.filter(pk__in=ids)}
        values = [figures[pk] for pk in ids]
    shown = [c for c in criteria if table.shows(f"c{c.pk}")]
    page.object_list = rows_for(values, shown)
    paper_url = number_url("reviews:manage_paper", workshop.slug)
    for row in page.object_list:
        row.url = paper_url(row.number)
    settings = review_settings(workshop)
    return render(
        request,
        "reviews/manage/dashboard.html",
        {
            "workshop": workshop,
            "settings": settings,
            "phase": settings.flags,
            "rows": page,
            "table": table,
            "criteria": shown,
            "reviewers": reviewer_rows(workshop, user=request.user),
            "sort": table.sort_param,
            "state": state,
            "missing": missing,
            "states": SubmissionState.choices,
        },
    )


def _record_settings(request, workshop, action, what, changes) -> None:
    """A chair's change of the review settings, criteria or letters, field by field."""
    if changes:
        record(
            workshop=workshop,
            kind=Kind.SETTINGS,
            action=action,
            actor=request.user,
            message=f"{what} changed",
            changes=changes,
        )


@login_required
def settings_view(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    settings = review_settings(workshop)
    form = SettingsForm(request.POST or None, instance=settings)
    status = 200
    if request.method == "POST" and form.is_valid():
        before_phase = form.initial.get("phase")  # the instance already holds the new values
        changes = form_changes(form)
        try:
            with transaction.atomic():
                form.save_versioned(
                    message="The review settings were changed after you opened this page (by "
                    "another chair, or the phase moved with the calendar): your changes were "
                    "not saved.",
                )
                _record_settings(request, workshop, "review_settings", "Review settings", changes)
                if settings.phase != before_phase:
                    record(
                        workshop=workshop,
                        kind=Kind.PHASE,
                        action="phase_changed",
                        actor=request.user,
                        from_state=before_phase,
                        to_state=settings.phase,
                        message=f"Review phase: {Phase(before_phase).label} → "
                        f"{settings.get_phase_display()}",
                        changes={"phase": (before_phase, settings.phase)},
                    )
        except EditConflict as conflict:
            forget_settings(workshop)
            form.refuse(conflict, saved_values(form, review_settings(workshop)))
            status = 409
        else:
            forget_settings(workshop)
            messages.success(
                request, f"Review settings saved. Phase: {settings.get_phase_display()}."
            )
            return redirect("reviews:manage", slug=slug)
    return render(
        request, "reviews/manage/settings.html", {"workshop": workshop, "form": form}, status=status
    )


MAX_CRITERIA = 50


class CriteriaFormSet(CheckedManagementFormMixin, BaseModelFormSet):
    pass


@login_required
def criteria(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    locked = criteria_locked(workshop)
    FormSet = modelformset_factory(
        ReviewCriterion,
        form=CriterionForm,
        formset=CriteriaFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_CRITERIA,
        absolute_max=MAX_CRITERIA,  # a larger posted TOTAL_FORMS is a form error
    )
    queryset = ReviewCriterion.objects.filter(workshop=workshop)
    if request.method == "POST":
        if locked:
            messages.error(
                request,
                "Reviews have been submitted: the criteria can no longer change.",
            )
            return redirect("reviews:criteria", slug=slug)
        formset = FormSet(request.POST, queryset=queryset)
        if formset.is_valid():
            for form in formset.forms:
                if form.has_changed() and not form.cleaned_data.get("DELETE"):
                    form.instance.workshop = workshop
            changes = formset_changes(formset, label="Criterion")
            with transaction.atomic():
                formset.save()
                _record_settings(request, workshop, "review_criteria", "Review criteria", changes)
            messages.success(request, "Review criteria saved.")
            return redirect("reviews:criteria", slug=slug)
    else:
        formset = FormSet(queryset=queryset)
    return render(
        request,
        "reviews/manage/criteria.html",
        {"workshop": workshop, "formset": formset, "locked": locked},
    )


@login_required
def conflicts(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    papers = list(papers_for_manager(request.user, workshop).only("id", "number", "title"))
    members = list(committee_of(workshop))
    form = ConflictForm(request.POST or None, papers=papers, members=members)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "detect":
            n = detect_conflicts(workshop)
            messages.success(request, f"Conflict detection done: {n} new conflict(s).")
            return redirect("reviews:conflicts", slug=slug)
        if action == "remove":
            paper = get_object_or_404(
                papers_for_manager(request.user, workshop), pk=posted_id(request, "submission")
            )
            user = get_object_or_404(User, pk=posted_id(request, "user"))
            remove_conflict(submission=paper, user=user, by=request.user)
            messages.success(request, f"Conflict of {user} with paper #{paper.number} removed.")
            return redirect("reviews:conflicts", slug=slug)
        if form.is_valid():
            paper = next(p for p in papers if p.pk == form.cleaned_data["submission"])
            paper.workshop = workshop
            user = next(u for u in members if u.pk == form.cleaned_data["user"])
            add_conflict(
                submission=paper,
                user=user,
                source="chair",
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Conflict of {user} with paper #{paper.number} recorded.")
            return redirect("reviews:conflicts", slug=slug)
    hidden = excluded_submission_ids(request.user, workshop)
    rows = (
        Conflict.objects.active()
        .filter(submission__workshop=workshop)
        .exclude(submission_id__in=hidden)
        .select_related("submission", "user", "created_by")
        .only(
            "id",
            "source",
            "reason",
            "created_at",
            "submission__id",
            "submission__number",
            "submission__title",
            "user__id",
            "user__email",
            "user__full_name",
            "created_by__full_name",
            "created_by__email",
        )
        .order_by("submission__number", "user__full_name")
    )
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/manage/conflicts.html",
        {
            "workshop": workshop,
            "form": form,
            "page": page,
            "flagged": conflicted_reviewed_assignments(workshop, exclude=hidden),
        },
    )


def _reviewers(workshop):
    return list(
        User.objects.filter(
            pk__in=Membership.objects.filter(workshop=workshop, role=MemberRole.REVIEWER).values(
                "user_id"
            )
        )
    )


@login_required
def manage_paper(request, slug, number):
    """Assignments and decision of one paper, for a chair who is not conflicted with it."""
    submission, rights = paper_or_404(request, slug, number, "can_assign")
    workshop = submission.workshop
    decision_form, status = None, 200  # a refused decision is shown again, as typed
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign":
                form = AssignForm(request.POST, reviewers=_reviewers(workshop))
                # Due dates are typed in the workshop's zone, like every date of the call.
                with timezone.override(workshop.tzinfo):
                    valid = form.is_valid()
                if not valid:
                    raise ReviewFlowError("Choose a reviewer.")
                reviewer = User.objects.get(pk=form.cleaned_data["reviewer"])
                assign(
                    submission=submission,
                    reviewer=reviewer,
                    by=request.user,
                    due_at=form.cleaned_data["due_at"],
                    beyond_max=request.POST.get("beyond_max") == "1",
                )
                messages.success(request, f"{reviewer} assigned to paper #{number}.")
            elif action == "unassign":
                assignment = get_object_or_404(
                    Assignment, pk=posted_id(request, "assignment"), submission=submission
                )
                unassign(assignment, by=request.user)
                messages.success(request, f"{assignment.reviewer} unassigned.")
            elif action == "due":
                assignment = get_object_or_404(
                    Assignment, pk=posted_id(request, "assignment"), submission=submission
                )
                form = DueForm(request.POST)
                with timezone.override(workshop.tzinfo):
                    valid = form.is_valid()
                if not valid:
                    raise ReviewFlowError("Give a valid due date.")
                set_due(assignment, form.cleaned_data["due_at"], by=request.user)
                messages.success(request, f"Due date of {assignment.label} changed.")
            elif action == "decide":
                form = DecisionForm(request.POST, workshop=workshop)
                if not form.is_valid():
                    raise ReviewFlowError("Choose an outcome.")
                try:
                    stage_decision(
                        submission=submission,
                        outcome=form.cleaned_data["outcome"],
                        comments=form.cleaned_data["comments"],
                        by=request.user,
                        version=form.loaded_version,
                    )
                except EditConflict as conflict:
                    current = conflict.current
                    saved = (
                        {"outcome": current.outcome, "comments": current.comments}
                        if current is not None
                        else {}
                    )
                    form.refuse(conflict, saved)
                    decision_form, status = form, 409
                else:
                    messages.success(request, f"Decision on paper #{number} staged (not sent yet).")
            elif action == "clear_decision":
                posted = request.POST.get("version", "")
                try:
                    clear_decision(
                        submission=submission,
                        by=request.user,
                        version=int(posted) if posted.isdigit() else None,
                    )
                except EditConflict:
                    messages.error(
                        request,
                        "The staged decision was changed after you opened this page; it was "
                        "not removed. Check it below.",
                    )
                else:
                    messages.success(request, "Staged decision removed.")
            elif action == "correct_decision":
                form = DecisionCorrectionForm(request.POST, workshop=workshop)
                if not form.is_valid():
                    raise ReviewFlowError(
                        " ".join(e for errors in form.errors.values() for e in errors)
                    )
                correct_decision(
                    submission=submission,
                    outcome=form.cleaned_data["outcome"],
                    comments=form.cleaned_data["comments"],
                    by=request.user,
                )
                messages.success(
                    request,
                    f"Decision on paper #{number} corrected; each author gets one follow-up "
                    "letter.",
                )
            else:
                raise ReviewFlowError("Unknown action.")
        except ReviewFlowError as exc:
            messages.error(request, str(exc))
        if decision_form is None:
            return redirect("reviews:manage_paper", slug=slug, number=number)

    assignments = list(
        Assignment.objects.filter(submission=submission)
        .select_related("reviewer", "review")
        .order_by("ordinal")
    )
    reviewers = _reviewers(workshop)
    bids = dict(Bid.objects.filter(submission=submission).values_list("reviewer_id", "preference"))
    conflicted = set(
        Conflict.objects.active().filter(submission=submission).values_list("user_id", flat=True)
    )
    paper_topics = set(submission.topics.values_list("pk", flat=True))
    profile_topics: dict[int, set[int]] = {}
    for uid, tid in ReviewerProfile.topics.through.objects.filter(
        reviewerprofile__workshop=workshop
    ).values_list("reviewerprofile__user_id", "topic_id"):
        profile_topics.setdefault(uid, set()).add(tid)
    load = loads(workshop)
    maxima = dict(
        ReviewerProfile.objects.filter(workshop=workshop).values_list("user_id", "max_papers")
    )
    assigned_ids = {a.reviewer_id for a in assignments if a.is_active}
    candidates = []
    for user in reviewers:
        limit = maxima.get(user.pk)
        candidates.append(
            {
                "user": user,
                "bid": BidPreference(bids.get(user.pk, BidPreference.NEUTRAL)),
                "match": len(profile_topics.get(user.pk, set()) & paper_topics),
                "load": load.get(user.pk, 0),
                "max": limit,
                "full": limit is not None and load.get(user.pk, 0) >= limit,
                "conflicted": user.pk in conflicted,
                "assigned": user.pk in assigned_ids,
            }
        )
    candidates.sort(key=lambda c: (c["conflicted"], c["assigned"], -c["match"], c["load"]))
    decision = Decision.objects.filter(submission=submission).first()
    if decision_form is None:
        form_class = DecisionCorrectionForm if decision and decision.is_released else DecisionForm
        decision_form = form_class(
            initial={"outcome": decision.outcome, "comments": decision.comments}
            if decision
            else None,
            workshop=workshop,
            version=decision.version if decision else 0,
        )
    from .reviewer import _visible_reviews

    return render(
        request,
        "reviews/manage/paper.html",
        {
            "workshop": workshop,
            "paper": submission,
            "rights": rights,
            "authors": list(submission.authors.order_by("order", "pk")),
            "field_answers": shown_answers(submission, everything=True),
            "assignments": assignments,
            "candidates": candidates,
            "assign_form": AssignForm(
                reviewers=[
                    c["user"] for c in candidates if not c["conflicted"] and not c["assigned"]
                ]
            ),
            "reviews": _visible_reviews(submission, rights),
            "decision": decision,
            "decision_form": decision_form,
            "default_due": reviews_due(workshop),
            "area_chair_panel": paper_panel(submission),
            **_paper_log(submission),
        },
        status=status,
    )


PAPER_LOG_SIZE = 10


def _paper_log(submission) -> dict:
    """The paper's latest entries of the activity log (this page is behind ``can_assign``:
    the reader manages the paper); the rest is one link away, on the workshop's log."""
    from activity.models import Entry

    entries = Entry.objects.filter(submission=submission).select_related("actor")
    return {
        "log_entries": list(entries[:PAPER_LOG_SIZE]),
        "log_count": entries.count(),
    }


@login_required
def manage_reviewer(request, slug, user_id):
    """One reviewer's papers, bids and load; assign or unassign from here too."""
    workshop = managed_workshop_or_404(request, slug)
    membership = (
        Membership.objects.filter(workshop=workshop, user_id=user_id, role=MemberRole.REVIEWER)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404
    reviewer = membership.user
    papers = list(papers_for_manager(request.user, workshop).only("id", "number", "title", "state"))
    if request.method == "POST":
        paper = next((p for p in papers if str(p.pk) == request.POST.get("submission")), None)
        if paper is None:
            raise Http404
        paper.workshop = workshop
        try:
            if request.POST.get("action") == "assign":
                assign(
                    submission=paper,
                    reviewer=reviewer,
                    by=request.user,
                    beyond_max=request.POST.get("beyond_max") == "1",
                )
                messages.success(request, f"Paper #{paper.number} assigned to {reviewer}.")
            else:
                assignment = get_object_or_404(Assignment, submission=paper, reviewer=reviewer)
                unassign(assignment, by=request.user)
                messages.success(request, f"Paper #{paper.number} unassigned from {reviewer}.")
        except ReviewFlowError as exc:
            messages.error(request, str(exc))
        return redirect("reviews:manage_reviewer", slug=slug, user_id=user_id)
    profile = (
        ReviewerProfile.objects.filter(workshop=workshop, user=reviewer)
        .prefetch_related("topics")
        .first()
    )
    mine = {t.pk for t in profile.topics.all()} if profile else set()
    topics = topics_by_paper(p.pk for p in papers)
    bids = dict(
        Bid.objects.filter(reviewer=reviewer, submission__workshop=workshop).values_list(
            "submission_id", "preference"
        )
    )
    conflicted = {sid for sid, uid in active_conflict_pairs(workshop) if uid == reviewer.pk}
    assignments = {
        a.submission_id: a
        for a in Assignment.objects.filter(
            reviewer=reviewer, submission__workshop=workshop
        ).select_related("review")
    }
    rows = [
        {
            "paper": p,
            "bid": BidPreference(bids.get(p.pk, BidPreference.NEUTRAL)),
            "match": len(mine & topics.get(p.pk, set())),
            "conflicted": p.pk in conflicted,
            "assignment": assignments.get(p.pk),
        }
        for p in papers
    ]
    rows.sort(
        key=lambda r: (r["assignment"] is None, r["conflicted"], -r["match"], r["paper"].number)
    )
    return render(
        request,
        "reviews/manage/reviewer.html",
        {
            "workshop": workshop,
            "reviewer": reviewer,
            "profile": profile,
            "rows": rows,
            "load": sum(1 for a in assignments.values() if a.is_active),
            "max": profile.max_papers if profile else None,
        },
    )


@login_required
def templates(request, slug):
    """Edit the decision e-mail of each outcome; preview it for one real recipient."""
    workshop = managed_workshop_or_404(request, slug)
    outcomes = outcomes_for(workshop)
    outcome = request.GET.get("outcome") or request.POST.get("outcome") or outcomes[0].value
    if outcome not in [o.value for o in outcomes]:
        raise Http404
    instance = DecisionTemplate.objects.filter(workshop=workshop, outcome=outcome).first()
    if instance is None:
        subject, body = template_for(workshop, outcome)
        instance = DecisionTemplate(workshop=workshop, outcome=outcome, subject=subject, body=body)
    form = DecisionTemplateForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST" and form.is_valid():

        def saved():
            return DecisionTemplate.objects.filter(workshop=workshop, outcome=outcome).first()

        changes = form_changes(form)
        try:
            with transaction.atomic():
                form.save_versioned(
                    message="This template was saved after you opened this page: your changes "
                    "were not saved.",
                    find=saved,
                )
                _record_settings(
                    request,
                    workshop,
                    "decision_template",
                    f"Decision letter “{DecisionOutcome(outcome).label}”",
                    changes,
                )
        except EditConflict as conflict:
            form.refuse(conflict, saved_values(form, saved()))
            status = 409
        else:
            messages.success(request, f"Template “{DecisionOutcome(outcome).label}” saved.")
            return redirect(f"{request.path}?outcome={outcome}")
    # Preview for a real recipient: the first author of a paper with this (staged) outcome,
    # else of any paper the chair may see, as if it had this outcome (nothing is saved).
    preview = None
    sample = (
        Decision.objects.filter(submission__workshop=workshop, outcome=outcome)
        .exclude(submission_id__in=excluded_submission_ids(request.user, workshop))
        .select_related("submission__workshop")
        .order_by("submission__number")
        .first()
    )
    if sample is None:
        paper = papers_for_manager(request.user, workshop).select_related("workshop").first()
        if paper is not None:
            sample = Decision(submission=paper, outcome=outcome)
    if sample is not None:
        author = sample.submission.authors.order_by("order", "pk").first()
        if author is not None:
            subject, body = render_decision_email(sample, author)
            preview = {"to": author, "subject": subject, "body": body, "paper": sample.submission}
    return render(
        request,
        "reviews/manage/templates.html",
        {
            "workshop": workshop,
            "form": form,
            "outcome": outcome,
            "outcome_label": DecisionOutcome(outcome).label,
            "outcomes": outcomes,
            "preview": preview,
        },
        status=status,
    )


def _hidden_emails_q(user, workshop) -> Q | None:
    """E-mails about papers ``user`` is conflicted with or authors (they would reveal the
    reviewers or the staged decision).

    Outbox rows have no paper column; their idempotency keys name the event's objects.
    """
    from ..models import Comment

    papers = list(excluded_submission_ids(user, workshop))
    if not papers:
        return None
    q = Q()
    for pk in Assignment.objects.filter(submission_id__in=papers).values_list("pk", flat=True):
        q |= Q(idempotency_key=f"assignment:{pk}") | Q(
            idempotency_key__startswith=f"assignment:{pk}:"
        )
        q |= Q(idempotency_key__startswith=f"review-reminder:{pk}:")
    for pk in Comment.objects.filter(submission_id__in=papers).values_list("pk", flat=True):
        q |= Q(idempotency_key__startswith=f"comment:{pk}:")
    for pk in papers:
        q |= Q(idempotency_key__regex=rf"^decision:\d+:{pk}:")
        q |= Q(idempotency_key__startswith=f"decision-correction:{pk}:")
        q |= Q(idempotency_key__regex=rf"^group:[^:]+:{pk}:")
        q |= Q(idempotency_key__startswith=f"submission:{pk}:")
    return q


OUTBOX_COLUMNS = [
    Column("queued", "Queued", sort="queued"),
    Column("to", "To", sort="to"),
    Column("subject", "Subject", sort="subject"),
    Column("kind", "Kind", sort="kind", optional=True),
    Column("state", "State", sort="state"),
    Column("sent", "Sent", sort="sent", optional=True, default=False),
    Column("actions", "Actions"),
]
OUTBOX_SORTS = {
    "queued": ["created_at", "pk"],
    "to": ["recipient", "pk"],
    "subject": ["subject", "pk"],
    "kind": ["template_role", "pk"],
    "state": ["state", "pk"],
    "sent": ["sent_at", "pk"],
}


def kind_label(template_role: str) -> str:
    """``"submission.deadline_extended"`` -> ``"Submission: deadline extended"``."""
    if not template_role:
        return "Other"
    head, _, rest = template_role.partition(".")
    label = head.replace("_", " ").capitalize()
    return f"{label}: {rest.replace('_', ' ').replace('.', ', ')}" if rest else label


@login_required
def outbox(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    emails = OutgoingEmail.objects.filter(workshop=workshop)
    hidden = _hidden_emails_q(request.user, workshop)
    if hidden is not None:
        emails = emails.exclude(hidden)
    kinds = sorted(set(emails.order_by().values_list("template_role", flat=True).distinct()))
    emails = emails.only(
        "id",
        "recipient",
        "subject",
        "body",
        "state",
        "attempts",
        "error",
        "created_at",
        "sent_at",
        "template_role",
    )
    state = request.GET.get("state", "")
    if state in EmailState.values:
        emails = emails.filter(state=state)
    kind = request.GET.get("kind", "")
    if kind in kinds:
        emails = emails.filter(template_role=kind)
    q = request.GET.get("q", "").strip()
    if q:
        emails = emails.filter(Q(recipient__icontains=q) | Q(subject__icontains=q))
    table = Table(
        request,
        name="outbox",
        columns=OUTBOX_COLUMNS,
        sorts=OUTBOX_SORTS,
        default_sort="-queued",
        per_page=50,
    )
    page = table.paginate(table.sort_queryset(emails))
    zone = workshop.tzinfo
    for email in page:
        email.kind_label = kind_label(email.template_role)
        email.queued_label = f"{email.created_at.astimezone(zone):%Y-%m-%d %H:%M}"
        email.sent_label = (
            f"{email.sent_at.astimezone(zone):%Y-%m-%d %H:%M}" if email.sent_at else ""
        )
    return render(
        request,
        "reviews/manage/outbox.html",
        {
            "workshop": workshop,
            "page": page,
            "table": table,
            "state": state,
            "kind": kind,
            "kinds": [(k, kind_label(k)) for k in kinds],
            "q": q,
            "states": EmailState.choices,
        },
    )


@login_required
@require_POST
def outbox_resend(request, slug, pk):
    workshop = managed_workshop_or_404(request, slug)
    emails = OutgoingEmail.objects.filter(workshop=workshop)
    hidden = _hidden_emails_q(request.user, workshop)
    if hidden is not None:
        emails = emails.exclude(hidden)
    email = get_object_or_404(emails, pk=pk)
    if email.state != EmailState.FAILED:
        messages.warning(request, "Only failed e-mails can be sent again.")
    else:
        resend(email)
        messages.success(request, f"E-mail to {email.recipient} queued again.")
    return redirect("reviews:outbox", slug=slug)


@login_required
@require_POST
def remind_late(request, slug):
    workshop = managed_workshop_or_404(request, slug)
    n = remind_late_reviewers(workshop=workshop, by=request.user)
    messages.success(request, f"{n} late review(s): reminders sent (at most one a day each).")
    return redirect("reviews:manage", slug=slug)
