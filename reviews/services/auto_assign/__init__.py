"""Automatic reviewer assignment from the database: load, score, solve, store, commit.

The flow of one ``AssignmentRun``:

1. ``load_inputs`` reads papers, committee, loads, conflicts, bids, topics, expertise texts,
   imported affinities and existing assignments in a fixed number of bulk queries
   (``values_list``), as numpy arrays indexed by paper and reviewer position.
2. ``score_candidates`` turns them into candidate pairs with one score per signal (bid,
   topic overlap, TF-IDF text affinity, imported score: computed by the solver's
   ``reviews.assignment.affinity``), weighted by the chair. Conflicts,
   "conflict" bids, authors, pairs declined before and reviewers already at their maximum load
   are never candidates. Small venues consider every other pair; large ones the pairs with a
   bid or imported score plus the best topic/text matches of each paper.
3. ``build_problem`` makes the solver's ``AssignmentProblem``: existing active assignments and
   submitted reviews are locked, so a re-run only fills gaps (a withdrawn paper frees its
   reviewers, a declined assignment leaves a hole).
4. ``execute_run`` solves, stores the proposal as ``ProposedPair`` rows (``bulk_create``) and
   the summary (objective, dual bound, optimality, infeasibility report, quality) on the run.
5. ``commit_run`` creates the ``Assignment`` rows and queues one e-mail per new assignment, in
   one transaction and a number of queries that does not depend on the number of pairs.

No per-pair ORM object is ever loaded and no dense paper × reviewer matrix is built.
"""

from .bulk import bulk_insert
from .commit import CommitResult, commit_run, email_ids_of_run, email_key, queue_assignment_emails
from .imported import ImportedRows, parse_affinity_csv, replace_imported_affinities
from .loading import Inputs, load_inputs
from .params import (
    ALL_PAIRS_LIMIT,
    DEFAULT_WEIGHTS,
    SIGNAL_LABELS,
    SIGNALS,
    AutoAssignError,
    RunParams,
    default_params,
    fair_share,
)
from .proposal import committee_choices, hidden_submission_ids, proposal_csv, proposal_quality
from .runs import (
    add_pair,
    compute_proposal,
    create_run,
    execute_run,
    fail_stale_runs,
    pair_score,
    remove_pair,
    save_pairs,
)
from .scoring import (
    Candidates,
    build_problem,
    load_limits,
    score_candidates,
    signal_pairs,
    solve_problem,
)

__all__ = [
    "ALL_PAIRS_LIMIT",
    "DEFAULT_WEIGHTS",
    "SIGNALS",
    "SIGNAL_LABELS",
    "AutoAssignError",
    "Candidates",
    "CommitResult",
    "ImportedRows",
    "Inputs",
    "RunParams",
    "add_pair",
    "build_problem",
    "bulk_insert",
    "commit_run",
    "committee_choices",
    "compute_proposal",
    "create_run",
    "default_params",
    "email_ids_of_run",
    "email_key",
    "execute_run",
    "fail_stale_runs",
    "fair_share",
    "hidden_submission_ids",
    "load_inputs",
    "load_limits",
    "pair_score",
    "parse_affinity_csv",
    "proposal_csv",
    "proposal_quality",
    "queue_assignment_emails",
    "remove_pair",
    "replace_imported_affinities",
    "save_pairs",
    "score_candidates",
    "signal_pairs",
    "solve_problem",
]
