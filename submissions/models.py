from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .enums import FileKind, SubmissionState


class SubmissionQuerySet(models.QuerySet):
    """Querysets filtered by the same rules as ``submissions.permissions``."""

    def authored_by(self, user):
        """Submissions on which ``user`` is a linked author (contact author or co-author)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=Authorship.objects.filter(user=user).values("submission_id"))

    def visible_to(self, user):
        """What ``user`` may open: own submissions, all of the workshops they chair, and what
        other apps grant through ``permissions.add_viewer_rule`` (reviewers' assignments)."""
        from .permissions import visibility_q

        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(visibility_q(user)).distinct()

    def for_lists(self):
        """Everything the dashboard and the chairs' list show, in a constant number of queries."""
        return self.select_related("workshop", "submission_type").prefetch_related(
            "workshop__dates",
            "workshop__topics",
            "workshop__submission_fields",
            "field_answers",
            "topics",
            models.Prefetch("authors", queryset=Authorship.objects.order_by("order", "pk")),
            models.Prefetch("files", queryset=SubmissionFile.objects.order_by("kind", "-version")),
        )


class Submission(models.Model):
    """A paper submitted to a workshop; numbered per workshop (#1, #2, ...).

    State changes go through ``submissions.services`` only.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveIntegerField()
    submission_type = models.ForeignKey(
        "workshops.SubmissionType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    title = models.CharField(max_length=300)
    abstract = models.TextField(blank=True)
    keywords = models.CharField(max_length=500, blank=True, help_text="Comma-separated.")
    topics = models.ManyToManyField("workshops.Topic", blank=True, related_name="submissions")
    state = models.CharField(max_length=14, choices=SubmissionState, default=SubmissionState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_submissions"
    )
    # Acknowledgements the call's policies require, recorded with the submission.
    ack_code_of_conduct = models.BooleanField(default=False)
    ack_code_of_ethics = models.BooleanField(default=False)
    ack_dual_submission = models.BooleanField(default=False)
    ack_anonymized = models.BooleanField(default=False)
    deadline_override = models.DateTimeField(
        null=True, blank=True, help_text="A later deadline granted to this submission by a chair."
    )
    desk_reject_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Counts the authors' updates after the first submission."
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on at every save of its edit page: a page loaded before refuses to "
        "overwrite it (workshops.concurrency).",
    )
    form_token = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The token of the form that created this submission (no duplicates on "
        "a double post).",
    )
    last_form_token = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The token of the last form saved for this submission: the same form "
        "posted again (a double click, a reload) changes nothing and mails nobody.",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="submission_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="submission_number_positive"),
        ]
        indexes = [models.Index(fields=["workshop", "state"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "submissions:detail", kwargs={"slug": self.workshop.slug, "number": self.number}
        )

    def _latest_file(self, kind: str):
        # Iterates ``files.all()`` so a prefetch is used when present.
        versions = [f for f in self.files.all() if f.kind == kind]
        return max(versions, key=lambda f: f.version, default=None)

    @property
    def current_paper(self) -> "SubmissionFile | None":
        """The latest paper PDF: the version reviewers read."""
        return self._latest_file(FileKind.PAPER)

    @property
    def current_supplement(self) -> "SubmissionFile | None":
        return self._latest_file(FileKind.SUPPLEMENT)

    @property
    def current_camera_ready(self) -> "SubmissionFile | None":
        return self._latest_file(FileKind.CAMERA_READY)

    @property
    def ordered_authors(self) -> list["Authorship"]:
        return sorted(self.authors.all(), key=lambda a: (a.order, a.pk or 0))

    @property
    def contact_author(self) -> "Authorship | None":
        authors = self.ordered_authors
        return next((a for a in authors if a.is_contact), authors[0] if authors else None)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    @property
    def is_draft(self) -> bool:
        return self.state == SubmissionState.DRAFT

    def withdraw(self, *, by, reason: str = "") -> "Submission":
        from .services.state import set_state

        return set_state(self, SubmissionState.WITHDRAWN, by=by, reason=reason)

    withdraw.alters_data = True

    def desk_reject(self, *, by, reason: str) -> "Submission":
        from .services.state import set_state

        return set_state(self, SubmissionState.DESK_REJECTED, by=by, reason=reason)

    desk_reject.alters_data = True


class Authorship(models.Model):
    """One author of a submission, in order. ``user`` is set once the address has an account."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    affiliation = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
    )
    is_contact = models.BooleanField(default=False)

    class Meta:
        ordering = ["submission", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "email"], name="author_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def upload_path(instance: "SubmissionFile", filename: str) -> str:
    # Never the author's file name: it may identify them or carry path components.
    ext = "zip" if filename.lower().endswith(".zip") else "pdf"
    return (
        f"submissions/{instance.submission.workshop_id}/{instance.submission_id}/"
        f"{instance.kind}-v{instance.version}.{ext}"
    )


class SubmissionFile(models.Model):
    """One uploaded version of a file. Versions are never overwritten or deleted."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=14, choices=FileKind, default=FileKind.PAPER)
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=upload_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Possible identity leaks found at upload (double-blind calls).",
    )

    class Meta:
        ordering = ["submission", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind", "version"], name="file_unique_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="file_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.get_kind_display()} v{self.version}"

    @property
    def is_pdf(self) -> bool:
        return not self.file.name.lower().endswith(".zip")


class PaperTag(models.Model):
    """A chair's private label on a submission ("needs-shepherd", "best-paper-shortlist").

    Tags belong to the workshop's chairs: only pages behind ``manage_submissions`` read them
    (the chairs' list, its search and bulk actions); author and reviewer pages never do.
    Changed through ``submissions.services.tags`` only.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="paper_tags"
    )
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "name"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="paper_tag_unique_name"),
        ]
        indexes = [models.Index(fields=["workshop", "name"])]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    TEXT = "text", "Text"
    CHOICE = "choice", "Choice"
    CHECKBOX = "checkbox", "Checkbox"
    URL = "url", "URL"


class FieldVisibility(models.TextChoices):
    REVIEWERS = "reviewers", "Reviewers and chairs"
    CHAIRS = "chairs", "Chairs only"


class SubmissionField(models.Model):
    """A question of a workshop's submission form beyond the fixed ones (e.g. "Is the first
    author a student?", "Link to code"); the authors always see their own answers.

    Locked once it has answers (``submissions.services.fields``); new fields can be added."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="submission_fields"
    )
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=FieldKind, default=FieldKind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        "who reads the answers besides the authors",
        max_length=10,
        choices=FieldVisibility,
        default=FieldVisibility.REVIEWERS,
    )
    required = models.BooleanField(
        default=False, help_text="Needed to submit the paper (a draft may leave it empty)."
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # A text/choice/checkbox/URL field has no score; the shared helpers read this.
    score_max = None

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FieldKind.values), name="submissionfield_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=FieldVisibility.values),
                name="submissionfield_visibility_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SubmissionFieldAnswer(models.Model):
    """The authors' answer to one submission field (values: ``workshops.custom_fields``)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="field_answers"
    )
    # PROTECT: a field with answers cannot be deleted, even outside the chairs' page.
    field = models.ForeignKey(SubmissionField, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()

    class Meta:
        ordering = ["field__order", "field_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "field"], name="submissionfieldanswer_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.text}"

    @property
    def text(self) -> str:
        from workshops.custom_fields import display

        return display(self.field, self.value)
