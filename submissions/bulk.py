"""Bulk actions on a selection of the chairs' submissions list.

An action is registered with :func:`register_action`; the submissions app registers adding
and removing a tag and the CSV export, the reviews app staging a decision and assigning a
reviewer (``reviews/bulk.py``). The view hands an action only papers the chair may manage
(``managed_by``: a conflicted chair's papers are never among them, whatever was posted), and
each action still goes through the app's own service, which checks its own rights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)  # paper numbers
    refused: list[str] = field(default_factory=list)  # one message per refused paper
    response: object = None  # an HttpResponse to send instead of a redirect (the export)


@dataclass(frozen=True)
class BulkAction:
    key: str
    label: str
    # run(request, workshop, submissions, cleaned_data) -> BulkResult
    run: Callable
    # fields(workshop, user) -> {name: form field}: the extra inputs this action reads
    fields: Callable = lambda workshop, user: {}
    # describe(cleaned_data) -> what the confirmation page says the action will do
    describe: Callable = lambda data: ""
    # clean(cleaned_data) -> raise ValidationError when the action's inputs are missing
    clean: Callable = lambda data: None
    confirm: bool = True
    done_message: str = "{n} paper(s) changed."


_actions: dict[str, BulkAction] = {}


def register_action(action: BulkAction) -> None:
    _actions[action.key] = action


def actions() -> list[BulkAction]:
    return list(_actions.values())


def get_action(key: str) -> BulkAction | None:
    return _actions.get(key)


class BulkForm(forms.Form):
    """The action select and every action's extra inputs (each optional here; the chosen
    action's ``clean`` says what it needs)."""

    action = forms.ChoiceField(label="With the selected papers")

    def __init__(self, *args, workshop, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Choose an action…")] + [
            (a.key, a.label) for a in actions()
        ]
        for action in actions():
            for name, extra in action.fields(workshop, user).items():
                extra.required = False
                self.fields.setdefault(name, extra)

    def clean(self):
        data = super().clean()
        action = get_action(data.get("action") or "")
        if action is not None:
            try:
                action.clean(data)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    @property
    def chosen(self) -> BulkAction | None:
        return get_action(self.cleaned_data.get("action") or "")

    def extra_fields(self):
        return [self[name] for name in self.fields if name != "action"]


# --- The submissions app's own actions ---------------------------------------------------------


def _tag_field(workshop, user):
    from .services.tags import TAG_HELP

    return {"tag": forms.CharField(label="Tag", max_length=60, help_text=TAG_HELP)}


def _clean_tag(data):
    from .services.tags import normalize_tag

    if not (data.get("tag") or "").strip():
        raise ValidationError("Type the tag to add or remove.")
    data["tag"] = normalize_tag(data["tag"])


def _add_tag(request, workshop, submissions, data):
    from .services.tags import add_tag

    add_tag(submissions, data["tag"], by=request.user)
    return BulkResult(done=[s.number for s in submissions])


def _remove_tag(request, workshop, submissions, data):
    from .services.tags import remove_tag

    remove_tag(submissions, data["tag"], by=request.user)
    return BulkResult(done=[s.number for s in submissions])


def _export(request, workshop, submissions, data):
    from .export import export_response

    return BulkResult(
        done=[s.number for s in submissions],
        response=export_response(workshop, submissions),
    )


register_action(
    BulkAction(
        key="tag_add",
        label="Add a tag",
        run=_add_tag,
        fields=_tag_field,
        clean=_clean_tag,
        describe=lambda data: f"Add the tag “{data['tag']}” to",
        done_message="Tag added to {n} paper(s).",
    )
)
register_action(
    BulkAction(
        key="tag_remove",
        label="Remove a tag",
        run=_remove_tag,
        fields=_tag_field,
        clean=_clean_tag,
        describe=lambda data: f"Remove the tag “{data['tag']}” from",
        done_message="Tag removed from {n} paper(s).",
    )
)
register_action(
    BulkAction(
        key="export",
        label="Export as CSV",
        run=_export,
        confirm=False,
        describe=lambda data: "Export",
    )
)
