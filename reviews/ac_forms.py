"""Forms of the area chairs' pages."""

from django import forms

from workshops.concurrency import VersionedFormMixin

from .enums import outcomes_for
from .services.meta_reviews import MetaReviewInput


class MetaReviewForm(VersionedFormMixin, forms.Form):
    recommendation = forms.ChoiceField(
        label="Recommendation to the chairs",
        required=False,
        help_text="Needed to submit; a draft may leave it open.",
    )
    comments = forms.CharField(
        label="Meta-review for the authors",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Sent to the authors with the decision, signed “Area chair” (never your "
        "name). Markdown: **bold**, *italic*, lists and links.",
    )
    confidential_note = forms.CharField(
        label="Confidential note to the chairs",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the chairs read it; never the authors or the reviewers.",
    )

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = [("", "— not yet —")] + [
            (o.value, o.label) for o in outcomes_for(workshop)
        ]

    def meta_review_input(self) -> MetaReviewInput:
        data = self.cleaned_data
        return MetaReviewInput(
            recommendation=data.get("recommendation") or "",
            comments=data.get("comments") or "",
            confidential_note=data.get("confidential_note") or "",
        )


class EmergencyRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why (for the chairs)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
