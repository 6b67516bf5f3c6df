from django.db import models


class SubmissionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DESK_REJECTED = "desk_rejected", "Desk rejected"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


# States in which a paper is under consideration and may be reviewed.
ACTIVE_STATES = {SubmissionState.SUBMITTED, SubmissionState.ACCEPTED, SubmissionState.REJECTED}


class FileKind(models.TextChoices):
    PAPER = "paper", "Paper PDF"
    SUPPLEMENT = "supplement", "Supplementary material"
    CAMERA_READY = "camera_ready", "Camera-ready PDF"
    SLIDES = "slides", "Slides"
    POSTER = "poster", "Poster"


class ActivityAction(models.TextChoices):
    CREATED = "created", "Created"
    SAVED = "saved", "Draft saved"
    SUBMITTED = "submitted", "Submitted"
    UPDATED = "updated", "Updated"
    FILE_UPLOADED = "file_uploaded", "File uploaded"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DESK_REJECTED = "desk_rejected", "Desk rejected"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    REINSTATED = "reinstated", "Reinstated"
    DEADLINE_EXTENDED = "deadline", "Deadline changed"
