"""The chairs' pages: the submissions list with filters and counts, CSV export, desk
rejection (and its undo) and per-submission deadlines."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from workshops.files import file_response

from ..enums import SubmissionState
from ..forms import DeadlineOverrideForm, DeskRejectForm, ManageFilterForm
from ..models import Submission
from ..permissions import managed_by
from ..services import deadlines
from ..services.editing import set_deadline_override
from ..services.state import TransitionNotAllowed, set_state
from .common import get_submission, get_workshop


def _managed_workshop(request, slug):
    workshop = get_workshop(slug)
    if not request.user.has_perm("submissions.manage_submissions", workshop):
        if request.user.has_perm("workshops.view_workshop", workshop):
            raise PermissionDenied("Only the workshop's chairs can manage its submissions.")
        raise Http404("No such workshop.")
    return workshop


def _filtered(request, workshop):
    form = ManageFilterForm(request.GET or None, workshop=workshop)
    queryset = managed_by(request.user, Submission.objects.filter(workshop=workshop))
    return form, form.filter(queryset)


@login_required
def manage_list(request, slug):
    workshop = _managed_workshop(request, slug)
    form, queryset = _filtered(request, workshop)
    submissions = list(queryset.for_lists().order_by("number"))
    counts = dict(
        managed_by(request.user, Submission.objects.filter(workshop=workshop))
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    state_counts = [
        (value, label, counts.get(value, 0)) for value, label in SubmissionState.choices
    ]
    rows = [
        {
            "submission": s,
            "deadline": deadlines.submission_deadline(s),
            "paper": s.current_paper,
        }
        for s in submissions
    ]
    return render(
        request,
        "submissions/manage_list.html",
        {
            "workshop": workshop,
            "form": form,
            "rows": rows,
            "state_counts": state_counts,
            "total": sum(counts.values()),
            "query_string": request.GET.urlencode(),
            "active": "submissions",
        },
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell that spreadsheets will not execute as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@login_required
def export_csv(request, slug):
    workshop = _managed_workshop(request, slug)
    _form, queryset = _filtered(request, workshop)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = file_response(
        filename=f"{workshop.slug}-submissions-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
    )
    writer = csv.writer(response)
    writer.writerow(
        [
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
    )
    for s in queryset.for_lists().order_by("number"):
        authors = s.ordered_authors
        paper = s.current_paper
        contact = s.contact_author
        writer.writerow(
            _cell(v)
            for v in [
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
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def desk_reject(request, slug, number):
    submission = get_submission(request, slug, number, perm="submissions.manage_submissions")
    if not request.user.has_perm("submissions.desk_reject_submission", submission):
        messages.error(request, "Only submitted papers can be desk rejected.")
        return redirect(submission.get_absolute_url())
    form = DeskRejectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            set_state(
                submission,
                SubmissionState.DESK_REJECTED,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Submission #{submission.number} desk rejected; the authors were told."
            )
        return redirect("submissions:manage_list", slug=slug)
    return render(
        request,
        "submissions/desk_reject.html",
        {
            "workshop": submission.workshop,
            "submission": submission,
            "form": form,
            "active": "submissions",
        },
    )


@login_required
@require_POST
def reinstate(request, slug, number):
    submission = get_submission(request, slug, number, perm="submissions.manage_submissions")
    try:
        set_state(submission, SubmissionState.SUBMITTED, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Submission #{submission.number} is under consideration again.")
    return redirect(submission.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def extend_deadline(request, slug, number):
    submission = get_submission(request, slug, number, perm="submissions.manage_submissions")
    workshop = submission.workshop
    if not request.user.has_perm("submissions.extend_deadline", submission):
        messages.error(request, "Only drafts and submitted papers can get their own deadline.")
        return redirect(submission.get_absolute_url())
    initial = {}
    if submission.deadline_override:
        initial["deadline"] = submission.deadline_override.astimezone(workshop.tzinfo).replace(
            tzinfo=None
        )
    form = DeadlineOverrideForm(
        request.POST if request.method == "POST" else None, initial=initial, workshop=workshop
    )
    if request.method == "POST" and form.is_valid():
        new = None if form.cleaned_data.get("remove") else form.cleaned_data["deadline"]
        try:
            set_deadline_override(submission, new, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, f"{exc} Nothing was changed.")
            return redirect("submissions:extend_deadline", slug=slug, number=number)
        if new:
            messages.success(
                request,
                f"Submission #{submission.number} may be changed until "
                f"{new.astimezone(workshop.tzinfo):%Y-%m-%d %H:%M} ({workshop.timezone_label}).",
            )
        else:
            messages.success(request, "The submission follows the call's deadline again.")
        return redirect(submission.get_absolute_url())
    paper = deadlines.paper_deadline(workshop)
    return render(
        request,
        "submissions/extend_deadline.html",
        {
            "workshop": workshop,
            "submission": submission,
            "form": form,
            "paper_deadline": paper,
            "paper_deadline_local": deadlines.in_workshop_zone(paper, workshop),
            "active": "submissions",
        },
    )
