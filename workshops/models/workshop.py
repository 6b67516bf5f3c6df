import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..enums import AOE, AnnouncedLater, Anonymity, DateKind, Format, PresentationOutcome
from .fields import PolicyField


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("%(value)s is not a known time zone.", params={"value": value})


def validate_outcomes(value) -> None:
    if not isinstance(value, list) or any(v not in PresentationOutcome.values for v in value):
        choices = ", ".join(PresentationOutcome.values)
        raise ValidationError(f"Choose presentation outcomes from: {choices}.")


def validate_announced_later(value) -> None:
    if not isinstance(value, list) or any(v not in AnnouncedLater.values for v in value):
        choices = ", ".join(AnnouncedLater.values)
        raise ValidationError(f"Choose the sections announced later from: {choices}.")


class WorkshopQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_call_data(self):
        """Everything a workshop page shows, in a constant number of queries."""
        return self.prefetch_related(
            "dates",
            "submission_types",
            "criteria",
            "people",
            models.Prefetch("topics", queryset=Topic.objects.order_by("order", "pk")),
        )


class Workshop(models.Model):
    """One edition of a workshop and its call for papers."""

    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2200)],
        help_text="Empty when the call names no year.",
    )
    edition = models.CharField(
        max_length=40, blank=True, help_text='e.g. "2nd", shown as "the 2nd edition".'
    )
    slug = models.SlugField(max_length=80, unique=True)
    colocated_with = models.CharField(
        "co-located with", max_length=200, blank=True, help_text="e.g. ICLR 2023"
    )
    format = models.CharField(max_length=12, choices=Format, default=Format.IN_PERSON)
    venue = models.CharField(max_length=300, blank=True, help_text="City, country or venue.")
    timezone = models.CharField(
        "deadline time zone",
        max_length=64,
        default=AOE,
        validators=[validate_timezone],
        help_text="Deadlines are enforced in this zone; Etc/GMT+12 is Anywhere on Earth (UTC-12).",
    )
    tagline = models.CharField(max_length=300, blank=True)
    overview = models.TextField(blank=True, help_text="Markdown.")
    call_for_papers = models.TextField(blank=True, help_text="Markdown.")
    contact_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    submission_instructions = models.TextField(blank=True, help_text="Markdown.")
    template_latex_url = models.URLField("LaTeX template", blank=True)
    template_word_url = models.URLField("Word template", blank=True)
    camera_ready_instructions = models.TextField(
        blank=True, help_text="Markdown: what the call asks of the final version of a paper."
    )
    camera_ready_template_url = models.URLField("camera-ready template", blank=True)
    contact_note = models.TextField(
        blank=True,
        help_text="Markdown: who answers questions, as the call says (shown under Contact).",
    )
    announced_later = models.JSONField(
        "sections announced later",
        default=list,
        blank=True,
        validators=[validate_announced_later],
        help_text="Sections the call promises for later: the page shows them as “to be "
        "announced” until they have content.",
    )

    # Policies
    # A policy the call does not state is stored as such ("not stated", None) and not shown.
    anonymity = models.CharField(max_length=14, choices=Anonymity, default=Anonymity.DOUBLE_BLIND)
    is_archival = PolicyField(
        "archival", default=False, help_text="Accepted papers appear in official proceedings."
    )
    proceedings = models.CharField(max_length=200, blank=True, help_text="e.g. IEEE Xplore")
    dual_submission_allowed = PolicyField(default=True)
    code_of_conduct_url = models.URLField(blank=True)
    code_of_ethics_url = models.URLField(blank=True)
    presentation_outcomes = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_outcomes],
        help_text="How accepted papers are presented.",
    )
    max_pdf_size_mb = models.PositiveSmallIntegerField(
        "PDF size limit (MB)", default=20, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    max_supplement_size_mb = models.PositiveSmallIntegerField(
        "supplementary material size limit (MB)",
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )

    is_published = models.BooleanField(default=False, help_text="Listed and visible to everyone.")
    is_demo = models.BooleanField(
        default=False, help_text="A demonstration edition, not a real call."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on at every save of its edit page: a page loaded before refuses to "
        "overwrite it (workshops.concurrency).",
    )

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = [models.F("year").desc(nulls_last=True), "name"]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", kwargs={"slug": self.slug})

    @property
    def short_name(self) -> str:
        """ "BANDS 2023"; the name stands for a missing acronym, and a missing year is left out."""
        return " ".join(str(part) for part in (self.acronym or self.name, self.year) if part)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def timezone_label(self) -> str:
        return "AoE (UTC−12)" if self.timezone == AOE else self.timezone

    @property
    def is_double_blind(self) -> bool:
        """Only a stated double-blind policy asks authors to anonymize their paper."""
        return self.anonymity == Anonymity.DOUBLE_BLIND

    @property
    def hides_authors_from_reviewers(self) -> bool:
        """Whether reviewers must not learn who the authors are.

        A call that states no policy is treated as double-blind: anonymity is only given up
        when the call says so (single-blind or open review).
        """
        return self.anonymity in (Anonymity.DOUBLE_BLIND, Anonymity.NOT_STATED)

    @property
    def states_any_policy(self) -> bool:
        """Whether the call page has a policy to list (unstated ones are not shown)."""
        return bool(
            self.anonymity != Anonymity.NOT_STATED
            or self.is_archival is not None
            or self.dual_submission_allowed is not None
            or self.code_of_conduct_url
            or self.code_of_ethics_url
            or self.presentation_outcomes
        )

    @property
    def requires_dual_submission_statement(self) -> bool:
        """Only a call that forbids dual submission (not one that is silent) asks for it."""
        return self.dual_submission_allowed is False

    def date(self, kind: DateKind):
        """The date of ``kind`` or None; uses prefetched dates when present."""
        for date in self.dates.all():
            if date.kind == kind:
                return date
        return None

    @property
    def submission_deadline(self):
        date = self.date(DateKind.PAPER_SUBMISSION)
        return date.effective_at if date else None

    @property
    def abstract_deadline(self):
        date = self.date(DateKind.ABSTRACT_REGISTRATION)
        return date.effective_at if date else None

    @property
    def creation_deadline(self):
        """Until when a *new* submission may be started: the abstract deadline when there is one.

        Existing submissions may still be completed until the paper deadline.
        """
        paper, abstract = self.submission_deadline, self.abstract_deadline
        if paper and abstract:
            return min(paper, abstract)
        return paper

    def accepts_new_submissions(self, now=None) -> bool:
        deadline = self.creation_deadline
        return bool(self.is_published and deadline and (now or timezone.now()) <= deadline)

    def accepts_completions(self, now=None) -> bool:
        """Registered submissions may still be completed (PDF, details): until the paper deadline,
        which can be later than ``creation_deadline``."""
        deadline = self.submission_deadline
        return bool(self.is_published and deadline and (now or timezone.now()) <= deadline)

    def next_deadline(self, now=None):
        """The first date still ahead (a deadline or the workshop itself), or None."""
        now = now or timezone.now()
        upcoming = [d for d in self.dates.all() if d.effective_at and d.effective_at >= now]
        return min(upcoming, key=lambda d: d.effective_at, default=None)

    def announced_later_labels(self, *, present=()) -> list[tuple[str, str]]:
        """(key, title) of the sections announced later that have no content yet (``present``:
        the keys of the sections the page has content for)."""
        return [
            (key, AnnouncedLater(key).label)
            for key in AnnouncedLater.values
            if key in self.announced_later and key not in present
        ]

    def outcome_labels(self) -> list[str]:
        return [PresentationOutcome(v).label for v in self.presentation_outcomes]


from .call import Topic  # noqa: E402  (used by the queryset above)
