"""The log's filter: a GET form, every value checked (an unknown value is ignored)."""

from __future__ import annotations

import datetime as dt

from django import forms

from .models import Kind

# The days a log may be filtered on: beyond them, the day's bounds in the workshop's zone
# overflow Python's datetime (a 500 before this check).
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(9998, 12, 31)


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

    def _day(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                f"Give a day between {FIRST_DAY:%d %B %Y} and {LAST_DAY:%d %B %Y}."
            )
        return day

    def clean_since(self):
        return self._day("since")

    def clean_until(self):
        return self._day("until")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return data

    @property
    def values(self) -> dict:
        """The valid filters: a field with an error (shown on the form) filters nothing."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "actor": data.get("person"),
            "paper": data.get("paper"),
            "since": data.get("since"),
            "until": data.get("until"),
        }
