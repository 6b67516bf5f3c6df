"""Optimal reviewer assignment: pure numpy/scipy/OR-tools, no Django.

A service builds an :class:`AssignmentProblem` from the database and calls
:func:`solve` (candidate pairs) or :func:`solve_dense` (every pair scored,
streamed in blocks); :func:`quality_summary` condenses the outcome.
"""

from .dense import solve_dense
from .diagnosis import InfeasibilityReport, Issue
from .problem import AssignmentProblem
from .quality import quality_summary
from .result import AssignmentResult, PricingRound
from .solver import DEFAULT_SCALE, DEFAULT_TIE_BREAK_LEVELS, solve

__all__ = [
    "DEFAULT_SCALE",
    "DEFAULT_TIE_BREAK_LEVELS",
    "AssignmentProblem",
    "AssignmentResult",
    "InfeasibilityReport",
    "Issue",
    "PricingRound",
    "quality_summary",
    "solve",
    "solve_dense",
]
