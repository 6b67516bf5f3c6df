from .call import ImportantDate, ReviewCriterion, SubmissionType, Topic
from .membership import Membership
from .people import Person, ScheduleItem
from .workshop import Workshop

__all__ = [
    "ImportantDate",
    "Membership",
    "Person",
    "ReviewCriterion",
    "ScheduleItem",
    "SubmissionType",
    "Topic",
    "Workshop",
]
