"""CSV input and output for running the solver outside the web application.

Inputs (a header row is optional, detected automatically):

* scores: ``paper, reviewer, score`` – the affinity files exported by
  OpenReview or TPMS have exactly this shape; reviewers are usually e-mails;
* conflicts and locked assignments: ``paper, reviewer``;
* loads: ``reviewer, max_load`` or ``reviewer, min_load, max_load``.

Reviewer identifiers are compared case-insensitively.  Papers and reviewers
are indexed in sorted identifier order, so reordering the rows of a file never
changes the result.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .problem import AssignmentProblem
from .result import AssignmentResult


class CsvFormatError(ValueError):
    pass


def _normalise_reviewer(value: str) -> str:
    return value.strip().lower()


def _rows(path: Path, columns: tuple[int, ...]) -> Iterator[tuple[int, list[str]]]:
    """Non-empty rows with an allowed number of columns, header skipped."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            row = [cell.strip() for cell in row]
            if not any(row) or row[0].startswith("#"):
                continue
            if len(row) not in columns:
                raise CsvFormatError(
                    f"{path}:{number}: expected {' or '.join(map(str, columns))} columns, "
                    f"got {len(row)}"
                )
            if number == 1 and _is_header(row):
                continue
            yield number, row


def _is_header(row: list[str]) -> bool:
    try:
        float(row[-1])
    except ValueError:
        return True
    return False


def _number(path: Path, line: int, value: str, kind: type = float):
    try:
        return kind(value)
    except ValueError:
        raise CsvFormatError(f"{path}:{line}: {value!r} is not a valid number") from None


def read_scores(path: Path) -> list[tuple[str, str, float]]:
    seen: set[tuple[str, str]] = set()
    scores = []
    for line, (paper, reviewer, score) in _rows(Path(path), (3,)):
        pair = (paper, _normalise_reviewer(reviewer))
        if pair in seen:
            raise CsvFormatError(f"{path}:{line}: pair {paper}, {reviewer} listed twice")
        seen.add(pair)
        value = _number(path, line, score)
        if not np.isfinite(value):
            raise CsvFormatError(f"{path}:{line}: score must be finite")
        scores.append((*pair, value))
    return scores


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            row = [cell.strip() for cell in row]
            if not any(row) or row[0].startswith("#"):
                continue
            if len(row) != 2:
                raise CsvFormatError(f"{path}:{number}: expected 2 columns, got {len(row)}")
            if number == 1 and [cell.lower() for cell in row] == ["paper", "reviewer"]:
                continue
            pairs.append((row[0], _normalise_reviewer(row[1])))
    return sorted(set(pairs))


def read_loads(path: Path) -> dict[str, tuple[int | None, int]]:
    """Reviewer -> (min_load or None, max_load)."""
    loads = {}
    for line, row in _rows(Path(path), (2, 3)):
        reviewer = _normalise_reviewer(row[0])
        numbers = [_number(path, line, cell, int) for cell in row[1:]]
        minimum, maximum = (None, numbers[0]) if len(numbers) == 1 else numbers
        if reviewer in loads:
            raise CsvFormatError(f"{path}:{line}: reviewer {reviewer} listed twice")
        loads[reviewer] = (minimum, maximum)
    return loads


@dataclass(frozen=True, eq=False)
class CsvInstance:
    papers: tuple[str, ...]
    reviewers: tuple[str, ...]
    problem: AssignmentProblem


