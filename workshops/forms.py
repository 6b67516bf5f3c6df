"""Forms of the chair pages: the workshop itself and the inline formsets of its call."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import BaseInlineFormSet, inlineformset_factory

from .concurrency import VersionedFormMixin, claim, conflict_with
from .enums import AOE, AnnouncedLater, DateKind, PresentationOutcome
from .formsets import CheckedManagementFormMixin
from .models import (
    ImportantDate,
    Person,
    ReviewCriterion,
    SubmissionType,
    Topic,
    Workshop,
)
from .services import date_order_errors, end_of_day

MAX_PHOTO_BYTES = 2 * 1024 * 1024
NESTING_MESSAGE = "Topics nest one level deep only: a sub-topic cannot have sub-topics."


@functools.cache
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, Anywhere on Earth first, then UTC, then the rest by name."""
    first = [(AOE, "AoE — Anywhere on Earth (UTC−12)"), ("UTC", "UTC")]
    rest = sorted(
        tz
        for tz in zoneinfo.available_timezones()
        if tz not in {AOE, "UTC"} and not tz.startswith(("posix/", "right/"))
    )
    return first + [(tz, tz.replace("_", " ")) for tz in rest]


def is_known_timezone(name: str | None) -> bool:
    return bool(name) and name in dict(timezone_choices())


