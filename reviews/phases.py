"""Review phases as data: what each phase allows. Rights (``reviews.permissions``) read these flags.

A chair moves the phase, or the calendar does (``services.phases.advance_by_dates``) when the
workshop's review settings follow the dates.
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import Phase, Visibility


@dataclass(frozen=True)
class PhaseFlags:
    phase: Phase
    can_bid: bool = False
    # Non-conflicted committee members see every submitted paper (title, abstract, PDF).
    committee_sees_all_papers: bool = False
    can_review: bool = False
    can_see_other_reviews: Visibility = Visibility.NEVER
    can_discuss: bool = False
    can_decide: bool = False
    can_release: bool = False
    authors_see_reviews: bool = False
    # Authors read the reviews released for the response and write their response.
    authors_respond: bool = False

    @property
    def label(self) -> str:
        return self.phase.label


PHASES: dict[str, PhaseFlags] = {
    Phase.SUBMISSION: PhaseFlags(Phase.SUBMISSION),
    Phase.BIDDING: PhaseFlags(Phase.BIDDING, can_bid=True, committee_sees_all_papers=True),
    Phase.REVIEWING: PhaseFlags(
        Phase.REVIEWING, can_review=True, can_see_other_reviews=Visibility.AFTER_OWN
    ),
    Phase.RESPONSE: PhaseFlags(
        Phase.RESPONSE,
        can_review=True,
        can_see_other_reviews=Visibility.ALWAYS,
        can_discuss=True,
        authors_respond=True,
    ),
    Phase.DISCUSSION: PhaseFlags(
        Phase.DISCUSSION,
        can_review=True,
        can_see_other_reviews=Visibility.ALWAYS,
        can_discuss=True,
        can_decide=True,
    ),
    Phase.DECISIONS: PhaseFlags(
        Phase.DECISIONS,
        can_see_other_reviews=Visibility.ALWAYS,
        can_discuss=True,
        can_decide=True,
        can_release=True,
    ),
    Phase.NOTIFIED: PhaseFlags(
        Phase.NOTIFIED,
        can_see_other_reviews=Visibility.ALWAYS,
        can_decide=True,
        can_release=True,
        authors_see_reviews=True,
    ),
}

ORDER = list(Phase.values)


def flags(phase: str) -> PhaseFlags:
    return PHASES[phase]


def is_before(a: str, b: str) -> bool:
    return ORDER.index(a) < ORDER.index(b)