def load_instance(
    *,
    scores: Path,
    conflicts: Path | None = None,
    loads: Path | None = None,
    locked: Path | None = None,
    k: int = 3,
    min_load: int = 0,
    max_load: int = 6,
) -> CsvInstance:
    """Read the CSV files into an :class:`AssignmentProblem`.

    Every paper of the scores or locked files needs ``k`` reviewers; reviewers
    absent from the loads file get ``min_load``/``max_load``.
    """
    score_rows = read_scores(scores)
    conflict_rows = read_pairs(conflicts) if conflicts else []
    locked_rows = read_pairs(locked) if locked else []
    load_rows = read_loads(loads) if loads else {}
    papers = tuple(sorted({row[0] for row in score_rows} | {row[0] for row in locked_rows}))
    reviewers = tuple(
        sorted({row[1] for row in score_rows} | {row[1] for row in locked_rows} | set(load_rows))
    )
    paper_index = {paper: index for index, paper in enumerate(papers)}
    reviewer_index = {reviewer: index for index, reviewer in enumerate(reviewers)}

    def indices(rows):
        known = [(p, r) for p, r, *_ in rows if p in paper_index and r in reviewer_index]
        return (
            np.array([paper_index[p] for p, _ in known], dtype=np.int32),
            np.array([reviewer_index[r] for _, r in known], dtype=np.int32),
        )

    pair_paper, pair_reviewer = indices(score_rows)
    conflict_paper, conflict_reviewer = indices(conflict_rows)
    locked_paper, locked_reviewer = indices(locked_rows)
    minimum = np.full(len(reviewers), min_load, dtype=np.int64)
    maximum = np.full(len(reviewers), max_load, dtype=np.int64)
    for reviewer, (low, high) in load_rows.items():
        index = reviewer_index[reviewer]
        maximum[index] = high
        minimum[index] = min(low if low is not None else min_load, high)
    problem = AssignmentProblem(
        n_papers=len(papers),
        n_reviewers=len(reviewers),
        pair_paper=pair_paper,
        pair_reviewer=pair_reviewer,
        pair_score=np.array([row[2] for row in score_rows], dtype=np.float64),
        demand=k,
        min_load=minimum,
        max_load=maximum,
        locked_paper=locked_paper,
        locked_reviewer=locked_reviewer,
        conflict_paper=conflict_paper,
        conflict_reviewer=conflict_reviewer,
        paper_labels=papers,
        reviewer_labels=reviewers,
    )
    return CsvInstance(papers=papers, reviewers=reviewers, problem=problem)


def write_assignment(path: Path, instance: CsvInstance, result: AssignmentResult) -> None:
    """One row per assigned pair (locked ones included): paper, reviewer, score, locked."""
    paper, reviewer, score, locked = result.all_pairs()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["paper", "reviewer", "score", "locked"])
        for p, r, s, is_locked in zip(paper, reviewer, score, locked, strict=True):
            writer.writerow(
                [instance.papers[p], instance.reviewers[r], f"{s:.6g}", int(bool(is_locked))]
            )


def read_assignment(path: Path) -> list[tuple[str, str, float, bool]]:
    rows = []
    for line, (paper, reviewer, score, locked) in _rows(Path(path), (4,)):
        rows.append((paper, reviewer, _number(path, line, score), locked == "1"))
    return rows


def write_summary_json(path: Path, summary: dict, result: AssignmentResult) -> None:
    document = {
        "summary": summary,
        "infeasibility": result.infeasibility.as_dict() if result.infeasibility else None,
        "warnings": [warning.as_dict() for warning in result.warnings],
        "timings": result.timings,
    }
    Path(path).write_text(json.dumps(document, indent=2, default=_json_default) + "\n")


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def format_summary(summary: dict, result: AssignmentResult) -> str:
    """Plain-text summary for the terminal."""
    lines = [
        f"assigned pairs:        {summary['assigned_pairs']} ({summary['locked_pairs']} locked)",
        f"total affinity:        {summary['total_affinity']:.6g}",
        f"mean affinity:         {summary['mean_affinity']:.6g}",
        f"optimal:               {'yes' if result.is_optimal else 'NO'} "
        f"(objective {result.objective:.6g}, dual bound {result.dual_bound:.6g})",
        f"papers fully covered:  {summary['papers_fully_covered']}",
        f"papers short:          {summary['papers_short']}",
        f"reviewers at min load: {summary['reviewers_at_min_load']}",
        f"reviewers at max load: {summary['reviewers_at_max_load']}",
    ]
    worst = summary.get("worst_served_paper")
    if worst:
        lines.append(
            f"worst-served paper:    {worst['label']} (mean affinity {worst['mean_affinity']:.4g})"
        )
    if "not_willing_pairs" in summary:
        lines.append(f"not-willing pairs:     {summary['not_willing_pairs']}")
    if result.infeasibility:
        lines.append("NOT FEASIBLE, best partial assignment written:")
        lines.extend(f"  - {message}" for message in result.infeasibility.messages())
    lines.extend(f"warning: {warning.message}" for warning in result.warnings)
    return "\n".join(lines)
