"""Step 4: a run's life (queued, running, done or failed) and the chair's edits by hand."""

from __future__ import annotations

import datetime as dt
import logging
import time

import numpy as np
from django.db import transaction
from django.utils import timezone

from config.dispatch import publish_on_commit
from submissions.enums import ACTIVE_STATES
from workshops.jobs import WORKER_DIED, Heartbeat, stale
from workshops.models import Membership, Topic

from ...enums import BidPreference
from ...models import (
    AreaChairAssignment,
    Assignment,
    AssignmentRun,
    Bid,
    ImportedAffinity,
    ProposedPair,
    ReviewerProfile,
    RunState,
)
from ...permissions import excluded_submission_ids
from ..conflicts import detect_conflicts
from .bulk import bulk_insert
from .loading import BID_CODES, Inputs, load_inputs
from .params import BID_VALUES, SIGNALS, AutoAssignError, RunParams, per_paper
from .scoring import (
    Candidates,
    build_problem,
    load_limits,
    quality_of,
    score_candidates,
    solve_problem,
)

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# 4. Runs


def create_run(workshop, *, by, params: RunParams) -> AssignmentRun:
    """Record a queued run and start the task once the transaction commits."""
    if params.is_area_chair_run:
        # Area chairs: the workshop's number per paper, whatever the form said.
        params.reviewers_per_paper = per_paper(workshop, params.role)
    if params.reviewers_per_paper < 1:
        raise AutoAssignError("Each paper needs at least one reviewer.")
    run = AssignmentRun.objects.create(workshop=workshop, created_by=by, params=params.as_json())
    # A broker that is down leaves the run queued (the page says so) instead of a 500; the stale
    # sweep fails a run no worker started, and the chair can start it again.
    publish_on_commit("reviews.run_auto_assignment", run.pk)
    return run


NO_WORKER = (
    "No background worker started this run within {minutes} minutes. Check that the worker is "
    "running, then start the run again."
)
# A queued run that no worker claimed for this long is failed (its task was lost, or no worker
# runs): far above any queue wait of a working installation.
QUEUED_TIMEOUT = dt.timedelta(minutes=15)


class RunAbandoned(Exception):
    """The run left the running state under the worker's feet (declared dead by the sweep)."""


def _working(run_id: int):
    return AssignmentRun.objects.filter(pk=run_id, state=RunState.RUNNING)


def _progress(run: AssignmentRun, progress: int, message: str, **extra) -> None:
    """Record progress (and a heartbeat) while the run is still running; raises
    ``RunAbandoned`` if it is not, so a worker declared dead never overwrites the verdict."""
    fields = {"progress": progress, "message": message[:500], "heartbeat_at": timezone.now()}
    fields.update(extra)
    if not _working(run.pk).update(**fields):
        raise RunAbandoned(run.pk)
    for name, value in fields.items():
        setattr(run, name, value)


def execute_run(run_id: int) -> AssignmentRun | None:
    """Compute a queued run's proposal; idempotent (a run that is not queued is left alone).

    Failures are recorded on the run (state failed, with the error) rather than raised. While
    it works, the run's heartbeat is refreshed at each step and every
    ``JOB_HEARTBEAT_INTERVAL`` seconds by a thread; ``fail_stale_runs`` fails a run whose
    worker died.
    """
    now = timezone.now()
    claimed = AssignmentRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, started_at=now, heartbeat_at=now, progress=0
    )
    run = AssignmentRun.objects.select_related("workshop").filter(pk=run_id).first()
    if not claimed or run is None:
        return run
    try:
        with Heartbeat(_working(run_id)):
            compute_proposal(run)
    except RunAbandoned:
        logger.warning(
            "Assignment run %s was declared dead while it worked; result dropped", run_id
        )
        run.refresh_from_db()
    except Exception as exc:  # recorded for the chair; the task itself does not retry
        logger.exception("Assignment run %s failed", run_id)
        try:
            _progress(
                run,
                run.progress,
                f"Failed: {type(exc).__name__}: {exc}",
                state=RunState.FAILED,
                finished_at=timezone.now(),
            )
        except RunAbandoned:
            run.refresh_from_db()
    return run


