"""Command line: solve an assignment from CSV files, without the web application.

    python -m reviews.assignment.cli --scores s.csv --conflicts c.csv \
        --loads l.csv --k 3 --out assignment.csv [--summary summary.json]

Exit status: 0 when every demand and minimum load is met, 2 when the instance
is infeasible (the best partial assignment is still written, with the
reasons), 1 on invalid input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .csvio import (
    CsvFormatError,
    format_summary,
    load_instance,
    write_assignment,
    write_summary_json,
)
from .quality import quality_summary
from .solver import DEFAULT_SCALE, DEFAULT_TIE_BREAK_LEVELS, solve


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.assignment.cli",
        description="Optimal reviewer assignment from CSV files.",
    )
    parser.add_argument("--scores", type=Path, required=True, help="paper,reviewer,score")
    parser.add_argument("--conflicts", type=Path, help="paper,reviewer pairs never assigned")
    parser.add_argument("--loads", type=Path, help="reviewer,[min_load,]max_load")
    parser.add_argument("--locked", type=Path, help="paper,reviewer pairs to keep")
    parser.add_argument("--k", type=int, default=3, help="reviewers per paper (default 3)")
    parser.add_argument("--min-load", type=int, default=0, help="default minimum load")
    parser.add_argument("--max-load", type=int, default=6, help="default maximum load")
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE)
    parser.add_argument("--tie-break-levels", type=int, default=DEFAULT_TIE_BREAK_LEVELS)
    parser.add_argument("--out", type=Path, required=True, help="assignment CSV to write")
    parser.add_argument("--summary", type=Path, help="quality summary JSON to write")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        instance = load_instance(
            scores=args.scores,
            conflicts=args.conflicts,
            loads=args.loads,
            locked=args.locked,
            k=args.k,
            min_load=args.min_load,
            max_load=args.max_load,
        )
    except (OSError, CsvFormatError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    result = solve(instance.problem, scale=args.scale, tie_break_levels=args.tie_break_levels)
    summary = quality_summary(instance.problem, result)
    write_assignment(args.out, instance, result)
    if args.summary:
        write_summary_json(args.summary, summary, result)
    if not args.quiet:
        print(format_summary(summary, result))
    return 0 if result.is_feasible else 2


if __name__ == "__main__":
    sys.exit(main())
