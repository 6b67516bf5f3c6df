from django.db import models

AOE = "Etc/GMT+12"  # Anywhere on Earth is UTC-12; the POSIX sign of Etc/ zones is inverted.


class Format(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid"


class Anonymity(models.TextChoices):
    DOUBLE_BLIND = "double_blind", "Double-blind (authors and reviewers anonymous)"
    SINGLE_BLIND = "single_blind", "Single-blind (reviewers anonymous)"
    OPEN = "open", "Open (nobody anonymous)"
    # The call does not say; treated as not double-blind (no anonymization required).
    NOT_STATED = "not_stated", "Not stated"


class PresentationOutcome(models.TextChoices):
    TALK = "talk", "Talk"
    POSTER = "poster", "Poster"
    VIRTUAL_TALK = "virtual_talk", "Virtual talk"
    VIRTUAL_POSTER = "virtual_poster", "Virtual poster"


class DateKind(models.TextChoices):
    """The dates of a call, in the order they must happen."""

    ABSTRACT_REGISTRATION = "abstract_registration", "Abstract registration"
    PAPER_SUBMISSION = "paper_submission", "Paper submission"
    REVIEWS_DUE = "reviews_due", "Reviews due"
    AUTHOR_RESPONSE = "author_response", "Author response"
    AUTHOR_NOTIFICATION = "author_notification", "Author notification"
    CAMERA_READY = "camera_ready", "Camera-ready"
    WORKSHOP_DAY = "workshop_day", "Workshop"


DATE_ORDER = list(DateKind.values)
# Dates that close something at a precise instant (shown with a time and a countdown).
DEADLINE_KINDS = {
    DateKind.ABSTRACT_REGISTRATION,
    DateKind.PAPER_SUBMISSION,
    DateKind.REVIEWS_DUE,
    DateKind.AUTHOR_RESPONSE,
    DateKind.CAMERA_READY,
}


class AnnouncedLater(models.TextChoices):
    """Sections of a call page that the call says are coming later ("Speakers (Coming Soon)")."""

    SPEAKERS = "speakers", "Invited speakers"
    PANELISTS = "panelists", "Panelists"
    SCHEDULE = "schedule", "Schedule"


class PersonRole(models.TextChoices):
    ORGANIZER = "organizer", "Organizer"
    SPEAKER = "speaker", "Invited speaker"
    PANELIST = "panelist", "Panelist"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    REVIEWER = "reviewer", "Reviewer"
    # A meta-reviewer: oversees the reviews of their papers and writes a meta-review.
    AREA_CHAIR = "area_chair", "Area chair"
