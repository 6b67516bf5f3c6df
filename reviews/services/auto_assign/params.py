"""The chair's parameters of a run, the signals and their defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from submissions.enums import ACTIVE_STATES
from submissions.models import Submission
from workshops.enums import MemberRole
from workshops.models import Membership

from ...enums import BidPreference
from .. import ReviewFlowError

SIGNALS = ("bid", "topic", "text", "imported")
SIGNAL_LABELS = {
    "bid": "Bid",
    "topic": "Topic overlap",
    "text": "Text affinity",
    "imported": "Imported score",
}
DEFAULT_WEIGHTS = {"bid": 1.0, "topic": 1.0, "text": 1.0, "imported": 1.0}
DEFAULT_REVIEWERS_PER_PAPER = 3
# Up to this many (paper, reviewer) pairs every non-excluded pair is a candidate.
ALL_PAIRS_LIMIT = 1_000_000
# Beyond it: the best topic/text matches kept per paper, and the least a paper should have.
TOP_MATCHES_PER_PAPER = 100
MIN_CANDIDATES_FACTOR = 4
BLOCK_ROWS = 512


def _bid_values() -> dict[str, float]:
    """A bid's value before weighting, from the solver's affinity module (eager 1, willing 0.5,
    neutral 0, not willing -1)."""
    from reviews.assignment.affinity import BID_VALUES as values

    return {pref: float(values.get(pref, 0.0)) for pref in BidPreference.values}


BID_VALUES = _bid_values()
EMAIL_TEMPLATE_ROLE = "reviews.assigned"
AC_EMAIL_TEMPLATE_ROLE = "reviews.area_chair_assigned"

# The roles a run assigns: the same engine and signals (one Bid row, one profile serve both);
# an area-chair run reads area-chair loads and assignments and creates area-chair rows.
ROLE_REVIEWER = MemberRole.REVIEWER.value
ROLE_AREA_CHAIR = MemberRole.AREA_CHAIR.value
RUN_ROLES = {ROLE_REVIEWER: "Reviewers", ROLE_AREA_CHAIR: "Area chairs"}


class AutoAssignError(ReviewFlowError):
    """A refused automatic-assignment action; the message is meant for the chair."""


# ---------------------------------------------------------------------------------------------
# Parameters


@dataclass
class RunParams:
    """The chair's choices for a run; stored as JSON on ``AssignmentRun.params``."""

    reviewers_per_paper: int = DEFAULT_REVIEWERS_PER_PAPER
    min_load: int = 0
    max_load: int | None = None  # None: a fair share, see ``fair_share``
    use_profile_loads: bool = True
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # Who the run assigns: reviewers (``reviewers_per_paper`` each) or area chairs (the
    # workshop's ``area_chairs_per_paper`` each).
    role: str = ROLE_REVIEWER

    @property
    def is_area_chair_run(self) -> bool:
        return self.role == ROLE_AREA_CHAIR

    @classmethod
    def from_json(cls, data: dict | None) -> RunParams:
        data = dict(data or {})
        weights = dict(DEFAULT_WEIGHTS)
        weights.update(
            {k: float(v) for k, v in (data.get("weights") or {}).items() if k in SIGNALS}
        )
        max_load = data.get("max_load")
        return cls(
            reviewers_per_paper=int(data.get("reviewers_per_paper", DEFAULT_REVIEWERS_PER_PAPER)),
            min_load=int(data.get("min_load") or 0),
            max_load=None if max_load in (None, "") else int(max_load),
            use_profile_loads=bool(data.get("use_profile_loads", True)),
            weights=weights,
            role=data.get("role") if data.get("role") in RUN_ROLES else ROLE_REVIEWER,
        )

    def as_json(self) -> dict:
        return {
            "reviewers_per_paper": self.reviewers_per_paper,
            "min_load": self.min_load,
            "max_load": self.max_load,
            "use_profile_loads": self.use_profile_loads,
            "weights": {k: float(self.weights.get(k, 0.0)) for k in SIGNALS},
            "role": self.role,
        }


def fair_share(n_papers: int, n_reviewers: int, reviewers_per_paper: int) -> int:
    """The default maximum load: every reviewer's share of the demand, plus one of slack."""
    if n_reviewers <= 0:
        return 0
    return math.ceil(n_papers * reviewers_per_paper / n_reviewers) + 1


def per_paper(workshop, role: str = ROLE_REVIEWER) -> int:
    """The demand of each paper: its reviews, or ``area_chairs_per_paper`` area chairs."""
    from ...permissions import review_settings

    settings = review_settings(workshop)
    if role == ROLE_AREA_CHAIR:
        return max(settings.area_chairs_per_paper or 1, 1)
    return settings.default_reviews_per_paper or DEFAULT_REVIEWERS_PER_PAPER


def default_params(workshop, role: str = ROLE_REVIEWER) -> RunParams:
    """Initial values of the run form: the workshop's reviews (or area chairs) per paper, a
    fair maximum load."""
    role = role if role in RUN_ROLES else ROLE_REVIEWER
    k = per_paper(workshop, role)
    n_papers = active_papers(workshop).count()
    n_reviewers = committee_ids(workshop, role).count()
    return RunParams(
        reviewers_per_paper=k, max_load=fair_share(n_papers, n_reviewers, k) or None, role=role
    )


def active_papers(workshop):
    return Submission.objects.filter(workshop=workshop, state__in=ACTIVE_STATES)


def committee_ids(workshop, role: str = ROLE_REVIEWER):
    """Ids of the members a run of ``role`` may assign (reviewers, or area chairs)."""
    return Membership.objects.filter(workshop=workshop, role=role).values_list("user_id", flat=True)


# ---------------------------------------------------------------------------------------------
# 1. Loading