class LocalDateTimeField(forms.Field):
    """A date and time typed in a workshop's time zone, cleaned to an aware UTC datetime.

    Accepts ``2026-03-06 14:00`` (seconds optional, ``T`` allowed as separator) and, when
    ``allow_date_only``, a bare date ``2026-03-06``, meaning 23:59:59 that day: a deadline "on
    March 6" closes at the end of March 6 in the workshop's zone. Shows stored values back in the
    same zone, an end-of-day time as the bare date.
    """

    widget = forms.TextInput
    input_formats = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
    default_error_messages = {
        "invalid": "Enter a date such as 2026-03-06, or a date and time such as 2026-03-06 14:00.",
        "invalid_time": "Enter a date and time such as 2026-03-06 14:00.",
    }

    def __init__(self, *, tz: dt.tzinfo | None = None, allow_date_only: bool = True, **kwargs):
        self.tz = tz or zoneinfo.ZoneInfo(AOE)
        self.allow_date_only = allow_date_only
        super().__init__(**kwargs)
        placeholder = "YYYY-MM-DD or YYYY-MM-DD HH:MM" if allow_date_only else "YYYY-MM-DD HH:MM"
        self.widget.attrs.update({"placeholder": placeholder, "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, dt.datetime):
            local = value.astimezone(self.tz)
            if self.allow_date_only and local.time() == dt.time(23, 59, 59):
                return local.date().isoformat()
            return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
        return value

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value
        value = (value or "").strip()
        if not value:
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None:
            if not self.allow_date_only:
                raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
            return end_of_day(day, self.tz).astimezone(dt.UTC)
        for fmt in self.input_formats:
            try:
                naive = dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            return naive.replace(tzinfo=self.tz).astimezone(dt.UTC)
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def formfield(model_field, **kwargs):
    """Model fields to form fields, with web addresses typed without a scheme read as https."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class ZonedFormMixin:
    """Gives the form's ``LocalDateTimeField``s the workshop's zone (``tz`` keyword)."""

    def __init__(self, *args, tz: dt.tzinfo | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField) and tz is not None:
                field.tz = tz


class WorkshopForm(VersionedFormMixin, forms.ModelForm):
    """Every field of a workshop, grouped as the edit page shows them (``sections``)."""

    sections = [
        ("Workshop", ["name", "acronym", "year", "edition", "slug", "tagline", "is_demo"]),
        ("Where and when", ["colocated_with", "format", "venue", "timezone"]),
        (
            "Texts (Markdown)",
            ["overview", "call_for_papers", "submission_instructions", "camera_ready_instructions"],
        ),
        (
            "Policies",
            [
                "anonymity",
                "is_archival",
                "proceedings",
                "dual_submission_allowed",
                "code_of_conduct_url",
                "code_of_ethics_url",
                "presentation_outcomes",
            ],
        ),
        ("Files", ["max_pdf_size_mb", "max_supplement_size_mb"]),
        (
            "Contact and templates",
            [
                "contact_email",
                "website",
                "contact_note",
                "template_latex_url",
                "template_word_url",
                "camera_ready_template_url",
            ],
        ),
        ("Announced later", ["announced_later"]),
        ("Publication", ["is_published"]),
    ]

    timezone = forms.ChoiceField(
        label="Deadline time zone",
        choices=timezone_choices,
        initial=AOE,
        error_messages={
            "invalid_choice": "“%(value)s” is not a known time zone. Choose one from the list "
            "(AoE is Anywhere on Earth, UTC−12)."
        },
        help_text="Dates are entered and shown in this zone. AoE is the usual choice for calls.",
    )
    presentation_outcomes = forms.MultipleChoiceField(
        label="Presentation outcomes",
        choices=PresentationOutcome.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="How accepted papers are presented; shown as “a poster or a talk”.",
    )
    announced_later = forms.MultipleChoiceField(
        label="Sections announced later",
        choices=AnnouncedLater.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Sections the call promises for later (“Speakers: coming soon”): the page "
        "shows them as to be announced until they have content.",
    )

    class Meta:
        model = Workshop
        formfield_callback = formfield
        fields = [
            "name",
            "acronym",
            "year",
            "edition",
            "slug",
            "tagline",
            "is_demo",
            "colocated_with",
            "format",
            "venue",
            "timezone",
            "overview",
            "call_for_papers",
            "submission_instructions",
            "camera_ready_instructions",
            "anonymity",
            "is_archival",
            "proceedings",
            "dual_submission_allowed",
            "code_of_conduct_url",
            "code_of_ethics_url",
            "presentation_outcomes",
            "max_pdf_size_mb",
            "max_supplement_size_mb",
            "contact_email",
            "website",
            "template_latex_url",
            "template_word_url",
            "camera_ready_template_url",
            "contact_note",
            "announced_later",
            "is_published",
        ]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 8}),
            "call_for_papers": forms.Textarea(attrs={"rows": 12}),
            "submission_instructions": forms.Textarea(attrs={"rows": 6}),
            "camera_ready_instructions": forms.Textarea(attrs={"rows": 4}),
            "contact_note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "slug": (
                "The end of the workshop's address, as in /w/bands-2023/: lower-case letters, "
                "digits and hyphens."
            ),
            "code_of_conduct_url": "Authors must acknowledge it when they submit.",
            "code_of_ethics_url": "Authors must acknowledge it when they submit.",
        }
        error_messages = {
            "slug": {"unique": "Another workshop already uses this address; choose another slug."}
        }

    def grouped(self):
        """(legend, bound fields) per section, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.sections]


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "parent", "order"]

    def __init__(self, *args, workshop: Workshop | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Topic.objects.none()
        if workshop is not None and workshop.pk:
            parents = Topic.objects.filter(workshop=workshop, parent__isnull=True)
            if self.instance.pk:
                parents = parents.exclude(pk=self.instance.pk)
        field = self.fields["parent"]
        field.queryset = parents
        field.required = False
        field.empty_label = "— none (top-level topic) —"
        field.help_text = "Only top-level topics can have sub-topics."
        field.error_messages["invalid_choice"] = (
            "Choose a top-level topic of this workshop. " + NESTING_MESSAGE
        )


class BaseCallFormSet(CheckedManagementFormMixin, BaseInlineFormSet):
    """The rows of the call (dates, topics...) on the edit page."""


class BaseTopicFormSet(BaseCallFormSet):
    """Topics with their parent restricted to this workshop's top-level topics.

    Also refuses what a single form cannot see: putting a topic under one that this same
    submission turns into a sub-topic, or keeping a sub-topic whose parent is deleted.
    """

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "workshop": self.instance}

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        deleted = {
            f.instance.pk for f in self.forms if f.instance.pk and self._should_delete_form(f)
        }
        becoming_subtopics = {
            f.instance.pk for f in kept if f.instance.pk and f.cleaned_data.get("parent")
        }
        errors = []
        for form in kept:
            parent = form.cleaned_data.get("parent")
            name = form.cleaned_data.get("name")
            if parent is not None and parent.pk in becoming_subtopics:
                errors.append(
                    f"“{name}” cannot go under “{parent}”, which becomes a sub-topic itself. "
                    + NESTING_MESSAGE
                )
            if parent is not None and parent.pk in deleted:
                errors.append(f"“{name}” is kept but its parent topic “{parent}” is deleted.")
        if errors:
            raise ValidationError(errors)


