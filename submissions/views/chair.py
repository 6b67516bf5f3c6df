"""The chairs' pages: the submissions list with filters and counts, CSV export, desk
rejection (and its undo) and per-submission deadlines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from workshops.tables import Column, Table, number_url

from ..bulk import BulkForm
from ..enums import FileKind, SubmissionState
from ..export import export_response
from ..forms import DeadlineOverrideForm, DeskRejectForm, ManageFilterForm
from ..models import Authorship, PaperTag, Submission, SubmissionFile
from ..permissions import managed_by, may_search_authors
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


def _filtered(request, workshop, params=None):
    """The filter form and the papers it matches among those ``request.user`` manages;
    ``params`` (a QueryDict) instead of the request's own query string."""
    params = request.GET if params is None else params
    form = ManageFilterForm(params or None, workshop=workshop)
    queryset = managed_by(request.user, Submission.objects.filter(workshop=workshop))
    allowed = may_search_authors(request.user, workshop)
    return form, form.filter(queryset, may_see_authors=allowed, may_see_tags=allowed)


SUBMISSION_COLUMNS = [
    Column("number", "#", sort="number", numeric=True),
    Column("title", "Title", sort="title"),
    Column("authors", "Authors", optional=True),
    Column("type", "Type", sort="type", optional=True),
    Column("topics", "Topics", optional=True),
    Column("state", "State", sort="state"),
    Column("tags", "Tags", optional=True),
    Column("pdf", "PDF", optional=True),
    Column("deadline", "Deadline", optional=True, default=False),
    Column("updated", "Last change", sort="updated", optional=True, default=False),
    Column("actions", "Actions"),
]
SUBMISSION_SORTS = {
    "number": "number",
    "title": [Lower("title"), "number"],
    "type": ["submission_type__name", "number"],
    "state": ["state", "number"],
    "updated": ["updated_at", "number"],
}


def _list_rows(queryset, table):
    """What the list shows of each paper, for the page only: the prefetches land in plain
    lists (``to_attr``), which costs no queryset per paper; hidden columns fetch nothing."""
    prefetches = [
        Prefetch(
            "files",
            queryset=SubmissionFile.objects.filter(kind=FileKind.PAPER).order_by("-version"),
            to_attr="paper_versions",
        )
    ]
    if table.shows("authors"):
        prefetches.append(
            Prefetch(
                "authors",
                queryset=Authorship.objects.order_by("order", "pk").only(
                    "submission_id", "name", "affiliation"
                ),
                to_attr="author_list",
            )
        )
    if table.shows("topics"):
        prefetches.append(Prefetch("topics", to_attr="topic_list"))
    if table.shows("tags"):
        prefetches.append(
            Prefetch("tags", queryset=PaperTag.objects.order_by("name"), to_attr="tag_list")
        )
    return queryset.select_related("submission_type").prefetch_related(*prefetches)


def _rows(page, workshop) -> list[dict]:
    """The page's papers with everything the template prints, computed once per paper."""
    detail = number_url("submissions:detail", workshop.slug)
    desk_reject = number_url("submissions:desk_reject", workshop.slug)
    deadline = number_url("submissions:extend_deadline", workshop.slug)
    download = number_url("submissions:download", workshop.slug, 2)
    rows = []
    for s in page:
        s.workshop = workshop  # one workshop (and its dates) for every row
        versions = getattr(s, "paper_versions", [])
        authors = getattr(s, "author_list", [])
        paper = versions[0] if versions else None
        rows.append(
            {
                "submission": s,
                "url": detail(s.number),
                "desk_reject_url": desk_reject(s.number)
                if s.state == SubmissionState.SUBMITTED
                else "",
                "deadline_url": deadline(s.number)
                if s.state in (SubmissionState.DRAFT, SubmissionState.SUBMITTED)
                else "",
                "deadline": deadlines.submission_deadline(s),
                "paper": paper,
                "paper_url": download(s.number, paper.pk) if paper else "",
                "authors": ", ".join(a.name for a in authors),
                "authors_full": "; ".join(
                    f"{a.name} ({a.affiliation})" if a.affiliation else a.name for a in authors
                ),
                "topics": ", ".join(t.name for t in getattr(s, "topic_list", [])),
                "tags": getattr(s, "tag_list", []),
            }
        )
    return rows


