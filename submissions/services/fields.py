"""Custom submission fields: answers checked and saved with the authors' form, required ones
needed to submit, shown by role, and the lock of a field once it has answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from workshops.custom_fields import (
    LOCKED_MESSAGE,
    clean_value,
    delete_definition,
    display,
    save_definition,
)

from .state import TransitionNotAllowed


class FieldLocked(TransitionNotAllowed):
    """The field has answers: it cannot change or be deleted."""


def fields_of(workshop) -> list:
    """The workshop's fields, through ``workshop.submission_fields.all()`` (prefetch used)."""
    return list(workshop.submission_fields.all())


def check_answers(fields, answers: dict) -> dict[int, object]:
    """{field id: stored value or None} of ``answers`` ({field id: form value})."""
    by_id = {f.pk: f for f in fields}
    if set(answers) - set(by_id):
        raise ValidationError("An answer refers to a field of another workshop.")
    return {fid: clean_value(by_id[fid], raw) for fid, raw in answers.items()}


def missing_fields(submission) -> list[str]:
    """Labels of the required fields the submission has not answered (prefetches used)."""
    fields = [f for f in fields_of(submission.workshop) if f.required]
    if not fields:
        return []
    answered = {a.field_id for a in submission.field_answers.all()}
    return [f.label for f in fields if f.pk not in answered]


def write_answers(submission, values: dict) -> bool:
    """Store ``values`` as the submission's answers; True when something changed."""
    from ..models import SubmissionFieldAnswer

    stored = {
        a.field_id: a
        for a in SubmissionFieldAnswer.objects.filter(submission=submission, field_id__in=values)
    }
    changed = False
    for fid, value in values.items():
        answer = stored.get(fid)
        if value is None:
            if answer is not None:
                answer.delete()
                changed = True
        elif answer is None:
            SubmissionFieldAnswer.objects.create(submission=submission, field_id=fid, value=value)
            changed = True
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])
            changed = True
    return changed


def shown_answers(submission, *, everything: bool) -> list[dict]:
    """The answers a reader may see, as ``{"field", "text"}``: authors and chairs see all
    (``everything``), reviewers only the fields shown to reviewers. Reads
    ``submission.field_answers`` and ``workshop.submission_fields`` through ``.all()``, so
    prefetches (``Submission.objects.for_lists()``) are used."""
    from ..models import FieldVisibility

    fields = {f.pk: f for f in fields_of(submission.workshop)}
    shown = []
    for answer in submission.field_answers.all():
        field = fields.get(answer.field_id)
        if field is None or not (everything or field.visibility == FieldVisibility.REVIEWERS):
            continue
        shown.append({"field": field, "text": display(field, answer.value)})
    shown.sort(key=lambda row: (row["field"].order, row["field"].pk))
    return shown


# --- The chairs' editor -----------------------------------------------------------------------


def _refuse_if_locked(field) -> None:
    if field.answers.exists():
        raise FieldLocked(LOCKED_MESSAGE.format(label=field.label))


def update_field(form, field, *, by=None):
    """Save the chair's ``form`` of ``field``; refused when it has answers (nothing saved)."""
    return save_definition(
        form, field, by=by, what="submission field", refuse_if_locked=_refuse_if_locked
    )


def delete_field(field, *, by=None) -> None:
    delete_definition(field, by=by, what="submission field", refuse_if_locked=_refuse_if_locked)