def fail_stale_runs(*, timeout: dt.timedelta | None = None, run_ids=None) -> int:
    """Fail the runs whose worker died: running without a heartbeat for ``timeout``
    (``JOB_HEARTBEAT_TIMEOUT``, 2.5 minutes), or queued and never claimed for
    ``QUEUED_TIMEOUT``. Idempotent; returns how many runs it failed. Run by beat every minute
    and by the run's page."""
    now = timezone.now()
    running = AssignmentRun.objects.filter(state=RunState.RUNNING)
    queued = AssignmentRun.objects.filter(
        state=RunState.QUEUED, created_at__lt=now - QUEUED_TIMEOUT
    )
    if run_ids is not None:
        running, queued = running.filter(pk__in=run_ids), queued.filter(pk__in=run_ids)
    count = 0
    for pk in list(stale(running, timeout=timeout, now=now).values_list("pk", flat=True)):
        # Checked again in the update: a run that beat or finished meanwhile is left alone.
        mine = stale(running.filter(pk=pk), timeout=timeout, now=now)
        if mine.update(state=RunState.FAILED, message=WORKER_DIED, finished_at=now):
            logger.warning("Assignment run %s failed: its worker stopped beating", pk)
            count += 1
    message = NO_WORKER.format(minutes=int(QUEUED_TIMEOUT.total_seconds() // 60))
    for pk in list(queued.values_list("pk", flat=True)):
        if queued.filter(pk=pk).update(state=RunState.FAILED, message=message, finished_at=now):
            logger.warning("Assignment run %s failed: no worker claimed it", pk)
            count += 1
    return count


def compute_proposal(run: AssignmentRun) -> AssignmentRun:
    """Load, score, solve and save; updates the run's progress at each step."""
    params = RunParams.from_json(run.params)
    timings: dict[str, float] = {}
    _progress(run, 5, "Detecting conflicts of interest")
    # Record the automatic conflicts first (shared domains, affiliations, co-authorship), so
    # that the candidates exclude them even if no chair pressed "detect" since the last change.
    started = time.perf_counter()
    detect_conflicts(run.workshop)
    timings["detect_conflicts"] = time.perf_counter() - started
    _progress(run, 10, "Loading papers, reviewers, conflicts and bids")
    inputs = load_inputs(run.workshop, params=params)
    timings.update(inputs.timings)
    if inputs.n_papers == 0:
        raise AutoAssignError("There are no papers in review to assign.")
    if not inputs.on_committee.any():
        raise AutoAssignError(
            "The workshop has no area chairs on its committee."
            if params.is_area_chair_run
            else "The workshop has no reviewers on its committee."
        )

    _progress(
        run, 40, f"Scoring pairs of {inputs.n_papers} papers and {inputs.n_reviewers} reviewers"
    )
    min_load, max_load = load_limits(inputs, params)
    candidates = score_candidates(inputs, params=params, max_load=max_load)
    timings.update(candidates.timings)
    problem = build_problem(inputs, candidates, params=params, min_load=min_load, max_load=max_load)

    _progress(run, 70, f"Solving over {candidates.size} candidate pairs")
    started = time.perf_counter()
    result = solve_problem(problem)
    timings["solve"] = time.perf_counter() - started

    _progress(run, 90, "Saving the proposal")
    started = time.perf_counter()
    not_willing = candidates.bid_code == BID_CODES.index(BidPreference.NOT_WILLING)
    summary = summarize(
        inputs, problem, result, quality_of(problem, result, not_willing_mask=not_willing)
    )
    with transaction.atomic():
        ProposedPair.objects.filter(run=run).delete()
        save_pairs(run, inputs, candidates, result)
        timings["save"] = time.perf_counter() - started
        summary["timings"] = {
            **{k: round(v, 4) for k, v in timings.items()},
            "solver": {k: round(float(v), 4) for k, v in result.timings.items()},
        }
        _progress(
            run,
            100,
            "Proposal ready" if result.is_feasible else "Proposal ready, with gaps",
            state=RunState.DONE,
            result=summary,
            finished_at=timezone.now(),
        )
    return run


def summarize(inputs: Inputs, problem, result, quality: dict) -> dict:
    """The run's stored summary, with positions translated into paper numbers and names."""
    numbers = inputs.paper_numbers
    report = None
    if result.infeasibility is not None:
        inf = result.infeasibility
        report = {
            "demand": int(inf.demand),
            "covered": int(inf.covered),
            "messages": inf.messages()[:200],
            "short_papers": [
                {"number": int(numbers[p]), "missing": int(n)}
                for p, n in zip(inf.short_papers, inf.paper_shortfall, strict=True)
            ][:500],
            "reviewers_below_min": [
                {"name": inputs.reviewer_names[r], "missing": int(n)}
                for r, n in zip(inf.reviewers_below_min, inf.reviewer_shortfall, strict=True)
            ][:500],
        }
    worst = quality.get("worst_served_paper")
    if worst:
        worst = {**worst, "number": int(numbers[worst["paper"]])}
    return {
        "n_papers": inputs.n_papers,
        "n_reviewers": int(inputs.on_committee.sum()),
        "candidates": int(problem.n_pairs),
        "locked_pairs": int(result.locked_paper.size),
        "new_pairs": int(result.n_assigned),
        "objective": float(result.objective),
        "dual_bound": float(result.dual_bound),
        "scaling_tolerance": float(result.scaling_tolerance),
        "is_optimal": bool(result.is_optimal),
        "is_feasible": bool(result.is_feasible),
        "infeasibility": report,
        "warnings": [w.message for w in result.warnings][:100],
        "quality": {
            **{k: v for k, v in quality.items() if k != "infeasibility"},
            "worst_served_paper": worst,
        },
        "limits": {
            str(int(rid)): [int(lo), int(hi)]
            for rid, lo, hi in zip(
                inputs.reviewer_ids, problem.min_load, problem.max_load, strict=True
            )
        },
        "stats": {
            k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in result.stats.items()
        },
    }


def explanation(candidates: Candidates, index: int) -> dict:
    """Why a pair scores what it does: each signal's weighted contribution."""
    out = {}
    for signal in SIGNALS:
        value = float(candidates.components[signal][index])
        if value:
            out[signal] = round(value, 4)
    code = int(candidates.bid_code[index])
    if code >= 0:
        out["bid_preference"] = BID_CODES[code]
    return out


def save_pairs(run: AssignmentRun, inputs: Inputs, candidates: Candidates, result) -> int:
    """Store locked and new pairs of the result as ``ProposedPair`` rows, in bulk."""
    paper, reviewer, score, locked = result.all_pairs()
    n_r = max(inputs.n_reviewers, 1)
    keys = paper.astype(np.int64) * n_r + reviewer.astype(np.int64)
    cand_keys = candidates.paper * n_r + candidates.reviewer  # sorted: built from sorted keys
    pos = np.clip(np.searchsorted(cand_keys, keys), 0, max(cand_keys.size - 1, 0))
    found = cand_keys[pos] == keys if cand_keys.size else np.zeros(keys.size, bool)
    explanations = [
        explanation(candidates, int(i)) if ok else {} for i, ok in zip(pos, found, strict=True)
    ]
    return bulk_insert(
        ProposedPair,
        {
            "run_id": run.pk,
            "submission_id": inputs.paper_ids[paper].tolist(),
            "reviewer_id": inputs.reviewer_ids[reviewer].tolist(),
            "score": score.astype(float).tolist(),
            "explanation": explanations,
            "is_locked": locked.astype(bool).tolist(),
            "edited_by_chair": False,
        },
    )


# ---------------------------------------------------------------------------------------------
# Editing a proposal by hand


def _editable(run: AssignmentRun) -> None:
    if run.state != RunState.DONE:
        raise AutoAssignError("Only a finished, uncommitted proposal can be edited.")


def _not_theirs(by, workshop, submission_id: int) -> bool:
    """A chair changes nothing about a paper they conflict with or author (``by=None``: the
    administrator's command)."""
    if by is None or not by.is_authenticated:
        return False
    return excluded_submission_ids(by, workshop).filter(pk=submission_id).exists()


def remove_pair(run: AssignmentRun, pair: ProposedPair, *, by) -> None:
    _editable(run)
    if pair.run_id != run.pk or _not_theirs(by, run.workshop, pair.submission_id):
        raise AutoAssignError("This pair is not part of the proposal.")
    if pair.is_locked:
        raise AutoAssignError(
            "This reviewer is already assigned; remove the assignment itself on the paper's page."
        )
    pair.delete()


def pair_score(run: AssignmentRun, submission, reviewer) -> tuple[float, dict]:
    """Score and explanation of one pair with the run's weights (bulk queries, one paper)."""
    params = RunParams.from_json(run.params)
    weights = params.weights
    parts: dict = {}
    bid = (
        Bid.objects.filter(submission=submission, reviewer=reviewer)
        .values_list("preference", flat=True)
        .first()
    )
    if bid and bid != BidPreference.CONFLICT:
        value = weights["bid"] * BID_VALUES.get(bid, 0.0)
        if value:
            parts["bid"] = round(value, 4)
        parts["bid_preference"] = bid
    imported = (
        ImportedAffinity.objects.filter(submission=submission, reviewer=reviewer)
        .values_list("score", flat=True)
        .first()
    )
    if imported is not None and weights["imported"]:
        parts["imported"] = round(weights["imported"] * imported, 4)
    paper_topics = set(submission.topics.values_list("pk", flat=True))
    if paper_topics and weights["topic"]:
        chosen = set(
            ReviewerProfile.topics.through.objects.filter(
                reviewerprofile__workshop_id=submission.workshop_id,
                reviewerprofile__user=reviewer,
            ).values_list("topic_id", flat=True)
        )
        chosen |= set(Topic.objects.filter(parent_id__in=chosen).values_list("pk", flat=True))
        overlap = len(paper_topics & chosen) / len(paper_topics)
        if overlap:
            parts["topic"] = round(weights["topic"] * overlap, 4)
    score = sum(v for k, v in parts.items() if k in SIGNALS)
    return float(score), parts


def add_pair(run: AssignmentRun, *, submission, reviewer, by) -> ProposedPair:
    """Add a pair by hand; refuses conflicts, authors, non-members and duplicates."""
    _editable(run)
    workshop = run.workshop
    if _not_theirs(by, workshop, submission.pk):
        # The same answer as for a paper that does not exist: nothing to learn from it.
        raise AutoAssignError(f"There is no paper #{submission.number} to assign.")
    if submission.workshop_id != workshop.pk or submission.state not in ACTIVE_STATES:
        raise AutoAssignError(f"Paper #{submission.number} is not in review.")
    params = RunParams.from_json(run.params)
    if not Membership.objects.filter(workshop=workshop, user=reviewer, role=params.role).exists():
        raise AutoAssignError(
            f"{reviewer} is not an area chair of the workshop."
            if params.is_area_chair_run
            else f"{reviewer} is not on the committee."
        )
    from ..assignments import is_conflicted

    conflicted = (
        is_conflicted(submission, reviewer)
        or Bid.objects.filter(
            submission=submission, reviewer=reviewer, preference=BidPreference.CONFLICT
        ).exists()
    )
    if conflicted:
        raise AutoAssignError(
            f"{reviewer} has a conflict of interest with paper #{submission.number}."
        )
    if ProposedPair.objects.filter(run=run, submission=submission, reviewer=reviewer).exists():
        raise AutoAssignError(f"{reviewer} is already proposed for paper #{submission.number}.")
    if params.is_area_chair_run:
        if AreaChairAssignment.objects.filter(submission=submission, area_chair=reviewer).exists():
            raise AutoAssignError(
                f"{reviewer} is already area chair of paper #{submission.number}."
            )
    elif Assignment.objects.filter(submission=submission, reviewer=reviewer).exists():
        raise AutoAssignError(
            f"{reviewer} was assigned to paper #{submission.number} before (and declined)."
        )
    score, parts = pair_score(run, submission, reviewer)
    return ProposedPair.objects.create(
        run=run,
        submission=submission,
        reviewer=reviewer,
        score=score,
        explanation=parts,
        edited_by_chair=True,
    )
