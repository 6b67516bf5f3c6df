from .area_chairs import AreaChairAssignment, EmergencyReviewerRequest, MetaReview
from .assignments import Assignment
from .bids import Bid
from .committee import ReviewerInvitation, ReviewerProfile
from .conflicts import Conflict
from .decisions import Decision, DecisionCorrection, DecisionRelease, DecisionTemplate
from .discussion import Comment
from .members import CommitteeChange
from .questions import AnswerVisibility, QuestionKind, ReviewAnswer, ReviewQuestion
from .responses import AuthorResponse
from .reviews import Review, ReviewScore, ReviewVersion
from .settings import ReviewSettings

__all__ = [
    "AreaChairAssignment",
    "AuthorResponse",
    "EmergencyReviewerRequest",
    "MetaReview",
    "ReviewVersion",
    "Assignment",
    "Bid",
    "Comment",
    "CommitteeChange",
    "Conflict",
    "Decision",
    "DecisionCorrection",
    "DecisionRelease",
    "DecisionTemplate",
    "AnswerVisibility",
    "QuestionKind",
    "Review",
    "ReviewAnswer",
    "ReviewQuestion",
    "ReviewScore",
    "ReviewSettings",
    "ReviewerInvitation",
    "ReviewerProfile",
]
from .auto_assign import AssignmentRun, ImportedAffinity, ProposedPair, RunState  # noqa: E402,F401