@login_required
def manage_list(request, slug):
    workshop = _managed_workshop(request, slug)
    form, queryset = _filtered(request, workshop)
    table = Table(
        request,
        name="submissions",
        columns=SUBMISSION_COLUMNS,
        sorts=SUBMISSION_SORTS,
        default_sort="number",
    )
    page = table.paginate(table.sort_queryset(_list_rows(queryset, table)))
    counts = dict(
        managed_by(request.user, Submission.objects.filter(workshop=workshop))
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    state_counts = [
        (value, label, counts.get(value, 0)) for value, label in SubmissionState.choices
    ]
    rows = _rows(page, workshop)
    return render(
        request,
        "submissions/manage_list.html",
        {
            "workshop": workshop,
            "form": form,
            "search": form.search_query,
            "rows": rows,
            "table": table,
            "page": page,
            "state_counts": state_counts,
            "total": sum(counts.values()),
            "matching": page.paginator.count,
            "query_string": request.GET.urlencode(),
            "bulk_form": BulkForm(workshop=workshop, user=request.user),
            "active": "submissions",
        },
    )


@login_required
def export_csv(request, slug):
    workshop = _managed_workshop(request, slug)
    _form, queryset = _filtered(request, workshop)
    return export_response(workshop, queryset)


def _back_to_list(request, slug):
    """The list as the chair left it (its filters, sort and page), never another address."""
    back = request.POST.get("back", "")
    url = reverse("submissions:manage_list", args=[slug])
    return redirect(url + back if back.startswith("?") else url)


@login_required
@require_POST
def bulk(request, slug):
    """One action on the selected papers: a confirmation page first (unless the action is
    harmless, like the export), then the action through its app's service."""
    workshop = _managed_workshop(request, slug)
    numbers = {int(n) for n in request.POST.getlist("selected") if n.isdigit()}
    back = request.POST.get("back", "")
    if request.POST.get("matching") == "1" and request.POST.get("confirm") != "1":
        # Every paper the list's search matches, on every page: the confirmation page then
        # names them, and the confirmed action acts on exactly those.
        _form, matching = _filtered(
            request, workshop, QueryDict(back[1:] if back.startswith("?") else "")
        )
        numbers = set(matching.values_list("number", flat=True))
    # Only papers this chair may manage: a conflicted paper is never touched, even when its
    # number is posted.
    papers = list(
        managed_by(request.user, Submission.objects.filter(workshop=workshop, number__in=numbers))
        .select_related("workshop", "submission_type")
        .order_by("number")
    )
    form = BulkForm(request.POST, workshop=workshop, user=request.user)
    if not papers:
        messages.error(request, "Select at least one paper first. Nothing was changed.")
        return _back_to_list(request, slug)
    if not form.is_valid() or form.chosen is None:
        errors = [str(e) for e in form.non_field_errors()] or ["Choose an action."]
        for name, field_errors in form.errors.items():
            if name != "__all__":
                errors += [f"{form.fields[name].label}: {e}" for e in field_errors]
        messages.error(request, " ".join(errors) + " Nothing was changed.")
        return _back_to_list(request, slug)
    action = form.chosen
    if action.confirm and request.POST.get("confirm") != "1":
        return render(
            request,
            "submissions/bulk_confirm.html",
            {
                "workshop": workshop,
                "action": action,
                "description": action.describe(form.cleaned_data),
                "papers": papers,
                "form": form,
                "back": request.POST.get("back", ""),
                "active": "submissions",
            },
        )
    result = action.run(request, workshop, papers, form.cleaned_data)
    if result.response is not None:
        return result.response
    if result.done:
        messages.success(request, action.done_message.format(n=len(result.done)))
    for message in result.refused:
        messages.error(request, message)
    return _back_to_list(request, slug)


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
