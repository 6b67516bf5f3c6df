from django.conf import settings
from django.db import models


class Comment(models.Model):
    """A message of a paper's discussion among its reviewers and the chairs."""

    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="review_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_comments"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.submission}"
