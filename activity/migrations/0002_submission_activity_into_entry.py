"""The submissions' own activity log becomes part of the workshop's one log.

Every ``submissions.SubmissionActivity`` row is copied into ``activity.Entry`` (kind
"submission", same action, states, message, actor and time); the next submissions migration
then removes the old model. Going back copies the submission entries into the old table again.
"""

from django.db import migrations

BATCH = 2000


def _keeping_times(model):
    """``model``'s ``created_at`` (auto_now_add) takes the value given, for the copy only: the
    historical model of this migration is changed, never the app's."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    return field


def copy_submission_activity(apps, schema_editor):
    """Copy every old row into the log, keeping its time, in inserts of ``BATCH`` rows."""
    Old = apps.get_model("submissions", "SubmissionActivity")
    Entry = apps.get_model("activity", "Entry")
    field = _keeping_times(Entry)
    try:
        _copy(Old, Entry)
    finally:
        field.auto_now_add = True


def _copy(Old, Entry):
    rows = Old.objects.order_by("pk").values(
        "submission_id",
        "submission__workshop_id",
        "actor_id",
        "action",
        "from_state",
        "to_state",
        "message",
        "created_at",
    )
    batch = []

    def flush():
        Entry.objects.bulk_create(batch)
        batch.clear()

    for row in rows.iterator(chunk_size=BATCH):
        entry = Entry(
            workshop_id=row["submission__workshop_id"],
            submission_id=row["submission_id"],
            actor_id=row["actor_id"],
            kind="submission",
            action=row["action"],
            from_state=row["from_state"] or "",
            to_state=row["to_state"] or "",
            message=row["message"] or "",
            changes={},
            created_at=row["created_at"],
        )
        batch.append(entry)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


def copy_back(apps, schema_editor):
    """The reverse: submission entries back into the old table, then out of the log."""
    Old = apps.get_model("submissions", "SubmissionActivity")
    Entry = apps.get_model("activity", "Entry")
    field = _keeping_times(Old)
    try:
        _copy_back(Old, Entry)
    finally:
        field.auto_now_add = True


def _copy_back(Old, Entry):
    entries = Entry.objects.filter(kind="submission", submission__isnull=False).order_by("pk")
    olds = []
    for entry in entries.iterator(chunk_size=BATCH):
        olds.append(
            Old(
                submission_id=entry.submission_id,
                actor_id=entry.actor_id,
                action=entry.action[:20],
                from_state=entry.from_state[:14],
                to_state=entry.to_state[:14],
                message=entry.message,
                created_at=entry.created_at,
            )
        )
    Old.objects.bulk_create(olds, batch_size=BATCH)
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("submissions", "0006_file_kinds_slides_poster"),
    ]

    operations = [migrations.RunPython(copy_submission_activity, copy_back)]
