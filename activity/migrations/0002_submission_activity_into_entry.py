"""The submissions' own activity log becomes part of the workshop's one log.

Every ``submissions.SubmissionActivity`` row is copied into ``activity.Entry`` (kind
"submission", same action, states, message, actor and time); the next submissions migration
then removes the old model. Going back copies the submission entries into the old table again.
"""

from django.db import migrations

BATCH = 2000


def copy_submission_activity(apps, schema_editor):
    """Copy every old row into the log, keeping its time (``created_at`` is auto_now_add, so
    it is written again after the insert)."""
    Old = apps.get_model("submissions", "SubmissionActivity")
    Entry = apps.get_model("activity", "Entry")
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
        created = Entry.objects.bulk_create([entry for entry, _ in batch])
        for entry, (_, when) in zip(created, batch, strict=True):
            entry.created_at = when
        Entry.objects.bulk_update(created, ["created_at"])
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
        )
        batch.append((entry, row["created_at"]))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


def copy_back(apps, schema_editor):
    """The reverse: submission entries back into the old table, then out of the log."""
    Old = apps.get_model("submissions", "SubmissionActivity")
    Entry = apps.get_model("activity", "Entry")
    entries = Entry.objects.filter(kind="submission", submission__isnull=False).order_by("pk")
    olds = []
    for entry in entries.iterator(chunk_size=BATCH):
        olds.append(
            (
                Old(
                    submission_id=entry.submission_id,
                    actor_id=entry.actor_id,
                    action=entry.action[:20],
                    from_state=entry.from_state[:14],
                    to_state=entry.to_state[:14],
                    message=entry.message,
                ),
                entry.created_at,
            )
        )
    created = Old.objects.bulk_create([old for old, _ in olds], batch_size=BATCH)
    for old, (_, when) in zip(created, olds, strict=True):
        old.created_at = when
    Old.objects.bulk_update(created, ["created_at"], batch_size=BATCH)
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("submissions", "0006_file_kinds_slides_poster"),
    ]

    operations = [migrations.RunPython(copy_submission_activity, copy_back)]
