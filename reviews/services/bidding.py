"""Reviewers' bids on papers during the bidding phase."""

from __future__ import annotations

from django.db import transaction

from activity.models import Kind
from activity.services import record

from ..enums import BidPreference, ConflictSource
from ..models import Bid
from ..permissions import forget_rights, paper_rights
from . import ReviewFlowError
from .conflicts import add_conflict, automatic_conflict


def set_bid(*, reviewer, submission, preference: str) -> Bid | None:
    """Record a bid; "conflict" also records a conflict declared by the reviewer."""
    if preference not in BidPreference.values:
        raise ReviewFlowError("Unknown bid.")
    rights = paper_rights(reviewer, submission)
    if not rights.can_bid:
        raise ReviewFlowError("Bidding is closed for this paper.")
    if automatic_conflict(submission, reviewer):
        raise ReviewFlowError(
            f"You have a conflict of interest with paper #{submission.number}; "
            "it was recorded for the chairs."
        )
    with transaction.atomic():
        before = (
            Bid.objects.filter(submission=submission, reviewer=reviewer)
            .values_list("preference", flat=True)
            .first()
        )
        bid, _ = Bid.objects.update_or_create(
            submission=submission, reviewer=reviewer, defaults={"preference": preference}
        )
        if before != preference:
            record(
                workshop=submission.workshop_id,
                kind=Kind.BID,
                action="bid",
                actor=reviewer,
                submission=submission,
                message=f"Bid: {BidPreference(preference).label}",
                changes={"preference": (before, preference)},
            )
        if preference == BidPreference.CONFLICT:
            add_conflict(
                submission=submission,
                user=reviewer,
                source=ConflictSource.REVIEWER,
                by=reviewer,
                reason="Declared while bidding",
            )
    forget_rights(reviewer)
    return bid
