"""The author response: one per paper, written during the response phase."""

from django.conf import settings
from django.db import models


class AuthorResponse(models.Model):
    """The authors' answer to the reviews of one paper (Markdown, under the word limit).

    ``deadline_override`` is the paper's own later response deadline a chair granted; the row
    may exist with an empty text for it.
    """

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="author_response"
    )
    text = models.TextField(blank=True)
    words = models.PositiveIntegerField(default=0, editable=False)
    deadline_override = models.DateTimeField(
        "response deadline of this paper", null=True, blank=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The first time a non-empty response was saved; reviewers and the AC are notified once.
    submitted_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on at every save of its edit page: a page loaded before refuses to "
        "overwrite it (workshops.concurrency).",
    )

    def __str__(self) -> str:
        return f"Author response to {self.submission}"

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())
