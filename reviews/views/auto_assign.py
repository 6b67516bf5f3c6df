"""The chairs' automatic-assignment pages: parameters, progress, proposal, hand edits, commit.

Chairs only (``reviews.manage_reviewing``): anonymous visitors are sent to the login page and
everyone else gets a 404, which does not reveal whether the workshop or run exists.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from submissions.enums import ACTIVE_STATES
from submissions.models import Submission
from workshops.files import file_response
from workshops.models import Workshop

from ..enums import BidPreference
from ..models import AssignmentRun, ImportedAffinity, ProposedPair, RunState
from ..services.auto_assign import (
    SIGNAL_LABELS,
    SIGNALS,
    AutoAssignError,
    RunParams,
    add_pair,
    commit_run,
    committee_choices,
    create_run,
    default_params,
    fail_stale_runs,
    hidden_submission_ids,
    parse_affinity_csv,
    proposal_csv,
    proposal_quality,
    remove_pair,
    replace_imported_affinities,
)
from ..services.auto_assign.params import ROLE_AREA_CHAIR, ROLE_REVIEWER, RUN_ROLES

PAPERS_PER_PAGE = 100
MAX_CSV_BYTES = 50 * 1024 * 1024


def chair_workshop_or_404(request, slug: str) -> Workshop:
    workshop = get_object_or_404(Workshop.objects.prefetch_related("dates"), slug=slug)
    if not request.user.has_perm("reviews.manage_reviewing", workshop):
        raise Http404
    return workshop


def run_or_404(workshop, pk: int) -> AssignmentRun:
    return get_object_or_404(
        AssignmentRun.objects.select_related("workshop", "created_by"), pk=pk, workshop=workshop
    )


# ---------------------------------------------------------------------------------------------
# Forms


class RunForm(forms.Form):
    role = forms.ChoiceField(
        label="Assign",
        choices=list(RUN_ROLES.items()),
        initial=ROLE_REVIEWER,
        required=False,
        help_text="Area chairs: each paper gets the workshop's number of area chairs per paper "
        "(review settings); loads are the area-chair limits of the profiles.",
    )
    reviewers_per_paper = forms.IntegerField(
        label="Reviewers per paper", min_value=1, max_value=20, initial=3
    )
    min_load = forms.IntegerField(
        label="Minimum papers per reviewer",
        min_value=0,
        max_value=500,
        initial=0,
        help_text="For reviewers whose profile sets no minimum.",
    )
    max_load = forms.IntegerField(
        label="Maximum papers per reviewer",
        min_value=0,
        max_value=500,
        required=False,
        help_text="For reviewers whose profile sets no maximum. Empty: a fair share of the "
        "papers plus one.",
    )
    use_profile_loads = forms.BooleanField(
        label="Use the limits reviewers set in their profiles", required=False, initial=True
    )
    weight_bid = forms.FloatField(label="Weight of bids", min_value=0, max_value=100, initial=1)
    weight_topic = forms.FloatField(
        label="Weight of topic overlap", min_value=0, max_value=100, initial=1
    )
    weight_text = forms.FloatField(
        label="Weight of text affinity (abstracts vs. reviewers' expertise)",
        min_value=0,
        max_value=100,
        initial=1,
    )
    weight_imported = forms.FloatField(
        label="Weight of imported scores", min_value=0, max_value=100, initial=1
    )
    scores_csv = forms.FileField(
        label="Imported affinity scores (CSV, optional)",
        required=False,
        help_text="One line per pair: paper number, reviewer e-mail, score (e.g. from the "
        "Toronto Paper Matching System). Replaces the scores imported before.",
    )

    def __init__(self, *args, workshop, **kwargs):
        self.workshop = workshop
        self.imported_rows = None
        super().__init__(*args, **kwargs)

    def clean_role(self):
        role = self.cleaned_data.get("role") or ROLE_REVIEWER
        return role if role in RUN_ROLES else ROLE_REVIEWER

    @classmethod
    def initial_for(cls, params: RunParams) -> dict:
        return {
            "role": params.role,
            "reviewers_per_paper": params.reviewers_per_paper,
            "min_load": params.min_load,
            "max_load": params.max_load,
            "use_profile_loads": params.use_profile_loads,
            **{f"weight_{s}": params.weights[s] for s in SIGNALS},
        }

    def clean_scores_csv(self):
        upload = self.cleaned_data.get("scores_csv")
        if not upload:
            return upload
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file is not UTF-8 text.") from exc
        parsed = parse_affinity_csv(self.workshop, text)
        if parsed.errors:
            raise forms.ValidationError(parsed.errors)
        self.imported_rows = parsed.rows
        return upload

    def clean(self):
        data = super().clean()
        low, high = data.get("min_load"), data.get("max_load")
        if low is not None and high is not None and low > high:
            self.add_error("min_load", "The minimum cannot exceed the maximum.")
        return data

    def params(self) -> RunParams:
        data = self.cleaned_data
        return RunParams(
            reviewers_per_paper=data["reviewers_per_paper"],
            min_load=data["min_load"],
            max_load=data["max_load"],
            use_profile_loads=data["use_profile_loads"],
            weights={s: data[f"weight_{s}"] for s in SIGNALS},
            role=data.get("role") or ROLE_REVIEWER,
        )


class AddPairForm(forms.Form):
    number = forms.IntegerField(label="Paper number", min_value=1)
    reviewer = forms.TypedChoiceField(label="Reviewer", coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", "Choose a reviewer")] + choices


# ---------------------------------------------------------------------------------------------
# Pages


@login_required
def index(request, slug):
    """The run form, the imported scores and the previous runs."""
    workshop = chair_workshop_or_404(request, slug)
    if request.method == "POST":
        form = RunForm(request.POST, request.FILES, workshop=workshop)
        if form.is_valid():
            if form.imported_rows is not None:
                count = replace_imported_affinities(workshop, form.imported_rows)
                messages.success(request, f"{count} imported scores saved.")
            try:
                run = create_run(workshop, by=request.user, params=form.params())
            except AutoAssignError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("autoassign:run", slug=slug, pk=run.pk)
    else:
        role = request.GET.get("role", ROLE_REVIEWER)
        form = RunForm(
            workshop=workshop, initial=RunForm.initial_for(default_params(workshop, role))
        )
    recent = AssignmentRun.objects.filter(workshop=workshop).select_related("created_by")
    runs = list(recent[:20])
    working = [run.pk for run in runs if run.is_working]
    if working and fail_stale_runs(run_ids=working):
        runs = list(recent[:20])  # read again: some run was declared dead just now
    return render(
        request,
        "reviews/auto_assign/index.html",
        {
            "workshop": workshop,
            "form": form,
            "runs": runs,
            "imported_count": ImportedAffinity.objects.filter(workshop=workshop).count(),
            "paper_count": Submission.objects.filter(
                workshop=workshop, state__in=ACTIVE_STATES
            ).count(),
            "reviewer_count": len(committee_choices(workshop)),
            "area_chair_count": len(committee_choices(workshop, ROLE_AREA_CHAIR)),
        },
    )


def _proposal_context(request, workshop, run) -> dict:
    """The proposal grouped by paper (one page of papers), the loads and the quality."""
    hidden = hidden_submission_ids(request.user, workshop)
    role = RunParams.from_json(run.params).role
    rows = list(
        ProposedPair.objects.filter(run=run)
        .order_by("submission__number", "-score", "reviewer__full_name")
        .values(
            "pk",
            "submission_id",
            "reviewer_id",
            "score",
            "explanation",
            "is_locked",
            "edited_by_chair",
        )
    )
    quality = proposal_quality(run, rows)
    names = dict(
        (pk, name or email)
        for pk, name, email in User.objects.filter(
            pk__in=ProposedPair.objects.filter(run=run).values("reviewer_id")
        ).values_list("pk", "full_name", "email")
    )
    papers = list(
        Submission.objects.filter(workshop=workshop, state__in=ACTIVE_STATES)
        .order_by("number")
        .values("pk", "number", "title")
    )
    titles = {p["pk"]: p for p in papers}
    if quality["worst_served"] and quality["worst_served"]["submission_id"] in hidden:
        quality["worst_served"] = None  # a paper this chair must not see
    if quality["worst_served"]:
        worst = titles.get(quality["worst_served"]["submission_id"])
        quality["worst_served"]["number"] = worst["number"] if worst else None
    by_paper: dict[int, list] = {}
    loads: dict[int, dict] = {}
    limits = (run.result or {}).get("limits", {})
    for row in rows:
        row["reviewer_name"] = names.get(row["reviewer_id"], "?")
        row["signals"] = [
            (SIGNAL_LABELS[s], row["explanation"][s]) for s in SIGNALS if s in row["explanation"]
        ]
        bid = row["explanation"].get("bid_preference", "")
        row["bid"] = BidPreference(bid).label if bid in BidPreference.values else bid
        by_paper.setdefault(row["submission_id"], []).append(row)
        load = loads.setdefault(
            row["reviewer_id"],
            {"name": row["reviewer_name"], "kept": 0, "new": 0, "limits": None},
        )
        load["kept" if row["is_locked"] else "new"] += 1
    for reviewer_id, load in loads.items():
        load["limits"] = limits.get(str(reviewer_id))
        load["total"] = load["kept"] + load["new"]
    k = quality["reviewers_per_paper"]
    visible = [p for p in papers if p["pk"] not in hidden]
    page = Paginator(visible, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    for paper in page.object_list:
        paper["pairs"] = by_paper.get(paper["pk"], [])
        paper["missing"] = max(k - len(paper["pairs"]), 0)
    reviewers = [
        {"id": pk, "name": name, **loads.get(pk, {"kept": 0, "new": 0, "total": 0})}
        for pk, name in committee_choices(workshop, role)
    ]
    for reviewer in reviewers:
        reviewer["limits"] = limits.get(str(reviewer["id"]))
    choices = [(r["id"], f"{r['name']} ({r['total']} papers)") for r in reviewers]
    return {
        "page": page,
        "hidden_count": len([p for p in papers if p["pk"] in hidden]),
        "quality": quality,
        "reviewers": reviewers,
        "add_form": AddPairForm(choices=choices),
        "is_area_chair_run": role == ROLE_AREA_CHAIR,
    }


@login_required
def run_detail(request, slug, pk):
    """Progress while the run works (refreshes itself), then the proposal."""
    workshop = chair_workshop_or_404(request, slug)
    run = run_or_404(workshop, pk)
    if run.is_working and fail_stale_runs(run_ids=[run.pk]):
        run = run_or_404(workshop, pk)  # its worker died: the page stops waiting
    context = {"workshop": workshop, "run": run, "result": run.result or {}}
    if run.state in (RunState.DONE, RunState.COMMITTED):
        context.update(_proposal_context(request, workshop, run))
    return render(request, "reviews/auto_assign/run.html", context)


@login_required
@require_POST
def rerun(request, slug, pk):
    """Start a new run with the parameters of this one (after a failure, typically)."""
    workshop = chair_workshop_or_404(request, slug)
    run = run_or_404(workshop, pk)
    try:
        new = create_run(workshop, by=request.user, params=RunParams.from_json(run.params))
    except AutoAssignError as exc:
        messages.error(request, str(exc))
        return redirect("autoassign:run", slug=slug, pk=run.pk)
    return redirect("autoassign:run", slug=slug, pk=new.pk)


@login_required
def run_csv(request, slug, pk):
    workshop = chair_workshop_or_404(request, slug)
    run = run_or_404(workshop, pk)
    # Leaves out the papers this chair conflicts with, like the run's page.
    return file_response(
        proposal_csv(run, for_user=request.user),
        filename=f"{workshop.slug}-assignment-run-{run.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_POST
def pair_remove(request, slug, pk, pair_id):
    workshop = chair_workshop_or_404(request, slug)
    run = run_or_404(workshop, pk)
    pair = get_object_or_404(ProposedPair.objects.select_related("submission"), pk=pair_id, run=run)
    if pair.submission_id in hidden_submission_ids(request.user, workshop):
        raise Http404
    try:
        remove_pair(run, pair, by=request.user)
    except AutoAssignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Reviewer removed from paper #{pair.submission.number}.")
    return _back_to_run(slug, run, request)


@login_required
@require_POST
def pair_add(request, slug, pk):
    workshop = chair_workshop_or_404(request, slug)
    run = run_or_404(workshop, pk)
    role = RunParams.from_json(run.params).role
    form = AddPairForm(request.POST, choices=committee_choices(workshop, role))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to_run(slug, run, request)
    submission = Submission.objects.filter(
        workshop=workshop, number=form.cleaned_data["number"]
    ).first()
    reviewer = User.objects.filter(pk=form.cleaned_data["reviewer"]).first()
    if submission is None or submission.pk in hidden_submission_ids(request.user, workshop):
        messages.error(request, f"There is no paper #{form.cleaned_data['number']} to assign.")
        return _back_to_run(slug, run, request)
    try:
        add_pair(run, submission=submission, reviewer=reviewer, by=request.user)
    except AutoAssignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{reviewer} added to paper #{submission.number}.")
    return _back_to_run(slug, run, request)


def _back_to_run(slug, run, request):
    response = redirect("autoassign:run", slug=slug, pk=run.pk)
    page = request.POST.get("page")
    if page and page.isdigit():
        response["Location"] += f"?page={page}"
    return response


@login_required
def commit(request, slug, pk):
    """Confirmation page (GET) and the commit itself (POST)."""
    workshop = chair_workshop_or_404(request, slug)
    run = run_or_404(workshop, pk)
    if request.method == "POST":
        try:
            outcome = commit_run(run, by=request.user)
        except AutoAssignError as exc:
            messages.error(request, str(exc))
        else:
            text = (
                f"{outcome.created} assignments created; {outcome.emails} reviewers will be "
                "notified by e-mail."
            )
            if outcome.skipped:
                text += f" {len(outcome.skipped)} pairs were skipped (see the run's page)."
            if outcome.left_for_other_chairs:
                text += (
                    f" {outcome.left_for_other_chairs} proposed assignments on papers you have "
                    "a conflict with were left for another chair."
                )
            messages.success(request, text)
        return redirect("autoassign:run", slug=slug, pk=run.pk)
    hidden = hidden_submission_ids(request.user, workshop)
    counts = ProposedPair.objects.filter(run=run).aggregate(
        new=Count("pk", filter=Q(is_locked=False) & ~Q(submission_id__in=hidden)),
        kept=Count("pk", filter=Q(is_locked=True) & ~Q(submission_id__in=hidden)),
        left=Count("pk", filter=Q(is_locked=False, submission_id__in=hidden)),
    )
    return render(
        request,
        "reviews/auto_assign/commit.html",
        {"workshop": workshop, "run": run, "counts": counts},
    )
