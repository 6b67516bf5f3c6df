"""Compute (and optionally commit) an optimal reviewer assignment without the web app.

Database mode, for a workshop of this instance::

    manage.py assign_reviewers --workshop ws-2026 --reviewers-per-paper 3 \
        --output assignment.csv --summary summary.json [--import-scores tpms.csv] [--commit]

CSV mode, for any venue (no database involved)::

    manage.py assign_reviewers --scores scores.csv [--conflicts conflicts.csv] \
        [--loads loads.csv] --reviewers-per-paper 3 --max-load 6 --output assignment.csv

CSV mode reads and writes the solver's formats (``reviews.assignment.csvio``; a header line
is allowed): ``scores.csv`` paper, reviewer, score; ``conflicts.csv`` and ``locked.csv``
paper, reviewer; ``loads.csv`` reviewer, [min_load,] max_load. The output lists
paper, reviewer, score, locked; the summary (objective, dual bound, optimality, infeasibility
report, quality, timings) is printed and written as JSON with ``--summary``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.services.auto_assign import SIGNALS, RunParams


class Command(BaseCommand):
    help = "Compute an optimal reviewer assignment from the database or from CSV files."

    def add_arguments(self, parser):
        source = parser.add_argument_group("input (one of)")
        source.add_argument("--workshop", help="Slug of the workshop (database mode).")
        source.add_argument("--scores", type=Path, help="scores.csv (CSV mode).")
        parser.add_argument("--conflicts", type=Path, help="conflicts.csv (CSV mode).")
        parser.add_argument("--loads", type=Path, help="loads.csv (CSV mode).")
        parser.add_argument("--locked", type=Path, help="locked.csv: pairs to keep (CSV mode).")
        parser.add_argument("--reviewers-per-paper", type=int, default=3)
        parser.add_argument("--min-load", type=int, default=0)
        parser.add_argument(
            "--max-load", type=int, default=None, help="Default: a fair share plus one."
        )
        parser.add_argument(
            "--no-profile-loads",
            action="store_true",
            help="Ignore the limits reviewers set in their profiles (database mode).",
        )
        for signal in SIGNALS:
            parser.add_argument(f"--weight-{signal}", type=float, default=1.0)
        parser.add_argument(
            "--import-scores",
            type=Path,
            help="Replace the workshop's imported affinities with this CSV "
            "(paper number, reviewer e-mail, score) before solving (database mode).",
        )
        parser.add_argument("--output", "-o", type=Path, help="Write the assignment CSV here.")
        parser.add_argument("--summary", type=Path, help="Write the summary JSON here.")
        parser.add_argument(
            "--commit",
            action="store_true",
            help="Create the assignments and notify the reviewers (database mode).",
        )

    def handle(self, *args, **options):
        if bool(options["workshop"]) == bool(options["scores"]):
            raise CommandError("Give either --workshop (database) or --scores (CSV mode).")
        if options["workshop"]:
            summary = self.database_mode(options)
        else:
            if options["commit"] or options["import_scores"]:
                raise CommandError("--commit and --import-scores need --workshop.")
            summary = self.csv_mode(options)
        text = json.dumps(summary, indent=2, default=str)
        if options["summary"]:
            options["summary"].write_text(text + "\n")
        self.print_summary(summary)

    # -- database mode -------------------------------------------------------------------------

    def params(self, options) -> RunParams:
        return RunParams(
            reviewers_per_paper=options["reviewers_per_paper"],
            min_load=options["min_load"],
            max_load=options["max_load"],
            use_profile_loads=not options["no_profile_loads"],
            weights={s: options[f"weight_{s}"] for s in SIGNALS},
        )

    def database_mode(self, options) -> dict:
        from reviews.models import AssignmentRun, RunState
        from reviews.services.auto_assign import (
            AutoAssignError,
            commit_run,
            execute_run,
            parse_affinity_csv,
            proposal_csv,
            replace_imported_affinities,
        )
        from workshops.models import Workshop

        workshop = Workshop.objects.filter(slug=options["workshop"]).first()
        if workshop is None:
            raise CommandError(f"No workshop with the slug {options['workshop']!r}.")
        if options["import_scores"]:
            parsed = parse_affinity_csv(
                workshop, options["import_scores"].read_text(encoding="utf-8-sig")
            )
            if parsed.errors:
                raise CommandError("\n".join(parsed.errors))
            count = replace_imported_affinities(workshop, parsed.rows)
            self.stderr.write(f"{count} imported scores saved.")
        run = AssignmentRun.objects.create(workshop=workshop, params=self.params(options).as_json())
        execute_run(run.pk)
        run.refresh_from_db()
        if run.state != RunState.DONE:
            raise CommandError(f"Run {run.pk} failed: {run.message}")
        if options["output"]:
            options["output"].write_text(proposal_csv(run))
        summary = {"run": run.pk, **run.result}
        summary.pop("limits", None)
        if options["commit"]:
            try:
                outcome = commit_run(run, by=None)
            except AutoAssignError as exc:
                raise CommandError(str(exc)) from exc
            summary["committed"] = {
                "created": outcome.created,
                "emails": outcome.emails,
                "skipped": outcome.skipped,
            }
        return summary

    # -- CSV mode ------------------------------------------------------------------------------

    def csv_mode(self, options) -> dict:
        try:
            return solve_csv_files(
                scores=options["scores"],
                conflicts=options["conflicts"],
                loads=options["loads"],
                locked=options["locked"],
                reviewers_per_paper=options["reviewers_per_paper"],
                min_load=options["min_load"],
                max_load=options["max_load"],
                output=options["output"],
            )
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def print_summary(self, summary: dict) -> None:
        quality = summary.get("quality", {})
        lines = [
            f"objective {summary.get('objective', 0):.6f}, dual bound "
            f"{summary.get('dual_bound', 0):.6f}, "
            + ("proven optimal" if summary.get("is_optimal") else "optimality NOT proven"),
            f"pairs: {quality.get('assigned_pairs', 0)} "
            f"({summary.get('locked_pairs', 0)} kept, {summary.get('new_pairs', 0)} new), "
            f"mean affinity {quality.get('mean_affinity', 0):.4f}",
        ]
        report = summary.get("infeasibility")
        if report:
            lines.append("NOT every demand can be met:")
            lines.extend(f"  - {m}" for m in report.get("messages", []))
        if "committed" in summary:
            done = summary["committed"]
            lines.append(
                f"committed: {done['created']} assignments, {done['emails']} e-mails queued"
                + (f", {len(done['skipped'])} skipped" if done["skipped"] else "")
            )
        self.stdout.write("\n".join(lines))
        sys.stdout.flush()


# ---------------------------------------------------------------------------------------------
# CSV mode: delegated to the solver's CSV input/output (reviews.assignment.csvio).


def solve_csv_files(
    *,
    scores: Path,
    conflicts: Path | None,
    loads: Path | None,
    locked: Path | None = None,
    reviewers_per_paper: int,
    min_load: int,
    max_load: int | None,
    output: Path | None,
    summary_path: Path | None = None,
) -> dict:
    """Solve the instance described by the CSV files; write the assignment CSV."""
    from reviews.assignment.csvio import (
        load_instance,
        read_scores,
        write_assignment,
        write_summary_json,
    )
    from reviews.assignment.quality import quality_summary
    from reviews.assignment.solver import solve
    from reviews.services.auto_assign import fair_share

    if max_load is None:  # a fair share of the demand, as in the web form
        rows = read_scores(scores)
        max_load = fair_share(
            len({r[0] for r in rows}), len({r[1] for r in rows}), reviewers_per_paper
        )
    instance = load_instance(
        scores=scores,
        conflicts=conflicts,
        loads=loads,
        locked=locked,
        k=reviewers_per_paper,
        min_load=min_load,
        max_load=max_load,
    )
    result = solve(instance.problem)
    quality = quality_summary(instance.problem, result)
    if output:
        write_assignment(output, instance, result)
    if summary_path:
        write_summary_json(summary_path, quality, result)
    report = result.infeasibility
    return {
        "n_papers": len(instance.papers),
        "n_reviewers": len(instance.reviewers),
        "candidates": instance.problem.n_pairs,
        "locked_pairs": int(result.locked_paper.size),
        "new_pairs": int(result.n_assigned),
        "objective": float(result.objective),
        "dual_bound": float(result.dual_bound),
        "is_optimal": bool(result.is_optimal),
        "is_feasible": bool(result.is_feasible),
        "infeasibility": None
        if report is None
        else {"demand": report.demand, "covered": report.covered, "messages": report.messages()},
        "quality": {k: v for k, v in quality.items() if k != "infeasibility"},
        "timings": {k: round(float(v), 4) for k, v in result.timings.items()},
    }
