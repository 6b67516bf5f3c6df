"""Before/after values of a form's save, for the log: the fields a chair changed and the rows
of a formset added, changed or removed. Read before the save (``form_changes``,
``formset_changes``); long texts are shortened so an entry stays readable."""

from __future__ import annotations

from django.forms import ModelChoiceField, ModelMultipleChoiceField

LIMIT = 200


def shorten(value):
    """A value as the log stores it: model instances by name, long texts cut."""
    if hasattr(value, "all") and callable(value.all):  # a queryset or many-to-many list
        value = [str(v) for v in value.all()]
    elif isinstance(value, list | tuple | set):
        value = [str(v) if hasattr(v, "_meta") else v for v in value]
    elif hasattr(value, "_meta"):
        value = str(value)
    if isinstance(value, str) and len(value) > LIMIT:
        return value[: LIMIT - 1] + "…"
    return value


def _label(form, name) -> str:
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else name.replace("_", " ")


def form_changes(form, *, prefix: str = "") -> dict:
    """``{field label: (before, after)}`` of a bound, valid form's changed fields (the
    version counter left out)."""
    changes = {}
    for name in form.changed_data:
        if name == "version":
            continue
        before = form.initial.get(name)
        field = form.fields.get(name)
        if isinstance(field, ModelChoiceField) and not isinstance(field, ModelMultipleChoiceField):
            if before is not None and not hasattr(before, "_meta"):  # a key: name the row
                before = field.queryset.filter(pk=before).first()
        after = form.cleaned_data.get(name)
        key = f"{prefix}{_label(form, name)}"
        if shorten(before) != shorten(after):
            changes[key] = (shorten(before), shorten(after))
    return changes


def formset_changes(formset, *, label: str) -> dict:
    """Rows added, changed (field by field) and removed, keyed "label: row"."""
    changes = {}
    deleted = set(id(f) for f in getattr(formset, "deleted_forms", []))
    for form in formset.forms:
        instance = form.instance
        exists = instance is not None and instance.pk is not None
        # The instance holds the posted values already: the row is named as it was saved.
        saved = _saved(instance) if exists and (id(form) in deleted or form.has_changed()) else None
        if id(form) in deleted:
            if exists:
                changes[f"{label}: {shorten(str(saved))}"] = (shorten(str(saved)), None)
            continue
        if not form.has_changed():
            continue
        if not exists:
            values = {
                _label(form, k): shorten(v)
                for k, v in form.cleaned_data.items()
                if k not in ("id", "DELETE", "workshop", "ORDER") and v not in (None, "", [])
            }
            changes[f"{label}: new row {len(changes) + 1}"] = (None, values)
            continue
        changes.update(form_changes(form, prefix=f"{label}: {shorten(str(saved))}: "))
    return changes


def _saved(instance):
    """The row as it is in the database (one query; only for rows that changed)."""
    return type(instance)._default_manager.filter(pk=instance.pk).first() or instance
