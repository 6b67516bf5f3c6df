"""Enumerations of the review process; human labels live here and nowhere else."""

from django.db import models


class Phase(models.TextChoices):
    """The review phases of a workshop, in order. Their rights are in ``reviews.phases``."""

    SUBMISSION = "submission", "Submission (committee not yet at work)"
    BIDDING = "bidding", "Bidding"
    REVIEWING = "reviewing", "Reviewing"
    # Optional: authors read the reviews released for the response and answer them.
    RESPONSE = "response", "Author response"
    DISCUSSION = "discussion", "Discussion"
    DECISIONS = "decisions", "Decisions"
    NOTIFIED = "notified", "Authors notified"


class Visibility(models.TextChoices):
    NEVER = "never", "Never"
    AFTER_OWN = "after_own", "After submitting their own review"
    ALWAYS = "always", "Always"


class InvitationState(models.TextChoices):
    PENDING = "pending", "Not answered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class ConflictSource(models.TextChoices):
    AUTHOR = "author", "Declared by an author"
    REVIEWER = "reviewer", "Declared by the reviewer"
    CHAIR = "chair", "Added by a chair"
    AUTO_AUTHOR = "auto_author", "Found: the reviewer is an author"
    AUTO_DOMAIN = "auto_domain", "Found: same institution e-mail domain"
    AUTO_AFFILIATION = "auto_affiliation", "Found: same affiliation"
    AUTO_COAUTHOR = "auto_coauthor", "Found: co-author of another submission"


AUTOMATIC_SOURCES = {
    ConflictSource.AUTO_AUTHOR,
    ConflictSource.AUTO_DOMAIN,
    ConflictSource.AUTO_AFFILIATION,
    ConflictSource.AUTO_COAUTHOR,
}


class BidPreference(models.TextChoices):
    EAGER = "eager", "Eager"
    WILLING = "willing", "Willing"
    NEUTRAL = "neutral", "Neutral"
    NOT_WILLING = "not_willing", "Not willing"
    CONFLICT = "conflict", "Conflict of interest"


# How much a reviewer wants a paper, for sorting and for the assignment engine.
BID_WEIGHTS = {
    BidPreference.EAGER: 2,
    BidPreference.WILLING: 1,
    BidPreference.NEUTRAL: 0,
    BidPreference.NOT_WILLING: -1,
    BidPreference.CONFLICT: None,
}


class AssignmentSource(models.TextChoices):
    MANUAL = "manual", "Manual"
    AUTOMATIC = "automatic", "Automatic"


class AssignmentState(models.TextChoices):
    ACTIVE = "active", "Assigned"
    DECLINED = "declined", "Declined by the reviewer"


class MetaReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class ResponseReviews(models.TextChoices):
    """What authors read of the reviews during the author response."""

    TEXTS = "texts", "Review texts only"
    WITH_SCORES = "with_scores", "Review texts with scores"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


# Overall recommendation and confidence: 1-based levels with labels, lowest first.
RECOMMENDATION_SCALE = [
    "Strong reject",
    "Reject",
    "Weak reject",
    "Weak accept",
    "Accept",
    "Strong accept",
]
CONFIDENCE_SCALE = [
    "Educated guess",
    "Somewhat confident",
    "Fairly confident",
    "Confident",
    "Expert: certain",
]


class DecisionOutcome(models.TextChoices):
    ACCEPT = "accept", "Accept"
    ACCEPT_TALK = "accept_talk", "Accept as talk"
    ACCEPT_POSTER = "accept_poster", "Accept as poster"
    ACCEPT_VIRTUAL_TALK = "accept_virtual_talk", "Accept as virtual talk"
    ACCEPT_VIRTUAL_POSTER = "accept_virtual_poster", "Accept as virtual poster"
    REJECT = "reject", "Reject"


# How an outcome reads to the authors once released (their dashboard).
AUTHOR_OUTCOME_LABELS = {
    DecisionOutcome.ACCEPT: "Accepted",
    DecisionOutcome.ACCEPT_TALK: "Accepted — talk",
    DecisionOutcome.ACCEPT_POSTER: "Accepted — poster",
    DecisionOutcome.ACCEPT_VIRTUAL_TALK: "Accepted — virtual talk",
    DecisionOutcome.ACCEPT_VIRTUAL_POSTER: "Accepted — virtual poster",
    DecisionOutcome.REJECT: "Rejected",
}


# The accept outcome each presentation format of a workshop offers.
OUTCOME_FOR_PRESENTATION = {
    "talk": DecisionOutcome.ACCEPT_TALK,
    "poster": DecisionOutcome.ACCEPT_POSTER,
    "virtual_talk": DecisionOutcome.ACCEPT_VIRTUAL_TALK,
    "virtual_poster": DecisionOutcome.ACCEPT_VIRTUAL_POSTER,
}


def is_accept(outcome: str) -> bool:
    return outcome != DecisionOutcome.REJECT


def outcomes_for(workshop) -> list[DecisionOutcome]:
    """The outcomes a chair can choose for papers of ``workshop``."""
    accepts = [
        OUTCOME_FOR_PRESENTATION[p]
        for p in workshop.presentation_outcomes
        if p in OUTCOME_FOR_PRESENTATION
    ] or [DecisionOutcome.ACCEPT]
    return [*accepts, DecisionOutcome.REJECT]
