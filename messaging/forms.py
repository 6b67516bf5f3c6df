import uuid

from django import forms
from django.core.exceptions import ValidationError

from .models import Group
from .services import COMMON, PAPER, REVIEWER, validate_texts


def _names(placeholders) -> str:
    return ", ".join("{" + p + "}" for p in placeholders)


class ComposeForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    group = forms.ChoiceField(label="To", choices=[("", "— choose a group —"), *Group.choices])
    picked = forms.MultipleChoiceField(
        label="Hand-picked recipients (for “A hand-picked list”)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            f"Placeholders for everyone: {_names(COMMON)}. Authors' mail also: "
            f"{_names(PAPER)} (one e-mail per paper then). Reviewers' mail also: "
            f"{_names(REVIEWER)}. Write {{{{ and }}}} for literal braces."
        ),
    )

    def __init__(self, *args, pickable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["picked"].choices = list(pickable)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())

    def clean(self):
        data = super().clean()
        group = data.get("group")
        if group and "subject" in data and "body" in data:
            try:
                validate_texts(group, data["subject"], data["body"])
            except ValidationError as exc:
                self.add_error("body", exc)
        if group == Group.PICKED and not data.get("picked"):
            self.add_error("picked", "Pick at least one person.")
        return data
