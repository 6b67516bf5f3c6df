"""Optimistic concurrency for edit pages: a version number, checked when the page is saved.

Every edited row carries ``version`` (a positive integer, 1 when created). An edit page sends
the version it showed in a hidden field (``VersionedFormMixin``). Its service claims the row
with one atomic compare-and-set (``claim``)::

    UPDATE ... SET version = version + 1 WHERE id = %s AND version = %s

One row updated: nobody saved since the page was loaded, the row now stays locked by this
transaction until it commits, and the save goes on. No row updated: someone saved in between;
the service raises :class:`EditConflict` before writing anything, and its transaction (files
included) is rolled back. The page is shown again with what the user typed, a field-by-field
comparison with the saved version and the new version number, so a deliberate second save goes
through.

Version 0 stands for "no row yet" (a review, decision or e-mail template not written so far).
A form posted without the field (a script, a page cached before versions existed) is saved
unchecked, as before, and still moves the version on, so others' pages notice it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.forms.models import model_to_dict


class EditConflict(Exception):
    """Someone saved the row after this page was loaded; nothing of this save was written.

    ``version`` is the version now saved (0: the row no longer exists), ``saved_by`` who saved
    it when known (as the person refused may see them named), ``saved_at`` when.
    """

    def __init__(
        self,
        message: str = "",
        *,
        version: int = 0,
        saved_by: str = "",
        saved_at: dt.datetime | None = None,
        current=None,
    ):
        self.version = version
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.current = current
        self.changes: list[FieldChange] = []
        self.notes: list[str] = []
        super().__init__(
            message or "Someone saved this page after you opened it: your changes were not saved."
        )

    @property
    def message(self) -> str:
        return str(self)


@dataclass
class FieldChange:
    label: str
    yours: str
    saved: str


def claim(model: type[models.Model], pk, expected: int | None, *, move_on=True) -> int | None:
    """Move the row's version on by one if it still is ``expected``; the new version, or None
    when another save came first (or the row is gone). ``expected`` None: no check, the version
    moves on anyway. Call inside a transaction: the row stays locked until it ends.

    ``move_on=False`` only checks and locks (``SET version = version``), for a save that turns
    out to change nothing; :func:`bump` moves the version on once it does."""
    rows = model._default_manager.filter(pk=pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if rows.update(version=F("version") + 1 if move_on else F("version")) != 1:
        return None
    return model._default_manager.filter(pk=pk).values_list("version", flat=True).get()


def bump(model: type[models.Model], pk) -> int:
    """Move the version on after a change made outside an edit page (a phase moved by the
    calendar, a release), or after a checked save found changes; returns the new version.
    Pages opened before then refuse to write their old values back."""
    model._default_manager.filter(pk=pk).update(version=F("version") + 1)
    return model._default_manager.filter(pk=pk).values_list("version", flat=True).get()


# --- Forms ---------------------------------------------------------------------------------


class VersionedFormMixin:
    """Adds the hidden ``version`` field: the version the page showed.

    ``version=`` sets it for a new form; a model form takes its instance's by default (0 for
    an unsaved instance). After a refused save, :meth:`refuse` keeps the user's input, puts the
    saved version in the hidden field and lists what differs (``edit_conflict``).
    """

    # Fields never compared: tokens, files (never shown again by a browser) and the version.
    conflict_skip: tuple[str, ...] = ("version", "form_token", "confirm_warnings")

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=0
        )
        if version is None:
            instance = getattr(self, "instance", None)
            version = getattr(instance, "version", 0) if instance is not None and instance.pk else 0
        self.initial.setdefault("version", version)
        self.edit_conflict: EditConflict | None = None

    @property
    def loaded_version(self) -> int | None:
        """The version the page was loaded with; None when the post did not say."""
        return self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None

    def save_versioned(self, *, message: str = "", find=None):
        """Save a model form through :func:`claim`; raise :class:`EditConflict` (nothing
        written) when the row moved on since the page was loaded.

        An unsaved instance is created, unless ``find()`` (the row a unique constraint
        matches) shows someone created it meanwhile."""
        instance = self.instance
        model = type(instance)
        with transaction.atomic():
            if instance.pk is None:
                existing = find() if find is not None else None
                if existing is None and not self.loaded_version:
                    try:
                        with transaction.atomic():
                            return self.save()
                    except IntegrityError:
                        existing = find() if find is not None else None
                        if existing is None:
                            raise
                raise conflict_with(existing, message)
            # A save that changes nothing keeps the version: other open pages stay valid.
            claimed = claim(model, instance.pk, self.loaded_version, move_on=self.has_changed())
            if claimed is None:
                raise conflict_with(model._default_manager.filter(pk=instance.pk).first(), message)
            instance.version = claimed
            return self.save()

    def refuse(self, conflict: EditConflict, saved: dict) -> EditConflict:
        """Show ``conflict``: compare what was typed with ``saved`` (field name → the saved
        value, in the form's terms) and carry the saved version for a deliberate resave."""
        conflict.changes = form_changes(self, saved, skip=self.conflict_skip)
        data = self.data.copy()
        data[self.add_prefix("version")] = str(conflict.version)
        self.data = data
        self.edit_conflict = conflict
        return conflict


def conflict_with(current, message: str = "") -> EditConflict:
    """The refusal of a save loaded before ``current`` (None: the row is gone), dated by its
    ``updated_at``."""
    return EditConflict(
        message,
        version=getattr(current, "version", 0),
        saved_at=getattr(current, "updated_at", None),
        current=current,
    )


def saved_values(form, current) -> dict:
    """``current`` (a saved row) in the terms of the model ``form``."""
    if current is None:
        return {}
    return model_to_dict(current, fields=list(form.fields))


def form_changes(form, saved: dict, *, skip=()) -> list[FieldChange]:
    """The fields of a bound ``form`` whose typed value differs from ``saved``, both written
    out for people (choice labels, yes/no, "(empty)")."""
    changes = []
    for name, field_ in form.fields.items():
        if name in skip or name not in saved or isinstance(field_, forms.FileField):
            continue
        bound = form[name]
        initial = saved[name]
        try:
            changed = field_.has_changed(initial, bound.data)
        except Exception:  # noqa: BLE001 — an unparsable value counts as different
            changed = True
        if changed:
            changes.append(
                FieldChange(
                    label=str(bound.label),
                    yours=describe(field_, bound.value()),
                    saved=describe(field_, field_.prepare_value(initial)),
                )
            )
    return changes


def describe(field_, value) -> str:
    """A form value as the page would show it."""
    if isinstance(field_, forms.BooleanField):
        return "yes" if value in (True, "on", "true", "True", "1") else "no"
    if isinstance(value, list | tuple | set):
        values = [str(v) for v in value]
    elif value in (None, ""):
        values = []
    else:
        values = [str(value)]
    choices = getattr(field_, "choices", None)
    if choices is not None:
        labels = {str(k): str(v) for k, v in _flat(choices)}
        values = [labels.get(v, v) for v in values]
    return ", ".join(values) if values else "(empty)"


def _flat(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat(label)
        else:
            yield key, label
