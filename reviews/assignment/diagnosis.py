"""Explain why an assignment instance cannot be fully satisfied.

Cheap counting checks run before solving (total capacity, total minimum load,
candidates per paper and per reviewer).  When the instance is infeasible for a
subtler reason (several papers competing for the same few reviewers), the
max-coverage flow itself explains it: from an under-covered paper, every
reviewer reachable in the residual graph is at maximum load (otherwise the
coverage could grow), so each reachable group is a Hall-type bottleneck whose
numbers are reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

from .problem import AssignmentProblem, Residual

MAX_LISTED = 5


@dataclass(frozen=True)
class Issue:
    """One reason why demands or minimum loads cannot all be met."""

    code: str
    message: str
    papers: tuple[int, ...] = ()
    reviewers: tuple[int, ...] = ()
    needed: int = 0
    available: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class InfeasibilityReport:
    """Structured account of the unmet demand, with the reasons found."""

    issues: tuple[Issue, ...]
    demand: int
    covered: int
    min_load_total: int
    min_load_met: int
    short_papers: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    paper_shortfall: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    reviewers_below_min: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    reviewer_shortfall: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def messages(self) -> list[str]:
        return [issue.message for issue in self.issues]

    def as_dict(self) -> dict:
        return {
            "demand": self.demand,
            "covered": self.covered,
            "min_load_total": self.min_load_total,
            "min_load_met": self.min_load_met,
            "short_papers": {
                int(p): int(n) for p, n in zip(self.short_papers, self.paper_shortfall, strict=True)
            },
            "reviewers_below_min": {
                int(r): int(n)
                for r, n in zip(self.reviewers_below_min, self.reviewer_shortfall, strict=True)
            },
            "issues": [issue.as_dict() for issue in self.issues],
        }


def _listing(labels: list[str]) -> str:
    shown = ", ".join(labels[:MAX_LISTED])
    hidden = len(labels) - MAX_LISTED
    return f"{shown} and {hidden} more" if hidden > 0 else shown


def locked_warnings(problem: AssignmentProblem, residual: Residual) -> list[Issue]:
    """Locked pairs beyond a paper's demand or a reviewer's maximum load."""
    warnings = []
    for paper in np.flatnonzero(residual.locked_paper_count > problem.demand):
        locked, wanted = int(residual.locked_paper_count[paper]), int(problem.demand[paper])
        warnings.append(
            Issue(
                code="locked_over_demand",
                message=f"paper {problem.paper_label(paper)} already has {locked} locked "
                f"reviewers, more than the {wanted} it needs",
                papers=(int(paper),),
                needed=wanted,
                available=locked,
            )
        )
    for reviewer in np.flatnonzero(residual.locked_reviewer_count > problem.max_load):
        locked, limit = (
            int(residual.locked_reviewer_count[reviewer]),
            int(problem.max_load[reviewer]),
        )
        warnings.append(
            Issue(
                code="locked_over_max",
                message=f"reviewer {problem.reviewer_label(reviewer)} already has {locked} "
                f"locked papers, more than the maximum load {limit}",
                reviewers=(int(reviewer),),
                needed=limit,
                available=locked,
            )
        )
    return warnings


def prechecks(problem: AssignmentProblem, residual: Residual) -> list[Issue]:
    """Counting arguments that prove infeasibility without solving anything."""
    usable_reviewer = residual.max_load[residual.reviewer] > 0
    usable_paper = residual.demand[residual.paper] > 0
    return prechecks_from_counts(
        problem,
        residual,
        paper_candidates=np.bincount(residual.paper[usable_reviewer], minlength=residual.n_papers),
        reviewer_candidates=np.bincount(
            residual.reviewer[usable_paper], minlength=residual.n_reviewers
        ),
    )


def prechecks_from_counts(
    problem: AssignmentProblem,
    residual: Residual,
    *,
    paper_candidates: np.ndarray,
    reviewer_candidates: np.ndarray,
) -> list[Issue]:
    """Prechecks given, per paper, its candidate reviewers with free capacity and,
    per reviewer, its candidate papers that still need reviewers."""
    issues = []
    demand, capacity, minimum = (
        residual.total_demand,
        residual.total_max_load,
        residual.total_min_load,
    )
    suffix = " (after locked assignments)" if problem.locked_paper.size else ""
    if capacity < demand:
        issues.append(
            Issue(
                code="capacity_shortfall",
                message=f"sum of max loads {capacity} < demand {demand}{suffix}",
                needed=demand,
                available=capacity,
            )
        )
    if minimum > demand:
        issues.append(
            Issue(
                code="min_load_excess",
                message=f"sum of min loads {minimum} exceeds demand {demand}{suffix}: "
                "not every reviewer can reach the minimum",
                needed=minimum,
                available=demand,
            )
        )
    for paper in np.flatnonzero(paper_candidates < residual.demand):
        count, needed = int(paper_candidates[paper]), int(residual.demand[paper])
        issues.append(
            Issue(
                code="paper_too_few_candidates",
                message=f"paper {problem.paper_label(paper)} has only {count} non-conflicted "
                f"candidate reviewers with free capacity, needs {needed}",
                papers=(int(paper),),
                needed=needed,
                available=count,
            )
        )
    for reviewer in np.flatnonzero(reviewer_candidates < residual.min_load):
        count, needed = int(reviewer_candidates[reviewer]), int(residual.min_load[reviewer])
        issues.append(
            Issue(
                code="reviewer_too_few_candidates",
                message=f"reviewer {problem.reviewer_label(reviewer)} has only {count} "
                f"candidate papers still needing reviewers, needs a minimum of {needed}",
                reviewers=(int(reviewer),),
                needed=needed,
                available=count,
            )
        )
    return issues


def explain_shortfall(
    problem: AssignmentProblem,
    residual: Residual,
    *,
    chosen: np.ndarray,
    known: list[Issue],
    find_groups: bool = True,
) -> InfeasibilityReport:
    """Report the papers and reviewers a max-coverage assignment leaves short.

    ``chosen`` flags the residual candidate pairs of that assignment.
    """
    paper_got = np.bincount(residual.paper[chosen], minlength=residual.n_papers)
    reviewer_got = np.bincount(residual.reviewer[chosen], minlength=residual.n_reviewers)
    paper_short = residual.demand - paper_got
    reviewer_short = np.maximum(residual.min_load - reviewer_got, 0)
    short_papers = np.flatnonzero(paper_short > 0)
    below_min = np.flatnonzero(reviewer_short > 0)

    issues = list(known)
    explained_papers = {p for issue in known for p in issue.papers}
    explained_reviewers = {r for issue in known for r in issue.reviewers}
    if find_groups and short_papers.size:
        issues.extend(_bottleneck_groups(problem, residual, chosen, short_papers, explained_papers))
    elif short_papers.size:
        issues.extend(
            _plain_paper_issue(problem, residual, paper, paper_got)
            for paper in short_papers
            if int(paper) not in explained_papers
        )
    global_min_issue = any(issue.code == "min_load_excess" for issue in known)
    candidate_papers = np.bincount(residual.reviewer, minlength=residual.n_reviewers)
    candidate_demand = np.bincount(
        residual.reviewer, weights=residual.demand[residual.paper], minlength=residual.n_reviewers
    )
    for reviewer in below_min:
        if int(reviewer) in explained_reviewers:
            continue
        if global_min_issue:
            reason = "the total demand cannot fill every minimum load"
        else:
            reason = (
                f"its {int(candidate_papers[reviewer])} candidate papers need "
                f"{int(candidate_demand[reviewer])} reviewers in total and are covered by "
                "other reviewers' minimums or better matches"
            )
        issues.append(_reviewer_issue(problem, residual, reviewer, reviewer_got, reason))
    return InfeasibilityReport(
        issues=tuple(issues),
        demand=residual.total_demand,
        covered=int(paper_got.sum()),
        min_load_total=residual.total_min_load,
        min_load_met=int(np.minimum(reviewer_got, residual.min_load).sum()),
        short_papers=short_papers.astype(np.int32),
        paper_shortfall=paper_short[short_papers],
        reviewers_below_min=below_min.astype(np.int32),
        reviewer_shortfall=reviewer_short[below_min],
    )


def _plain_paper_issue(
    problem: AssignmentProblem, residual: Residual, paper: int, paper_got: np.ndarray
) -> Issue:
    total = int(problem.demand[paper])
    got = int(paper_got[paper] + residual.locked_paper_count[paper])
    return Issue(
        code="paper_undercovered",
        message=f"paper {problem.paper_label(paper)} gets {got} of {total} reviewers: "
        "reviewers with free capacity are taken by other papers",
        papers=(int(paper),),
        needed=total,
        available=got,
    )


def _reviewer_issue(
    problem: AssignmentProblem,
    residual: Residual,
    reviewer: int,
    reviewer_got: np.ndarray,
    reason: str,
) -> Issue:
    minimum = int(problem.min_load[reviewer])
    got = int(reviewer_got[reviewer] + residual.locked_reviewer_count[reviewer])
    return Issue(
        code="reviewer_below_min",
        message=f"reviewer {problem.reviewer_label(reviewer)} gets {got} papers, "
        f"below its minimum load {minimum}: {reason}",
        reviewers=(int(reviewer),),
        needed=minimum,
        available=got,
    )


def _bottleneck_groups(
    problem: AssignmentProblem,
    residual: Residual,
    chosen: np.ndarray,
    short_papers: np.ndarray,
    explained_papers: set[int],
) -> list[Issue]:
    """Group under-covered papers by the saturated reviewers they compete for."""
    n_papers, n_reviewers = residual.n_papers, residual.n_reviewers
    root = n_papers + n_reviewers
    reviewer_nodes = residual.reviewer.astype(np.int64) + n_papers
    paper_nodes = residual.paper.astype(np.int64)
    # Residual arcs: paper -> reviewer when unused, reviewer -> paper when used.
    tails = np.concatenate(
        [np.where(chosen, reviewer_nodes, paper_nodes), np.full(short_papers.size, root)]
    )
    heads = np.concatenate([np.where(chosen, paper_nodes, reviewer_nodes), short_papers])
    graph = sp.csr_matrix(
        (np.ones(tails.size, dtype=np.int8), (tails, heads)), shape=(root + 1, root + 1)
    )
    reachable = np.zeros(root + 1, dtype=bool)
    reachable[breadth_first_order(graph, root, directed=True, return_predecessors=False)] = True
    reachable = reachable[:root]

    inside = reachable[paper_nodes] & reachable[reviewer_nodes]
    component_graph = sp.csr_matrix(
        (np.ones(int(inside.sum()), np.int8), (paper_nodes[inside], reviewer_nodes[inside])),
        shape=(root, root),
    )
    _, labels = connected_components(component_graph, directed=False)
    labels = np.where(reachable, labels, -1)
    n_labels = int(labels.max()) + 1

    pair_label = labels[paper_nodes]
    from_outside = chosen & ~reachable[reviewer_nodes] & (pair_label >= 0)
    outside = np.bincount(pair_label[from_outside], minlength=n_labels)
    paper_labels, reviewer_labels = labels[:n_papers], labels[n_papers:]
    in_paper = paper_labels >= 0
    in_reviewer = reviewer_labels >= 0
    group_demand = np.bincount(
        paper_labels[in_paper], weights=residual.demand[in_paper], minlength=n_labels
    )
    group_slots = np.bincount(
        reviewer_labels[in_reviewer], weights=residual.max_load[in_reviewer], minlength=n_labels
    )
    paper_got = np.bincount(residual.paper[chosen], minlength=n_papers)
    candidates = np.bincount(residual.paper, minlength=n_papers)

    issues = []
    for group_number, label in enumerate(np.unique(labels[short_papers]), start=1):
        papers = np.flatnonzero(paper_labels == label)
        reviewers = np.flatnonzero(reviewer_labels == label)
        needed = int(group_demand[label]) - int(outside[label])
        issues.append(
            _group_issue(problem, papers, reviewers, needed, int(group_slots[label]), group_number)
        )
        for paper in papers[residual.demand[papers] > paper_got[papers]]:
            if int(paper) in explained_papers:
                continue
            total = int(problem.demand[paper])
            got = int(paper_got[paper] + residual.locked_paper_count[paper])
            issues.append(
                Issue(
                    code="paper_undercovered",
                    message=f"paper {problem.paper_label(paper)} gets {got} of {total} "
                    f"reviewers: its {int(candidates[paper])} candidate reviewers are at "
                    f"maximum load, competing with the other papers of group {group_number}",
                    papers=(int(paper),),
                    reviewers=tuple(int(r) for r in reviewers),
                    needed=total,
                    available=got,
                )
            )
    return issues


def _group_issue(
    problem: AssignmentProblem,
    papers: np.ndarray,
    reviewers: np.ndarray,
    needed: int,
    slots: int,
    group_number: int,
) -> Issue:
    paper_names = _listing([problem.paper_label(p) for p in papers])
    reviewer_names = _listing([problem.reviewer_label(r) for r in reviewers])
    return Issue(
        code="reviewer_pool_exhausted",
        message=f"group {group_number}: {papers.size} papers ({paper_names}) still need "
        f"{needed} reviewers that only {reviewers.size} candidate reviewers "
        f"({reviewer_names}) can provide, and those have {slots} free slots in total",
        papers=tuple(int(p) for p in papers),
        reviewers=tuple(int(r) for r in reviewers),
        needed=needed,
        available=slots,
    )