class ImportantDateForm(ZonedFormMixin, forms.ModelForm):
    original_at = LocalDateTimeField(
        label="Date", required=False, help_text="Empty means TBD. A bare date means 23:59:59."
    )
    extended_at = LocalDateTimeField(
        label="Extended to", required=False, help_text="Must be later than the date."
    )

    class Meta:
        model = ImportantDate
        fields = ["kind", "original_at", "extended_at", "note"]


class BaseImportantDateFormSet(BaseCallFormSet):
    """Dates of a call; one extra row per kind not yet set, and the order of kinds enforced."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        present = {date.kind for date in self.get_queryset()}
        self.extra = max(1, len(DateKind) - len(present))

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        dates = [
            (form.cleaned_data["kind"], form.instance.effective_at)
            for form in self.forms
            if form.cleaned_data.get("kind") and not self._should_delete_form(form)
        ]
        errors = date_order_errors(dates, workshop=self.instance)
        if errors:
            raise ValidationError(errors)


class SubmissionTypeForm(forms.ModelForm):
    page_limit = forms.IntegerField(
        min_value=1,
        max_value=1000,
        error_messages={"min_value": "The page limit must be at least 1 page."},
    )

    class Meta:
        model = SubmissionType
        fields = [
            "name",
            "description",
            "page_limit",
            "references_excluded",
            "appendices_excluded",
            "extra_pages_allowance",
            "order",
        ]


class ScaleField(forms.CharField):
    """A review scale typed one level per line, lowest first; cleaned to a list of labels."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) < 2:
            raise ValidationError("A scale needs at least two levels, one per line.")
        if len(set(value)) != len(value):
            raise ValidationError("Each level of a scale needs its own label.")

    def has_changed(self, initial, data):
        return self.to_python(self.prepare_value(initial) or "") != self.to_python(data or "")


class ReviewCriterionForm(forms.ModelForm):
    scale = ScaleField(
        label="Scale",
        help_text="One level per line, lowest first (e.g. Poor, Fair, Good, Very good, Excellent).",
    )

    class Meta:
        model = ReviewCriterion
        fields = ["name", "description", "scale", "order"]


CRITERIA_LOCKED_MESSAGE = (
    "Reviews have been submitted, so the review criteria and their scales can no longer "
    "change (the scores already given would lose their meaning). Your changes to the criteria "
    "were not saved; nothing else was saved either."
)
CRITERIA_LOCKED_HELP = (
    "Reviews have been submitted: the criteria are read-only (the scores already given would "
    "lose their meaning)."
)


def criteria_locked(workshop) -> bool:
    """Whether the reviews app reports ``workshop``'s criteria as locked (a review was
    submitted). Imported lazily, so the workshops app works without the reviews app."""
    from django.apps import apps

    if workshop is None or workshop.pk is None or not apps.is_installed("reviews"):
        return False
    try:
        from reviews.services.reviewing import criteria_locked as reviews_criteria_locked
    except ImportError:  # pragma: no cover - an older reviews app without the rule
        return False
    return reviews_criteria_locked(workshop)


