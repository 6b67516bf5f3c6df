"""Questions a workshop adds to its forms: custom review questions and submission fields.

Both kinds of question share the same life: a chair defines them (label, help text, kind,
choices, required or not, who may read the answers), forms build one field per question, an
answer is stored as a small JSON value, and a question with answers is locked (an answer never
loses its question). This module holds what they share: the kinds, the form field of a kind,
the conversion between form values and stored values, and the text shown for an answer.

Stored values by kind: text and URL a non-empty string, single choice one of the choices,
multiple choice a non-empty list of choices, checkbox ``True`` (unticked is no answer), score an
integer from 1 to the question's maximum. An empty answer is not stored at all.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.html import escape


class Kind(models.TextChoices):
    TEXT = "text", "Text"
    CHOICE = "choice", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    CHECKBOX = "checkbox", "Checkbox"
    SCORE = "score", "Score"
    URL = "url", "URL"


CHOICE_KINDS = {Kind.CHOICE, Kind.MULTIPLE}
MAX_CHOICES = 20
MAX_SCORE = 10
TEXT_MAX = 10000

LOCKED_MESSAGE = (
    "“{label}” already has answers: it can no longer be changed or deleted (the answers would "
    "lose their question). Nothing was changed. Add a new question instead."
)


def parse_choices(text: str) -> list[str]:
    """The choices typed one per line, blank lines and repeats dropped."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    return list(dict.fromkeys(line for line in lines if line))


def check_definition(kind: str, choices: list[str], score_max: int | None) -> dict:
    """Errors of a question's definition, by form field name."""
    errors = {}
    if kind in CHOICE_KINDS:
        if len(choices) < 2:
            errors["choices_text"] = "A choice question needs at least two choices."
        elif len(choices) > MAX_CHOICES:
            errors["choices_text"] = f"Use at most {MAX_CHOICES} choices."
        elif any(len(c) > 200 for c in choices):
            errors["choices_text"] = "A choice is at most 200 characters long."
    if kind == Kind.SCORE and not (score_max and 2 <= score_max <= MAX_SCORE):
        errors["score_max"] = f"A score goes from 1 to a maximum between 2 and {MAX_SCORE}."
    return errors


def form_field(question) -> forms.Field:
    """The form field answering ``question``; never required by the form itself (drafts may
    leave it empty: the service checks required answers when the form is submitted)."""
    # Help texts are printed as HTML by the field template: a chair's text is escaped.
    help_text = escape(question.help_text)
    if question.required:
        help_text = f"{help_text} (Required to submit.)".strip()
    common = {"label": question.label, "help_text": help_text, "required": False}
    kind = question.kind
    if kind == Kind.CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choices], widget=forms.RadioSelect, **common
        )
    if kind == Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choices],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == Kind.CHECKBOX:
        return forms.BooleanField(**common)
    if kind == Kind.SCORE:
        return forms.ChoiceField(
            choices=[(str(i), str(i)) for i in range(1, (question.score_max or 5) + 1)],
            widget=forms.RadioSelect,
            **common,
        )
    if kind == Kind.URL:
        return forms.URLField(max_length=500, assume_scheme="https", **common)
    return forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common)


def clean_value(question, raw):
    """The stored value of a form answer (``None``: no answer); ``ValidationError`` when the
    value does not fit the question (a choice that is not offered, a score out of range)."""
    kind = question.kind
    if kind == Kind.CHECKBOX:
        return True if raw in (True, "on", "true", "True", "1", 1) else None
    if kind == Kind.MULTIPLE:
        values = [v for v in (raw or []) if v]
        if not values:
            return None
        unknown = [v for v in values if v not in question.choices]
        if unknown:
            raise ValidationError(f"{question.label}: not one of the choices.")
        return [c for c in question.choices if c in values]
    if raw in (None, ""):
        return None
    if kind == Kind.CHOICE:
        if raw not in question.choices:
            raise ValidationError(f"{question.label}: not one of the choices.")
        return raw
    if kind == Kind.SCORE:
        try:
            level = int(raw)
        except (TypeError, ValueError):
            raise ValidationError(f"{question.label}: not a score.") from None
        top = question.score_max or 5
        if not 1 <= level <= top:
            raise ValidationError(f"{question.label}: choose a score from 1 to {top}.")
        return level
    text = str(raw).strip()
    if kind == Kind.URL:
        if not text.startswith(("http://", "https://")):
            raise ValidationError(f"{question.label}: give a web address (https://…).")
        return text[:500]
    return text[:TEXT_MAX] or None


