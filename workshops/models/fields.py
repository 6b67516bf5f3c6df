"""Model fields shared by the workshop models."""

from django import forms
from django.db import models


class PolicySelect(forms.NullBooleanSelect):
    """Yes / No / Not stated, for a policy a call may leave unsaid.

    Also reads "on", the value the form posted while these policies were checkboxes.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Not stated"), ("true", "Yes"), ("false", "No")]

    def value_from_datadict(self, data, files, name):
        if data.get(name) == "on":
            return True
        return super().value_from_datadict(data, files, name)


class PolicyField(models.BooleanField):
    """A yes/no policy of the call; ``None`` when the call does not state it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", PolicySelect)
        return super().formfield(**kwargs)