class BaseReviewCriterionFormSet(BaseCallFormSet):
    """The criteria; read-only once reviews exist: every field disabled, no blank rows, no
    deletion, and a post that tries to change, add or delete a criterion is refused."""

    EDITABLE = ("name", "description", "scale", "order")

    def __init__(self, data=None, files=None, instance=None, **kwargs):
        self.locked = criteria_locked(instance)
        if self.locked:
            self.extra = 0
            self.can_delete = False
        super().__init__(data, files, instance=instance, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.locked:
            for name in self.EDITABLE:
                if name in form.fields:
                    form.fields[name].disabled = True
        return form

    def attempted_changes(self) -> bool:
        """Whether the posted data would change the stored criteria. Disabled fields ignore
        what is posted, and browsers do not post them; a crafted or stale page might."""
        if not self.is_bound:
            return False
        stored = {str(c.pk): c for c in self.get_queryset()}
        total = self.total_form_count()
        for i in range(total):
            prefix = self.add_prefix(i)
            if self.data.get(f"{prefix}-DELETE"):
                return True
            criterion = stored.get(str(self.data.get(f"{prefix}-id", "")))
            probe = ReviewCriterionForm(self.data, prefix=prefix, instance=criterion)
            posted = [n for n in self.EDITABLE if probe.add_prefix(n) in self.data]
            if criterion is None:
                if any(str(self.data.get(probe.add_prefix(n), "")).strip() for n in posted):
                    return True
            elif any(n in probe.changed_data for n in posted):
                return True
        return False

    def clean(self):
        super().clean()
        if self.locked and self.attempted_changes():
            raise ValidationError(CRITERIA_LOCKED_MESSAGE, code="criteria_locked")

    def save(self, commit=True):
        if self.locked:
            return []
        return super().save(commit=commit)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        formfield_callback = formfield
        fields = ["role", "name", "title", "affiliation", "website", "photo", "talk_title", "order"]
        widgets = {"photo": forms.ClearableFileInput(attrs={"accept": "image/*"})}
        help_texts = {"talk_title": "For invited speakers.", "photo": "A square image, up to 2 MB."}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
            raise ValidationError("The photo is too large: at most 2 MB.")
        return photo


# Rows a formset of the call may hold. A posted TOTAL_FORMS above it is refused with a form
# error (Django's ``absolute_max``) instead of building and rendering back thousands of forms.
MAX_ROWS = 200


def _formset(model, form, formset=None, extra=2):
    return inlineformset_factory(
        Workshop,
        model,
        form=form,
        formset=formset or BaseCallFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
    )


TopicFormSet = _formset(Topic, TopicForm, BaseTopicFormSet, extra=3)
ImportantDateFormSet = _formset(ImportantDate, ImportantDateForm, BaseImportantDateFormSet)
SubmissionTypeFormSet = _formset(SubmissionType, SubmissionTypeForm)
ReviewCriterionFormSet = _formset(ReviewCriterion, ReviewCriterionForm, BaseReviewCriterionFormSet)
PersonFormSet = _formset(Person, PersonForm, extra=3)

# (prefix, formset class, heading, help) of the call's formsets.
CALL_FORMSETS = [
    ("dates", ImportantDateFormSet, "Important dates", "Dates are in the workshop's time zone."),
    ("topics", TopicFormSet, "Topics", "Save new topics first to nest sub-topics under them."),
    ("types", SubmissionTypeFormSet, "Submission types", "Each with its page limit."),
    ("criteria", ReviewCriterionFormSet, "Review criteria", "What reviewers score."),
    ("people", PersonFormSet, "People", "Organizers, invited speakers and panelists."),
]


def call_formset(workshop: Workshop, prefix: str, data=None, files=None, *, tz=None):
    """One formset of the call (``prefix`` from ``CALL_FORMSETS``), bound when ``data`` is
    given. Dates and times are read and shown in ``tz``, by default the workshop's zone."""
    _prefix, formset_class, heading, help_text = next(
        spec for spec in CALL_FORMSETS if spec[0] == prefix
    )
    tz = tz or zoneinfo.ZoneInfo(workshop.timezone)
    formset = formset_class(
        data,
        files,
        instance=workshop,
        prefix=prefix,
        form_kwargs={"tz": tz} if prefix == "dates" else {},
    )
    formset.heading, formset.help_text = heading, help_text
    if getattr(formset, "locked", False):
        formset.help_text = CRITERIA_LOCKED_HELP
    return formset


def call_formsets(workshop: Workshop, data=None, files=None) -> list:
    """Every formset of the call, bound when ``data`` is given.

    Dates are read in the time zone being submitted (so a form with the workshop's fields
    and its dates can switch zone and type dates in the new one), else in the workshop's.
    """
    tz_name = (data or {}).get("timezone") if data is not None else None
    tz = zoneinfo.ZoneInfo(tz_name if is_known_timezone(tz_name) else workshop.timezone)
    return [call_formset(workshop, prefix, data, files, tz=tz) for prefix, *_ in CALL_FORMSETS]


# --- The edit page, in sections ------------------------------------------------------------


class SectionForm(WorkshopForm):
    """Base of every section of the edit page: the workshop fields of one section (none for a
    section that is only a formset), saved with the section's formset in one transaction.

    Every section posts one of these, so a rule for every section (such as an edit-conflict
    check on a hidden field) goes here, once.
    """

    section_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.section_fields and name != "version":
                del self.fields[name]

    def grouped(self):
        groups = [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.sections
        ]
        return [(legend, fields) for legend, fields in groups if fields]

    @property
    def has_workshop_fields(self) -> bool:
        return bool(self.section_fields)

    def save_section(self, formset=None, *, by=None, title: str = ""):
        """Save this section (its workshop fields, then its formset) atomically; the caller
        has validated both. Other sections' fields and rows are not touched.

        A compare-and-set on the workshop's version comes first: when the call was saved (in
        any section, by another chair or in another tab) after this page was loaded, nothing
        is written and :class:`EditConflict` is raised."""
        changed = (self.has_workshop_fields and self.has_changed()) or (
            formset is not None and formset.has_changed()
        )
        with transaction.atomic():
            claimed = claim(Workshop, self.instance.pk, self.loaded_version, move_on=changed)
            if claimed is None:
                raise conflict_with(
                    Workshop.objects.filter(pk=self.instance.pk).first(),
                    "The call was saved by someone else (or in another tab) after you opened "
                    "this page: nothing of your changes was saved.",
                )
            self.instance.version = claimed
            # Before/after of every changed field and row, for the activity log.
            from activity.diffs import form_changes, formset_changes

            changes = form_changes(self) if self.has_workshop_fields else {}
            if formset is not None:
                changes.update(formset_changes(formset, label=title or formset.prefix))
            workshop = self.save() if self.has_workshop_fields else self.instance
            if formset is not None:
                formset.save()
            if changes:
                from activity.models import Kind
                from activity.services import record

                record(
                    workshop=workshop,
                    kind=Kind.SETTINGS,
                    action="call_edited",
                    actor=by,
                    message=f"Call edited: {title or 'section'}",
                    changes=changes,
                )
        return workshop


# The policies have their own section; every other field of the workshop is a basic.
POLICY_FIELDS = (
    "anonymity",
    "is_archival",
    "proceedings",
    "dual_submission_allowed",
    "code_of_conduct_url",
    "code_of_ethics_url",
    "presentation_outcomes",
)


class BasicsSectionForm(SectionForm):
    section_fields = tuple(f for f in WorkshopForm.Meta.fields if f not in POLICY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].help_text = (
            "Dates are entered and shown in this zone. AoE is the usual choice for calls. "
            "Changing it keeps every date at the same instant, shown in the new zone."
        )


class PoliciesSectionForm(SectionForm):
    section_fields = POLICY_FIELDS


@dataclass(frozen=True)
class CallSection:
    """One section of the edit page: its address (``key``), title, form and formset."""

    key: str
    title: str
    form_class: type[SectionForm] = SectionForm
    formset: str | None = None  # a prefix of CALL_FORMSETS
    # A section edited on a page of its own (the program's builder): the URL name, taking
    # the workshop's slug, that the section's link leads to.
    url_name: str | None = None

    def build(self, workshop: Workshop, data=None, files=None):
        form = self.form_class(data, files, instance=workshop)
        formset = call_formset(workshop, self.formset, data, files) if self.formset else None
        return form, formset


CALL_SECTIONS = [
    CallSection("basics", "Call text and basics", BasicsSectionForm),
    CallSection("dates", "Dates", formset="dates"),
    CallSection("types", "Submission types", formset="types"),
    CallSection("topics", "Topics", formset="topics"),
    CallSection("policies", "Policies", PoliciesSectionForm),
    CallSection("criteria", "Review criteria", formset="criteria"),
    CallSection("people", "People", formset="people"),
    CallSection("program", "Program", url_name="program:manage"),
]


def call_section(key: str | None) -> CallSection | None:
    """The section named ``key`` (the first one for ``None``), or ``None`` if unknown."""
    if key is None:
        return CALL_SECTIONS[0]
    return next((section for section in CALL_SECTIONS if section.key == key), None)
