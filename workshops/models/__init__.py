from .call import ImportantDate, ReviewCriterion, SubmissionType, Topic
from .membership import Membership
from .people import Person
from .workshop import Workshop

__all__ = [
    "ImportantDate",
    "Membership",
    "Person",
    "ReviewCriterion",
    "SubmissionType",
    "Topic",
    "Workshop",
]
