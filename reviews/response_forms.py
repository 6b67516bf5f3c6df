"""Forms of the author response: the authors' text and a chair's per-paper deadline."""

from __future__ import annotations

from django import forms

from submissions.forms import DeadlineOverrideForm
from workshops.concurrency import VersionedFormMixin


class ResponseForm(VersionedFormMixin, forms.Form):
    """The authors' response (Markdown). The word limit is checked by the service, which
    counts the words on the server; the page shows the limit and, with JavaScript, a live
    count."""

    text = forms.CharField(
        label="Response text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.help_text = (
            f"At most {limit} words. Markdown: **bold**, *italic*, lists and links. "
            "Reviewers read it signed “Authors”: do not reveal who you are."
        )
        field.widget.attrs.update({"data-word-limit": str(limit), "data-word-count": "word-count"})


class ResponseDeadlineForm(DeadlineOverrideForm):
    """One paper's own author-response deadline, in the workshop's time zone (the service
    checks it is later than the call's and not past)."""

    deadline_label = "Author response deadline for this paper"
    remove_label = "Back to the call's deadline"

    def deadline_error(self, value) -> str | None:
        return None
