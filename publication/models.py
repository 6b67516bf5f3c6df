"""After the decision: the final version of an accepted paper, the publication terms its
authors accept, and what the workshop publishes (accepted papers, proceedings).

The camera-ready PDF, slides and poster are ``submissions.SubmissionFile`` versions (kinds
``camera_ready``, ``slides``, ``poster``): every upload is a new version, never an overwrite.
"""

from django.conf import settings
from django.db import models


class TermsKind(models.TextChoices):
    NONE = "none", "No terms to accept"
    COPYRIGHT = "copyright", "Copyright or licence form (archival proceedings)"
    CONSENT = "consent", "Consent to post the paper on the website (non-archival)"


class Material(models.TextChoices):
    SLIDES = "slides", "Slides (PDF)"
    POSTER = "poster", "Poster (PDF)"
    VIDEO = "video", "Video link"


class PublicationSettings(models.Model):
    """A workshop's rules for the camera-ready and what it publishes."""

    workshop = models.OneToOneField(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="publication_settings"
    )
    instructions = models.TextField(
        "camera-ready instructions", blank=True, help_text="Markdown, shown to the authors."
    )
    terms_kind = models.CharField(max_length=10, choices=TermsKind, default=TermsKind.NONE)
    terms_title = models.CharField(max_length=200, blank=True)
    terms_text = models.TextField(blank=True, help_text="Markdown.")
    terms_version = models.CharField(
        max_length=40, blank=True, help_text='Changes whenever the text does, e.g. "2026-1".'
    )
    # {outcome value: [Material values]}: what the authors of each outcome may upload.
    material = models.JSONField(default=dict, blank=True)
    publish_papers = models.BooleanField(
        "publish the camera-ready PDFs",
        default=False,
        help_text="Link each accepted paper's camera-ready PDF from the public page.",
    )
    accepted_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the accepted papers were made public."
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name_plural = "publication settings"

    def __str__(self) -> str:
        return f"Publication settings of {self.workshop}"

    @property
    def accepted_published(self) -> bool:
        return self.accepted_published_at is not None


class CameraReady(models.Model):
    """The final metadata of an accepted paper, as it will be printed, confirmed by an author."""

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="camera_ready"
    )
    title = models.CharField(max_length=300, blank=True)
    abstract = models.TextField(blank=True)
    # [{"name", "affiliation", "email", "orcid"}] in printed order.
    authors = models.JSONField(default=list, blank=True)
    video_url = models.URLField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline_override = models.DateTimeField(
        null=True, blank=True, help_text="A later camera-ready deadline granted by a chair."
    )
    proceedings_order = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "camera-ready"
        ordering = ["proceedings_order", "submission"]

    def __str__(self) -> str:
        return f"Camera-ready of {self.submission}"


class TermsAcceptance(models.Model):
    """One author's acceptance of one version of the workshop's publication terms."""

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=TermsKind)
    terms_title = models.CharField(max_length=200)
    terms_version = models.CharField(max_length=40)
    terms_sha256 = models.CharField(max_length=64, help_text="Of the exact text accepted.")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "terms_version"], name="terms_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.terms_title} v{self.terms_version} for {self.submission}"
