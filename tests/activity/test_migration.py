"""The submissions' old activity log is copied into the workshop's log, row for row, with its
time, actor, states and message (the data migration's function, run on the old table)."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories as base

BEFORE = [("activity", "0001_initial"), ("submissions", "0006_file_kinds_slides_poster")]
migration = importlib.import_module("activity.migrations.0002_submission_activity_into_entry")


def _latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_rows_become_submission_entries():
    workshop = base.WorkshopFactory()
    other_workshop = base.WorkshopFactory()
    author = base.UserFactory(full_name="Ada Author")
    chair = base.UserFactory(full_name="Carla Chair")
    paper = base.SubmissionFactory(workshop=workshop, number=1)
    other = base.SubmissionFactory(workshop=other_workshop, number=1)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Old = apps.get_model("submissions", "SubmissionActivity")
        Entry = apps.get_model("activity", "Entry")
        when = dt.datetime(2023, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
        rows = [
            Old.objects.create(submission_id=paper.pk, actor_id=author.pk, action="created"),
            Old.objects.create(
                submission_id=paper.pk,
                actor_id=author.pk,
                action="submitted",
                from_state="draft",
                to_state="submitted",
            ),
            Old.objects.create(
                submission_id=paper.pk,
                actor_id=chair.pk,
                action="desk_rejected",
                from_state="submitted",
                to_state="desk_rejected",
                message="Out of scope",
            ),
            Old.objects.create(submission_id=other.pk, actor_id=None, action="deadline"),
        ]
        for offset, row in enumerate(rows):
            Old.objects.filter(pk=row.pk).update(created_at=when + dt.timedelta(hours=offset))

        migration.copy_submission_activity(apps, None)

        copied = list(Entry.objects.order_by("created_at", "pk"))
        assert [
            (
                e.workshop_id,
                e.submission_id,
                e.actor_id,
                e.kind,
                e.action,
                e.from_state,
                e.to_state,
                e.message,
                e.created_at,
            )
            for e in copied
        ] == [
            (workshop.pk, paper.pk, author.pk, "submission", "created", "", "", "", when),
            (
                workshop.pk,
                paper.pk,
                author.pk,
                "submission",
                "submitted",
                "draft",
                "submitted",
                "",
                when + dt.timedelta(hours=1),
            ),
            (
                workshop.pk,
                paper.pk,
                chair.pk,
                "submission",
                "desk_rejected",
                "submitted",
                "desk_rejected",
                "Out of scope",
                when + dt.timedelta(hours=2),
            ),
            (
                other_workshop.pk,
                other.pk,
                None,
                "submission",
                "deadline",
                "",
                "",
                "",
                when + dt.timedelta(hours=3),
            ),
        ]
        # And back: the reverse puts them into the old table again.
        Old.objects.all().delete()
        migration.copy_back(apps, None)
        assert Old.objects.count() == 4 and not Entry.objects.exists()
        assert Old.objects.get(action="desk_rejected").created_at == when + dt.timedelta(hours=2)
    finally:
        _latest()


@pytest.mark.django_db(transaction=True)
def test_the_migrations_run_forward_with_old_rows():
    """The whole chain: old rows present, migrate to the latest state, the model is gone and
    the rows are entries."""
    from activity.models import Entry

    paper = base.SubmissionFactory(number=1)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Old = apps.get_model("submissions", "SubmissionActivity")
        Old.objects.create(submission_id=paper.pk, action="created")
    finally:
        _latest()
    assert "submissions_submissionactivity" not in connection.introspection.table_names()
    entry = Entry.objects.get()
    assert (entry.submission_id, entry.kind, entry.action) == (paper.pk, "submission", "created")
