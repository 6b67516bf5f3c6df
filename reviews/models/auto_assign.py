"""Automatic reviewer assignment: a run of the solver, its proposal and imported affinities.

A chair starts an ``AssignmentRun`` with parameters; a Celery task builds the problem from the
database, solves it and stores the proposal as ``ProposedPair`` rows; the chair edits the
proposal by hand and commits it, which creates the ``Assignment`` rows. Workflows live in
``reviews.services.auto_assign``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from workshops.jobs import HeartbeatFields


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Proposal ready"
    FAILED = "failed", "Failed"
    COMMITTED = "committed", "Committed"


class AssignmentRun(HeartbeatFields):
    """One computation of an assignment proposal for a workshop.

    ``params`` holds the chair's choices (reviewers per paper, default loads, signal weights);
    ``result`` the solver's summary (objective, dual bound, optimality, infeasibility report,
    quality summary, timings). ``heartbeat_at`` is refreshed by the worker while the run works
    (``workshops.jobs``): a run whose worker died is failed by the stale sweep.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="assignment_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=RunState, default=RunState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RunState.values), name="assignmentrun_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="assignmentrun_progress_le_100"
            ),
            models.CheckConstraint(
                condition=~Q(state=RunState.COMMITTED) | Q(committed_at__isnull=False),
                name="assignmentrun_committed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Assignment run {self.pk} of {self.workshop} ({self.get_state_display()})"

    @property
    def is_working(self) -> bool:
        return self.state in (RunState.QUEUED, RunState.RUNNING)

    @property
    def is_editable(self) -> bool:
        return self.state == RunState.DONE

    @property
    def is_committed(self) -> bool:
        return self.state == RunState.COMMITTED


class ProposedPair(models.Model):
    """A (paper, reviewer) pair of a run's proposal.

    ``is_locked`` pairs are existing assignments the run kept; ``edited_by_chair`` marks pairs a
    chair added by hand. ``explanation`` holds the contribution of each signal to ``score``.
    """

    run = models.ForeignKey(AssignmentRun, on_delete=models.CASCADE, related_name="pairs")
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(default=0.0)
    explanation = models.JSONField(default=dict, blank=True)
    is_locked = models.BooleanField(default=False)
    edited_by_chair = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "submission", "-score", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "submission", "reviewer"], name="proposedpair_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.submission} ({self.score:.3f})"


class ImportedAffinity(models.Model):
    """An affinity score imported by a chair (e.g. from the Toronto Paper Matching System)."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="imported_affinities"
    )
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField()

    class Meta:
        verbose_name_plural = "imported affinities"
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], name="importedaffinity_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} × {self.submission}: {self.score}"
