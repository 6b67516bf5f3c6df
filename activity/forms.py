"""The log's filter: a GET form, every value checked (an unknown value is ignored)."""

from __future__ import annotations

from django import forms

from .models import Kind


class LogFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, label="Kind")
    person = forms.TypedChoiceField(required=False, label="Person", coerce=int, empty_value=None)
    paper = forms.IntegerField(required=False, min_value=1, label="Paper number")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any")] + list(Kind.choices)
        self.fields["person"].choices = [("", "Anyone")] + [(str(pk), n) for pk, n in people]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return data

    @property
    def values(self) -> dict:
        """The valid filters (none when the form has errors)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "actor": data.get("person"),
            "paper": data.get("paper"),
            "since": data.get("since"),
            "until": data.get("until"),
        }