def initial_value(question, value):
    """A stored value as the form field's initial value."""
    if value is None:
        return None
    if question.kind == Kind.SCORE:
        return str(value)
    return value


def display(question, value) -> str:
    """An answer as plain text (pages print it escaped; exports write it as a cell)."""
    if value is None or value == "" or value == []:
        return ""
    kind = question.kind
    if kind == Kind.CHECKBOX:
        return "Yes" if value else "No"
    if kind == Kind.MULTIPLE:
        return "; ".join(str(v) for v in value)
    if kind == Kind.SCORE:
        return f"{value}/{question.score_max}"
    return str(value)


class DefinitionFormMixin:
    """Chair forms of a question: ``choices_text`` one per line, checked with the kind."""

    def init_choices(self):
        self.fields["choices_text"] = forms.CharField(
            label="Choices",
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="For a choice question: one choice per line.",
            initial="\n".join(self.instance.choices or []),
        )
        # Right after the kind they belong to.
        names = [n for n in self.fields if n != "choices_text"]
        at = names.index("kind") + 1 if "kind" in names else len(names)
        names.insert(at, "choices_text")
        self.fields = {n: self.fields[n] for n in names}

    def clean(self):
        data = super().clean()
        choices = parse_choices(data.get("choices_text", ""))
        kind = data.get("kind")
        for name, message in check_definition(kind, choices, data.get("score_max")).items():
            self.add_error(name if name in self.fields else None, message)
        data["choices"] = choices if kind in CHOICE_KINDS else []
        return data

    def save(self, commit=True):
        self.instance.choices = self.cleaned_data["choices"]
        return super().save(commit)


def definition_changes(form) -> dict:
    """``{field: (before, after)}`` of a chair's question form, for the activity log."""
    changes = {}
    for name in form.changed_data:
        if name == "choices_text":
            changes["choices"] = (form.instance.choices or [], form.cleaned_data.get("choices"))
            continue
        changes[name] = (form.initial.get(name), form.cleaned_data.get(name))
    return changes


def record_definition(*, workshop, by, what: str, label: str, action: str, changes=None):
    """One activity entry (kind "settings") for a question added, changed or deleted."""
    from activity.models import Kind
    from activity.services import record

    record(
        workshop=workshop,
        kind=Kind.SETTINGS,
        action=f"{what.replace(' ', '_')}_{action}",
        actor=by,
        message=f"{what.capitalize()} “{label}” {action}",
        changes=changes,
    )


def save_definition(form, definition, *, by, what: str, refuse_if_locked):
    """Save a chair's ``form`` of a review question or submission field (``what``), logged;
    ``refuse_if_locked(definition)`` raises when it already has answers, and nothing is saved."""
    with transaction.atomic():
        if definition.pk:
            type(definition).objects.select_for_update().filter(pk=definition.pk).first()
            refuse_if_locked(definition)
        created = not definition.pk
        changes = definition_changes(form)
        saved = form.save()
        if created or changes:
            record_definition(
                workshop=saved.workshop,
                by=by,
                what=what,
                label=saved.label,
                action="added" if created else "changed",
                changes=changes,
            )
        return saved


def delete_definition(definition, *, by, what: str, refuse_if_locked) -> None:
    """Delete a question or field that has no answer yet, logged (same lock as the edit)."""
    with transaction.atomic():
        type(definition).objects.select_for_update().filter(pk=definition.pk).first()
        refuse_if_locked(definition)
        record_definition(
            workshop=definition.workshop, by=by, what=what, label=definition.label, action="deleted"
        )
        definition.delete()
