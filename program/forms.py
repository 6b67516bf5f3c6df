"""The chair's forms of the program builder: one session with its slots, and publishing."""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory

from workshops.concurrency import VersionedFormMixin
from workshops.forms import LocalDateTimeField, ZonedFormMixin
from workshops.formsets import CheckedManagementFormMixin

from .models import Session
from .services import SessionInput, SlotInput

MAX_SLOTS = 200


class SessionForm(VersionedFormMixin, ZonedFormMixin, forms.ModelForm):
    starts_at = LocalDateTimeField(label="Starts", allow_date_only=False)
    ends_at = LocalDateTimeField(label="Ends", allow_date_only=False)

    class Meta:
        model = Session
        fields = ["kind", "title", "starts_at", "ends_at", "room", "description", "people"]
        widgets = {
            "people": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"room": "A room or a stream; sessions in one room may not overlap."}

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, tz=workshop.tzinfo, **kwargs)
        self.workshop = workshop
        self.fields["people"].queryset = workshop.people.all()
        if not workshop.people.exists():
            self.fields["people"].help_text = (
                "The call lists no people yet: add invited speakers and panelists in the "
                "call's People section."
            )
        self.fields["people"].label_from_instance = lambda p: f"{p.name} ({p.get_role_display()})"
        self.fields[
            "starts_at"
        ].help_text = f"In the workshop's time zone ({workshop.timezone_label})."

    def _post_clean(self):
        # The service validates the session as a whole (overlaps, day, durations) and saves
        # it; the instance must keep its saved values until then.
        pass

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The session must end after it starts.")
        return cleaned

    def to_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            kind=data["kind"],
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            room=data.get("room") or "",
            description=data.get("description") or "",
            people=list(data.get("people") or []),
        )


class PaperChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.number} {obj.title}"


class SlotForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission = PaperChoiceField(
        queryset=None, required=False, label="Accepted paper", empty_label="(no paper)"
    )
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="For an invited talk, a panel, a break: leave the paper empty.",
    )
    duration_minutes = forms.IntegerField(
        label="Minutes", required=False, min_value=1, max_value=24 * 60
    )
    order = forms.IntegerField(required=False, min_value=0, max_value=10_000)

    def __init__(self, *args, papers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].queryset = papers

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed() or cleaned.get("DELETE"):
            return cleaned
        if cleaned.get("submission") is None and not (cleaned.get("title") or "").strip():
            raise forms.ValidationError("Choose a paper or give the item a title.")
        return cleaned


class BaseSlotFormSet(CheckedManagementFormMixin, BaseFormSet):
    """A tampered management form (negative counts) is a form error, as everywhere."""


SlotFormSet = formset_factory(
    SlotForm,
    formset=BaseSlotFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_SLOTS,
    absolute_max=MAX_SLOTS,
)


def slot_inputs(formset) -> list[SlotInput]:
    """The kept rows of a valid slot formset, in their order (typed order, then position)."""
    rows = []
    for position, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or not form.has_changed() and not data.get("id"):
            continue
        order = data.get("order")
        rows.append(
            (
                order if order is not None else position,
                position,
                SlotInput(
                    submission=data.get("submission"),
                    title=(data.get("title") or "").strip(),
                    duration_minutes=data.get("duration_minutes"),
                    pk=data.get("id"),
                ),
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    result = []
    for index, (_order, _position, row) in enumerate(rows):
        row.order = index + 1
        result.append(row)
    return result


class PublishForm(forms.Form):
    publish = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
